import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile } from './ingest.js';
import { IngestState } from './ingest-state.js';

/**
 * An API that answers every upload with a single presigned PUT carrying `grantHeaders`, and the
 * URL it names: records the headers each PUT arrived with.
 */
async function uploadTarget(grantHeaders: Record<string, string>, putStatus = 200): Promise<{ url: string; puts: IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const puts: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/api/v1/uploads') {
        const upload = { method: 'PUT', url: '/presigned/original', headers: grantHeaders, expiresAt: '2026-06-01T01:00:00.000Z' };
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', upload }));
        return;
      }
      if (request.method === 'PUT' && request.url === '/presigned/original') puts.push(request.headers);
      response.writeHead(putStatus, putStatus === 200 ? { etag: '"e"' } : { 'content-type': 'application/xml' });
      response.end(putStatus === 200 ? '' : `<Error><Code>${putStatus === 412 ? 'PreconditionFailed' : 'AccessDenied'}</Code></Error>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    puts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('mediaflow ingest, sending the bytes', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-ingest-put-'));
    path = join(dir, 'photo.jpg');
    await writeFile(path, 'jpeg bytes');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('PUTs create-only (If-None-Match: *), so a stored original is never replaced', async () => {
    const target = await uploadTarget({ 'content-type': 'image/jpeg' });
    try {
      const result = await ingestFile(path, { baseUrl: target.url, token: 't', wait: false, timeoutMs: 1000 });
      expect(result.outcome).toBe('uploaded');
      expect(target.puts).toHaveLength(1);
      expect(target.puts[0]).toMatchObject({ 'if-none-match': '*', 'content-type': 'image/jpeg', 'content-length': '10' });
    } finally {
      await target.close();
    }
  });

  it('sends the header once when the upload names it already (S3 signs it), whatever its case', async () => {
    const target = await uploadTarget({ 'If-None-Match': '*' });
    try {
      await ingestFile(path, { baseUrl: target.url, token: 't', wait: false, timeoutMs: 1000 });
      expect(target.puts[0]?.['if-none-match']).toBe('*');
    } finally {
      await target.close();
    }
  });

  it('takes a PUT refused because the original is stored already (412; 409 locally) as sent, and any other refusal as a failure', async () => {
    for (const [status, outcome] of [
      [412, 'uploaded'],
      [409, 'uploaded'],
      [403, 'failed'],
    ] as const) {
      const target = await uploadTarget({}, status);
      try {
        const result = await ingestFile(path, { baseUrl: target.url, token: 't', wait: false, timeoutMs: 1000 });
        expect({ status, outcome: result.outcome }).toEqual({ status, outcome });
      } finally {
        await target.close();
      }
    }
  });
});

const ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/**
 * An API holding one multipart upload of item `ID` (3 parts of 4 bytes): answers its status as
 * given, hands out part URLs (recording which numbers were asked for), refuses the first URL of
 * each part in `refuseOnce` with 403, and records the PUTs and the completion.
 */
async function multipartTarget(status: Record<string, unknown>, refuseOnce: number[] = []) {
  const asked: number[][] = [];
  const puts: string[] = [];
  const completed: unknown[] = [];
  let version = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const json = (code: number, value: unknown) => {
        response.writeHead(code, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      const url = new URL(request.url ?? '/', 'http://x');
      if (request.method === 'GET' && url.pathname === `/api/v1/uploads/${ID}`) return json(200, status);
      if (request.method === 'POST' && url.pathname === `/api/v1/uploads/${ID}/parts`) {
        const { numbers } = JSON.parse(body) as { numbers: number[] };
        asked.push(numbers);
        version += 1;
        return json(200, { parts: numbers.map((n) => ({ number: n, url: `/part/${n}?v=${version}` })), expiresAt: new Date(Date.now() + 900_000).toISOString() });
      }
      if (request.method === 'PUT' && url.pathname.startsWith('/part/')) {
        const n = Number(url.pathname.slice('/part/'.length));
        puts.push(`${n}:${body}`);
        const index = refuseOnce.indexOf(n);
        if (index >= 0) {
          refuseOnce.splice(index, 1);
          response.writeHead(403, { 'content-type': 'application/xml' });
          return response.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
        }
        response.writeHead(200, { etag: `"e${n}"` });
        return response.end();
      }
      if (request.method === 'POST' && url.pathname === `/api/v1/uploads/${ID}/complete`) {
        completed.push(JSON.parse(body));
        return json(202, { id: ID, status: 'uploading' });
      }
      return json(404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `no route ${request.method} ${url.pathname}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    puts,
    completed,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('mediaflow ingest, going on with a recorded multipart upload', () => {
  let dir: string;
  let path: string;
  let state: IngestState;
  let warnings: string[];
  const content = 'abcdefghij'; // 3 parts of 4 bytes: abcd, efgh, ij

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-ingest-resume-'));
    path = join(dir, 'clip.mp4');
    await writeFile(path, content);
    warnings = [];
    state = new IngestState(join(dir, 'state.json'), { warn: (m) => warnings.push(m) });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    expect(warnings).toEqual([]);
  });

  async function record(baseUrl: string): Promise<void> {
    const info = await stat(path);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const now = Date.now();
    await state.put({ baseUrl, owner: 'o', path, size: info.size, mtimeMs: info.mtimeMs, sha256, id: ID, uploadId: 'up-1', partSize: 4, partCount: 3, startedAt: new Date(now).toISOString(), resumableUntil: new Date(now + 3_600_000).toISOString() });
  }

  const multipart = (received: { number: number; etag: string; size: number }[]) => ({
    id: ID,
    status: 'uploading',
    size: content.length,
    filename: 'clip.mp4',
    createdAt: new Date().toISOString(),
    resumable: true,
    multipart: { uploadId: 'up-1', partSize: 4, partCount: 3, received, resumableUntil: new Date(Date.now() + 3_600_000).toISOString() },
  });

  it('sends only the missing parts, asks again for a URL the store refused, and completes with every etag', async () => {
    const target = await multipartTarget(multipart([{ number: 1, etag: '"e1"', size: 4 }]), [3]);
    try {
      await record(target.url);
      const result = await ingestFile(path, { baseUrl: target.url, token: 't', wait: false, timeoutMs: 1000, resume: { state, owner: 'o', use: true } });
      expect(result).toMatchObject({ outcome: 'uploaded', id: ID, resumed: { alreadySent: 1, partCount: 3 } });
      expect(target.asked).toEqual([[2, 3], [3]]);
      expect(target.puts).toEqual(['2:efgh', '3:ij', '3:ij']);
      expect(target.completed).toEqual([{ uploadId: 'up-1', parts: [{ number: 1, etag: 'e1' }, { number: 2, etag: 'e2' }, { number: 3, etag: 'e3' }] }]);
      expect(await state.entries()).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('keeps the entry when the run stops, and takes an upload completed before its entry was dropped as done', async () => {
    const stopped = await multipartTarget(multipart([]));
    try {
      await record(stopped.url);
      const controller = new AbortController();
      const result = await ingestFile(path, {
        baseUrl: stopped.url,
        token: 't',
        wait: false,
        timeoutMs: 1000,
        resume: { state, owner: 'o', use: true },
        signal: controller.signal,
        onPartSent: () => controller.abort(),
      });
      expect(result).toMatchObject({ outcome: 'failed', reason: 'interrupted before part 2 of 3' });
      expect(stopped.completed).toEqual([]);
      expect(await state.entries()).toHaveLength(1);
    } finally {
      await stopped.close();
    }

    const done = await multipartTarget({ id: ID, status: 'uploaded', size: content.length, filename: 'clip.mp4', createdAt: new Date().toISOString(), resumable: false });
    try {
      await record(done.url);
      const result = await ingestFile(path, { baseUrl: done.url, token: 't', wait: false, timeoutMs: 1000, resume: { state, owner: 'o', use: true } });
      expect(result).toMatchObject({ outcome: 'uploaded', id: ID, resumed: { alreadySent: 3, partCount: 3 } });
      expect([done.puts, done.completed]).toEqual([[], []]);
      expect((await state.entries()).filter((e) => e.baseUrl === done.url)).toEqual([]);
    } finally {
      await done.close();
    }
  });
});
