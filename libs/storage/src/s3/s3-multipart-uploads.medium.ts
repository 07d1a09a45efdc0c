import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { NotFoundError, ValidationError } from '@mediaflow/domain';
import { collectBytes } from '@mediaflow/domain/testing';
import S3rver from 's3rver';
import { createS3Client, S3StoreConfigSchema, type S3StoreConfigInput } from './config.js';
import { S3MultipartUploads } from './s3-multipart-uploads.js';
import { S3ObjectStore } from './s3-object-store.js';

// s3rver's built-in account (see s3-object-store.medium.ts).
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The parts of s3rver (a Koa app) this file reaches into. */
interface S3rverInternals {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
}

/**
 * s3rver 3.7 has no ListParts. This answers it in S3's shape from the parts s3rver itself stored
 * (`{uploads}/{uploadId}/{n}` and `{n}.md5`), paged by `max-parts` and `part-number-marker` as S3
 * pages, and NoSuchUpload (404) for an upload it does not hold. It runs ahead of s3rver's router and
 * behind its XML encoder, so the SDK parses real XML over HTTP.
 */
function addListParts(server: S3rver): { calls: number } {
  const internals = server as unknown as S3rverInternals;
  const seen = { calls: 0 };
  const listParts = async (ctx: KoaContext, next: () => Promise<void>): Promise<void> => {
    const uploadId = ctx.query['uploadId'];
    if (ctx.method !== 'GET' || typeof uploadId !== 'string') return next();
    seen.calls += 1;
    const [, bucket = '', ...keyParts] = ctx.path.split('/');
    const dir = join(internals.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      ctx.status = 404;
      ctx.body = { Error: { Code: 'NoSuchUpload', Message: 'The specified upload does not exist.', UploadId: uploadId } };
      return;
    }
    const maxParts = Number(ctx.query['max-parts'] ?? 1000);
    const marker = Number(ctx.query['part-number-marker'] ?? 0);
    const numbers = names.filter((n) => /^\d+$/.test(n)).map(Number).filter((n) => n > marker).sort((a, b) => a - b);
    const shown = numbers.slice(0, maxParts);
    const parts = await Promise.all(
      shown.map(async (n) => ({
        PartNumber: n,
        ETag: `"${(await readFile(join(dir, `${n}.md5`), 'utf8')).trim()}"`,
        Size: (await stat(join(dir, String(n)))).size,
      })),
    );
    const truncated = numbers.length > shown.length;
    ctx.status = 200;
    ctx.body = {
      ListPartsResult: {
        Bucket: bucket,
        Key: decodeURIComponent(keyParts.join('/')),
        UploadId: uploadId,
        PartNumberMarker: marker,
        ...(truncated ? { NextPartNumberMarker: shown[shown.length - 1] } : {}),
        MaxParts: maxParts,
        IsTruncated: truncated,
        ...(parts.length === 0 ? {} : { Part: parts }),
      },
    };
  };
  // Just before the router (the last middleware), after the XML encoder.
  internals.middleware.splice(internals.middleware.length - 1, 0, listParts);
  return seen;
}

let server: S3rver;
let directory: string;
let endpoint: string;
let admin: S3Client;
let listPartsCalls: { calls: number };
let buckets = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mf-s3rver-multipart-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  listPartsCalls = addListParts(server);
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
});

afterAll(async () => {
  admin.destroy();
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

async function freshConfig(): Promise<S3StoreConfigInput> {
  buckets += 1;
  const bucket = `mf-multipart-${process.pid}-${buckets}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return { bucket, endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED' };
}

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

async function putPart(url: string, body: Uint8Array): Promise<string> {
  const response = await fetch(url, { method: 'PUT', body });
  expect(response.status).toBe(200);
  return (response.headers.get('etag') ?? '').replace(/"/g, '');
}

describe('S3MultipartUploads: resuming on s3rver', () => {
  const key = 'originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV';

  it('starts without signing, presigns parts on demand with their exact lengths, and refuses numbers outside the plan', async () => {
    const uploads = new S3MultipartUploads(await freshConfig());
    const plan = await uploads.start(key, 25, { partSize: 10 });
    expect(plan).toEqual({ uploadId: expect.any(String), partSize: 10, partCount: 3 });
    const signed = await uploads.presignParts(key, plan.uploadId, { size: 25, partSize: 10 }, [3, 1], { expiresInSeconds: 900 });
    expect(signed.parts.map((p) => p.number)).toEqual([3, 1]);
    const params = signed.parts.map((p) => new URL(p.url).searchParams);
    expect(params.map((q) => [q.get('partNumber'), q.get('uploadId'), q.get('X-Amz-Expires'), q.get('X-Amz-SignedHeaders')])).toEqual([
      ['3', plan.uploadId, '900', 'content-length;host'],
      ['1', plan.uploadId, '900', 'content-length;host'],
    ]);
    expect(signed.expiresAt.getTime() - Date.now()).toBeGreaterThan(890_000);
    for (const numbers of [[0], [4], [2.5]]) {
      await expect(uploads.presignParts(key, plan.uploadId, { size: 25, partSize: 10 }, numbers, { expiresInSeconds: 900 })).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it('lists the parts S3 holds across pages, and the listed etags complete the upload', async () => {
    const config = await freshConfig();
    const client = createS3Client(S3StoreConfigSchema.parse(config));
    const pageSizes: (number | undefined)[] = [];
    // Pages of two parts, so that five parts take three ListParts calls.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListPartsCommand') {
          const input = args.input as { MaxParts?: number };
          pageSizes.push(input.MaxParts);
          input.MaxParts = 2;
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const uploads = new S3MultipartUploads(config, { client });
    const bytes = randomBytes(45);
    const plan = await uploads.start(key, bytes.byteLength, { partSize: 10 });
    expect(await uploads.listParts(key, plan.uploadId)).toEqual([]);
    const { parts } = await uploads.presignParts(key, plan.uploadId, { size: 45, partSize: 10 }, [1, 2, 3, 4, 5], { expiresInSeconds: 600 });
    const slice = (n: number): Uint8Array => bytes.subarray((n - 1) * 10, n * 10);
    // Half the parts, then a pause: a new client asks what arrived.
    for (const part of parts.filter((p) => p.number % 2 === 1)) expect(await putPart(part.url, slice(part.number))).toBe(md5(slice(part.number)));
    expect(await uploads.listParts(key, plan.uploadId)).toEqual([
      { number: 1, etag: md5(slice(1)), size: 10 },
      { number: 3, etag: md5(slice(3)), size: 10 },
      { number: 5, etag: md5(slice(5)), size: 5 },
    ]);
    for (const part of parts.filter((p) => p.number % 2 === 0)) await putPart(part.url, slice(part.number));
    const callsBefore = listPartsCalls.calls;
    const all = await uploads.listParts(key, plan.uploadId);
    expect(listPartsCalls.calls - callsBefore).toBe(3);
    expect(pageSizes.every((size) => size === 1000)).toBe(true);
    expect(all.map((p) => [p.number, p.size])).toEqual([[1, 10], [2, 10], [3, 10], [4, 10], [5, 5]]);
    await uploads.complete(key, plan.uploadId, all);
    const stored = await new S3ObjectStore(config).get(key);
    expect(Buffer.from(await collectBytes(stored.body)).equals(bytes)).toBe(true);
    // Completed: S3 no longer has the upload.
    await expect(uploads.listParts(key, plan.uploadId)).rejects.toBeInstanceOf(NotFoundError);
    client.destroy();
  });

  it('answers NoSuchUpload as NotFoundError', async () => {
    const uploads = new S3MultipartUploads(await freshConfig());
    await expect(uploads.listParts(key, 'no-such-upload')).rejects.toBeInstanceOf(NotFoundError);
  });
});
