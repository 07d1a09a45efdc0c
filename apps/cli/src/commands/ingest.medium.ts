import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile } from './ingest.js';

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
