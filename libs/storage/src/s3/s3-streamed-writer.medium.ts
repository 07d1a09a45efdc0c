import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { collectBytes } from '@mediaflow/domain/testing';
import S3rver from 's3rver';
import { createS3Client, MIN_PART_SIZE, S3StoreConfigSchema, type S3StoreConfigInput } from './config.js';
import { S3ObjectStore } from './s3-object-store.js';
import { S3StreamedObjectWriter } from './s3-streamed-writer.js';

// s3rver's built-in account; it checks the key, not the signature.
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let server: S3rver;
let directory: string;
let endpoint: string;
let admin: S3Client;
let buckets = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mf-s3rver-writer-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
});

afterAll(async () => {
  admin.destroy();
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

async function freshConfig(overrides: Partial<S3StoreConfigInput> = {}): Promise<S3StoreConfigInput> {
  buckets += 1;
  const bucket = `mf-writer-${process.pid}-${buckets}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return { bucket, endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', ...overrides };
}

/** A client that records every command's name and, for parts, the size of the part. */
function recordingClient(config: S3StoreConfigInput): { client: S3Client; commands: string[]; parts: number[] } {
  const client = createS3Client(S3StoreConfigSchema.parse(config));
  const commands: string[] = [];
  const parts: number[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? '?');
      const input = args.input as { Body?: Uint8Array };
      if (context.commandName === 'UploadPartCommand') parts.push(input.Body?.byteLength ?? -1);
      return next(args);
    },
    { step: 'initialize' },
  );
  return { client, commands, parts };
}

/** `bytes` as a producer would hand them over: small, uneven chunks. */
async function* produced(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0, n = 0; at < bytes.length; n += 1) {
    const size = 1000 + ((n * 7919) % 90_000);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('S3StreamedObjectWriter on s3rver', () => {
  it('uploads a stream in parts of at least 5 MiB, all but the last, and stores it whole', async () => {
    const config = await freshConfig({ partSizeBytes: MIN_PART_SIZE, queueSize: 2 });
    const { client, commands, parts } = recordingClient(config);
    const writer = new S3StreamedObjectWriter(config, { client });
    const bytes = randomBytes(MIN_PART_SIZE * 3 + 12_345);
    const disposition = 'attachment; filename="mediaflow-2026-06-01.zip"';
    const head = await writer.write('downloads/alice/01J00000000000000000000000/archive.zip', produced(bytes), {
      expectedBytes: bytes.length,
      contentType: 'application/zip',
      contentDisposition: disposition,
    });
    expect(head).toMatchObject({ size: bytes.length, sha256: sha256(bytes), contentType: 'application/zip', contentDisposition: disposition });

    expect(parts).toEqual([MIN_PART_SIZE, MIN_PART_SIZE, MIN_PART_SIZE, 12_345]);
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands).toContain('CompleteMultipartUploadCommand');

    const store = new S3ObjectStore(config);
    const got = await store.get(head.key);
    expect(got.head).toMatchObject({ size: bytes.length, contentType: 'application/zip', contentDisposition: disposition });
    expect(sha256(await collectBytes(got.body))).toBe(sha256(bytes));
  });

  it('makes the parts larger for a body that would need more than S3’s 10,000 parts', async () => {
    const config = await freshConfig({ partSizeBytes: MIN_PART_SIZE });
    const { client, parts } = recordingClient(config);
    const writer = new S3StreamedObjectWriter(config, { client });
    const bytes = randomBytes(7 * 1024 * 1024);
    // Announced as 90 GiB: parts of 11 MiB, so this body is one part, sent as it is.
    await writer.write('downloads/alice/01J00000000000000000000001/archive.zip', produced(bytes), { expectedBytes: 90 * 1024 ** 3, contentType: 'application/zip' });
    expect(parts).toEqual([]);
    const got = await new S3ObjectStore(config).get('downloads/alice/01J00000000000000000000001/archive.zip');
    expect(sha256(await collectBytes(got.body))).toBe(sha256(bytes));
  });

  it('stores nothing and reports the stream’s own failure when it fails part way', async () => {
    const config = await freshConfig({ partSizeBytes: MIN_PART_SIZE, queueSize: 1 });
    const writer = new S3StreamedObjectWriter(config);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield randomBytes(MIN_PART_SIZE + 1);
      yield randomBytes(MIN_PART_SIZE + 1);
      throw new Error('the source went away');
    }
    const key = 'downloads/alice/01J00000000000000000000002/archive.zip';
    await expect(writer.write(key, failing(), { expectedBytes: 3 * MIN_PART_SIZE, contentType: 'application/zip' })).rejects.toThrow('the source went away');
    // (s3rver refuses the abort that follows; S3 discards the parts, or the bucket's rule does.)
    expect(await new S3ObjectStore(config).head(key)).toBeUndefined();
  });
});
