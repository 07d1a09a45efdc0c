import crypto, { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ConflictError, LimitExceededError, ValidationError } from '@mediaflow/domain';
import { collectBytes, objectStoreContract } from '@mediaflow/domain/testing';
import S3rver from 's3rver';
import { createS3Client, MIN_PART_SIZE, S3StoreConfigSchema, type S3StoreConfigInput } from './config.js';
import { S3MultipartUploads } from './s3-multipart-uploads.js';
import { S3ObjectStore } from './s3-object-store.js';

// s3rver's built-in account. s3rver checks that a request is signed by a known key, but does not
// verify SigV4 signatures: presigned URLs are checked here for what they sign, not by the server.
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let server: S3rver;
let directory: string;
let endpoint: string;
let admin: S3Client;
let buckets = 0;

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which the OpenSSL 3 of Node 20
 * no longer offers, so every truncated listing fails with InternalError. While it runs in this
 * process, its DES is swapped for AES-128-CBC with the 8-byte key and IV doubled: the tokens stay
 * opaque and round-trip, which is all s3rver needs of them.
 */
function shimDesForS3rver(): () => void {
  const { createCipheriv, createDecipheriv } = crypto;
  const widen = (bytes: crypto.BinaryLike | crypto.CipherKey | null): Buffer => {
    const buffer = Buffer.from(bytes as Uint8Array);
    return Buffer.concat([buffer, buffer]);
  };
  const patched = crypto as unknown as Record<'createCipheriv' | 'createDecipheriv', (...args: unknown[]) => unknown>;
  patched.createCipheriv = (algorithm: unknown, key: unknown, iv: unknown, ...rest: unknown[]) =>
    algorithm === 'des'
      ? createCipheriv('aes-128-cbc', widen(key as Uint8Array), widen(iv as Uint8Array))
      : (createCipheriv as (...args: unknown[]) => unknown)(algorithm, key, iv, ...rest);
  patched.createDecipheriv = (algorithm: unknown, key: unknown, iv: unknown, ...rest: unknown[]) =>
    algorithm === 'des'
      ? createDecipheriv('aes-128-cbc', widen(key as Uint8Array), widen(iv as Uint8Array))
      : (createDecipheriv as (...args: unknown[]) => unknown)(algorithm, key, iv, ...rest);
  return () => {
    patched.createCipheriv = createCipheriv as (...args: unknown[]) => unknown;
    patched.createDecipheriv = createDecipheriv as (...args: unknown[]) => unknown;
  };
}

let restoreDes: () => void;

beforeAll(async () => {
  restoreDes = shimDesForS3rver();
  directory = await mkdtemp(join(tmpdir(), 'mf-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
});

afterAll(async () => {
  admin.destroy();
  await server.close();
  await rm(directory, { recursive: true, force: true });
  restoreDes();
});

/** A fresh, uniquely named bucket, so no test sees another's objects. */
async function freshConfig(overrides: Partial<S3StoreConfigInput> = {}): Promise<S3StoreConfigInput> {
  buckets += 1;
  const bucket = `mf-test-${process.pid}-${buckets}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return { bucket, endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', ...overrides };
}

objectStoreContract('s3 (s3rver)', async () => ({ store: new S3ObjectStore(await freshConfig()) }));

const signedHeaders = (url: string): string[] => (new URL(url).searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, offset + size);
}

describe('S3ObjectStore on s3rver', () => {
  /** A client that records the name of every command it sends. */
  function recordingClient(config: S3StoreConfigInput): { client: S3Client; commands: string[] } {
    const client = createS3Client(S3StoreConfigSchema.parse(config));
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize' },
    );
    return { client, commands };
  }

  it('streams a body longer than one part as a multipart upload', async () => {
    const config = await freshConfig({ partSizeBytes: MIN_PART_SIZE, queueSize: 2 });
    const { client, commands } = recordingClient(config);
    const store = new S3ObjectStore(config, { client });
    const bytes = randomBytes(MIN_PART_SIZE * 2 + 1234);
    const put = await store.put('originals/alice/big', chunked(bytes, 256 * 1024), { contentType: 'video/mp4' });
    expect(put.size).toBe(bytes.byteLength);
    expect(put.sha256).toBe(sha256(bytes));
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    expect(commands).not.toContain('PutObjectCommand');
    const got = await store.get('originals/alice/big');
    expect(got.head.size).toBe(bytes.byteLength);
    expect(got.head.contentType).toBe('video/mp4');
    expect(sha256(await collectBytes(got.body))).toBe(sha256(bytes));
  });

  it('sends a buffer larger than one part as a multipart upload too', async () => {
    const config = await freshConfig({ partSizeBytes: MIN_PART_SIZE });
    const { client, commands } = recordingClient(config);
    const store = new S3ObjectStore(config, { client });
    const bytes = randomBytes(MIN_PART_SIZE + 1);
    expect((await store.put('originals/alice/buffer', bytes)).sha256).toBe(sha256(bytes));
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(2);
    expect((await store.head('originals/alice/buffer'))?.size).toBe(bytes.byteLength);
  });

  it('aborts a multipart put that passes maxBytes mid-stream and stores nothing', async () => {
    const config = await freshConfig({ partSizeBytes: MIN_PART_SIZE, queueSize: 1 });
    const { client, commands } = recordingClient(config);
    const store = new S3ObjectStore(config, { client });
    await store.put('originals/alice/huge', Buffer.from('old'));
    const bytes = randomBytes(MIN_PART_SIZE * 2 + 10);
    const error = await store.put('originals/alice/huge', chunked(bytes, 128 * 1024), { maxBytes: MIN_PART_SIZE * 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(commands).toContain('UploadPartCommand');
    expect(commands).toContain('AbortMultipartUploadCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    expect(Buffer.from(await collectBytes((await store.get('originals/alice/huge')).body)).toString()).toBe('old');
  });

  it('refuses a stream over maxBytes within its first part without a request', async () => {
    const config = await freshConfig();
    const { client, commands } = recordingClient(config);
    const store = new S3ObjectStore(config, { client });
    await expect(store.put('k/small', chunked(randomBytes(100), 10), { maxBytes: 50 })).rejects.toBeInstanceOf(LimitExceededError);
    expect(commands).toEqual([]);
  });

  it('reports the SHA-256 it sent with a single put', async () => {
    const store = new S3ObjectStore(await freshConfig());
    const bytes = randomBytes(1000);
    expect((await store.put('k/one', bytes)).sha256).toBe(sha256(bytes));
  });

  it('deletes by prefix across many listing pages', async () => {
    const store = new S3ObjectStore(await freshConfig({ listPageSize: 7 }));
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.put(`renditions/alice/A/${String(i).padStart(2, '0')}.webp`, Buffer.from([i]))));
    await store.put('renditions/alice/AB/keep.webp', Buffer.from('x'));
    expect(await store.deleteByPrefix('renditions/alice/A/')).toBe(30);
    const left: string[] = [];
    for await (const head of store.list('renditions/alice/')) left.push(head.key);
    expect(left).toEqual(['renditions/alice/AB/keep.webp']);
    await expect(store.deleteByPrefix('')).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists across pages in key order', async () => {
    const store = new S3ObjectStore(await freshConfig({ listPageSize: 2 }));
    const keys = ['p/e', 'p/a', 'p/d', 'p/b', 'p/c'];
    for (const key of keys) await store.put(key, Buffer.from(key));
    const listed: string[] = [];
    for await (const head of store.list('p/')) listed.push(head.key);
    expect(listed).toEqual([...keys].sort());
  });

  it('refuses unsafe keys before any request', async () => {
    const store = new S3ObjectStore(await freshConfig());
    await expect(store.put('../escape', Buffer.from('x'))).rejects.toBeInstanceOf(ValidationError);
    await expect(store.get('a//b')).rejects.toBeInstanceOf(ValidationError);
    await expect(store.get('k/x', { start: 5, end: 2 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('issues a presigned PUT, signed over its type and length and create-only, that s3rver accepts', async () => {
    const store = new S3ObjectStore(await freshConfig());
    const body = Buffer.from('presigned upload body');
    const grant = await store.presignPut('originals/alice/p', { expiresInSeconds: 300, contentType: 'image/png', contentLength: body.byteLength });
    // If-None-Match: * is signed, so S3 refuses the PUT (412) once the key exists, and refuses it
    // without the header as badly signed: a replayed URL cannot replace the original.
    expect(grant.headers).toEqual({ 'content-type': 'image/png', 'if-none-match': '*' });
    expect(signedHeaders(grant.url)).toEqual(['content-length', 'content-type', 'host', 'if-none-match']);
    expect(new URL(grant.url).searchParams.has('if-none-match')).toBe(false);
    // No SDK-added checksum of an empty body may end up in the URL.
    expect([...new URL(grant.url).searchParams.keys()].filter((k) => k.toLowerCase().includes('checksum'))).toEqual([]);
    const ok = await fetch(grant.url, { method: 'PUT', headers: grant.headers, body });
    expect(ok.status).toBe(200);
    const got = await store.get('originals/alice/p');
    expect(got.head.contentType).toBe('image/png');
    expect(Buffer.from(await collectBytes(got.body)).toString()).toBe('presigned upload body');
  });

  it('signs a known SHA-256 as a header the uploader must send, for S3 to check', async () => {
    const store = new S3ObjectStore(await freshConfig());
    const body = Buffer.from('hashed body');
    const grant = await store.presignPut('originals/alice/h', { expiresInSeconds: 300, sha256: sha256(body) });
    expect(grant.headers).toEqual({ 'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'), 'if-none-match': '*' });
    expect(signedHeaders(grant.url)).toContain('x-amz-checksum-sha256');
    expect(new URL(grant.url).searchParams.has('x-amz-checksum-sha256')).toBe(false);
    const ok = await fetch(grant.url, { method: 'PUT', headers: grant.headers, body });
    expect(ok.status).toBe(200);
    await expect(store.presignPut('originals/alice/h', { expiresInSeconds: 300, sha256: 'not-hex' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('issues a presigned GET that serves the object as an attachment', async () => {
    const store = new S3ObjectStore(await freshConfig());
    await store.put('originals/alice/d', Buffer.from('download me'), { contentType: 'application/pdf' });
    const grant = await store.presignGet('originals/alice/d', { expiresInSeconds: 60, downloadFilename: 'Menü "1".pdf' });
    const response = await fetch(grant.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Men_ _1_.pdf"; filename*=UTF-8''Men%C3%BC%20%221%22.pdf`);
    expect(await response.text()).toBe('download me');
    await expect(store.presignGet('originals/alice/d', { expiresInSeconds: 8 * 24 * 3600 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('S3MultipartUploads on s3rver', () => {
  it('plans presigned parts that fetch can upload, then completes them into one object', async () => {
    const config = await freshConfig();
    const uploads = new S3MultipartUploads(config);
    const store = new S3ObjectStore(config);
    const bytes = randomBytes(25);
    const started = await uploads.start('originals/alice/m', bytes.byteLength, { partSize: 10, contentType: 'video/mp4' });
    const plan = { ...started, ...(await uploads.presignParts('originals/alice/m', started.uploadId, { size: 25, partSize: 10 }, [1, 2, 3], { expiresInSeconds: 600 })) };
    expect(plan.parts.map((p) => p.number)).toEqual([1, 2, 3]);
    // Each part URL is signed over its exact length, so S3 refuses a part of another size.
    expect(plan.parts.map((p) => signedHeaders(p.url))).toEqual(plan.parts.map(() => ['content-length', 'host']));
    const etags: { number: number; etag: string }[] = [];
    for (const part of plan.parts) {
      const response = await fetch(part.url, { method: 'PUT', body: bytes.subarray((part.number - 1) * 10, part.number * 10) });
      expect(response.status).toBe(200);
      etags.push({ number: part.number, etag: response.headers.get('etag') ?? '' });
    }
    const head = await uploads.complete('originals/alice/m', plan.uploadId, etags);
    expect(head.size).toBe(25);
    expect(head.contentType).toBe('video/mp4');
    expect(Buffer.from(await collectBytes((await store.get('originals/alice/m')).body)).equals(bytes)).toBe(true);
  });

  it('completes create-only: sends If-None-Match: * and answers S3\'s 412 as a conflict', async () => {
    const config = await freshConfig();
    const client = createS3Client(S3StoreConfigSchema.parse(config));
    const sent: (string | undefined)[] = [];
    let refuse = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'CompleteMultipartUploadCommand') return next(args);
        sent.push((args.request as { headers: Record<string, string> }).headers['if-none-match']);
        if (!refuse) return next(args);
        // What S3 answers when the key exists (s3rver does not evaluate conditional writes).
        throw new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 }, message: 'At least one of the pre-conditions you specified did not hold' });
      },
      { step: 'finalizeRequest' },
    );
    const uploads = new S3MultipartUploads(config, { client });
    const bytes = randomBytes(15);
    const started = await uploads.start('originals/alice/c', bytes.byteLength, { partSize: 10 });
    const plan = { ...started, ...(await uploads.presignParts('originals/alice/c', started.uploadId, { size: 15, partSize: 10 }, [1, 2], { expiresInSeconds: 600 })) };
    const etags: { number: number; etag: string }[] = [];
    for (const part of plan.parts) {
      const response = await fetch(part.url, { method: 'PUT', body: bytes.subarray((part.number - 1) * 10, part.number * 10) });
      etags.push({ number: part.number, etag: response.headers.get('etag') ?? '' });
    }
    refuse = true;
    await expect(uploads.complete('originals/alice/c', plan.uploadId, etags)).rejects.toBeInstanceOf(ConflictError);
    refuse = false;
    expect((await uploads.complete('originals/alice/c', plan.uploadId, etags)).size).toBe(15);
    expect(sent).toEqual(['*', '*']);
    client.destroy();
  });

  it('refuses an incomplete or unordered part list before asking S3', async () => {
    const uploads = new S3MultipartUploads(await freshConfig());
    await expect(uploads.complete('originals/alice/x', 'whatever', [{ number: 2, etag: 'e' }])).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.complete('originals/alice/x', 'whatever', [])).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses more parts than S3 allows', async () => {
    const uploads = new S3MultipartUploads(await freshConfig());
    await expect(uploads.start('originals/alice/y', 10_001, { partSize: 1 })).rejects.toBeInstanceOf(ValidationError);
  });
});
