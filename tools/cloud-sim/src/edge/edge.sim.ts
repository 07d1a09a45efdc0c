// The HTTPS edge on its own: a certificate from the stage's authority (openssl, so it runs with the
// stage's tests, where CI has installed what they need), routing by Host, bodies streamed both ways,
// and the runtime's connection hook that sends a function's SDK calls to it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bootstrapPath } from '../runtime-paths.js';
import type { SimEvent } from '../types.js';
import { edgeNames, issueStageCertificate, type StageCertificate } from './certificate.js';
import { startEdge, type Edge } from './edge.js';

const run = promisify(execFile);

interface Seen {
  method: string;
  url: string;
  host: string;
  bytes: number;
}

describe('the stage HTTPS edge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mf-edge-'));
  const events: SimEvent[] = [];
  const seen: Seen[] = [];
  let certificate: StageCertificate;
  let target: Server;
  let edge: Edge;

  beforeAll(async () => {
    certificate = issueStageCertificate(dir, edgeNames('us-east-1'));
    target = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', bytes });
        res.writeHead(200, { 'content-type': 'text/plain', 'x-seen-host': req.headers.host ?? '' });
        res.end(`${req.method} ${bytes}`);
      });
    });
    await new Promise<void>((done) => target.listen(0, '127.0.0.1', done));
    const local = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    edge = await startEdge({
      route: (host) => (host === 'd111.cloudfront.net' || host.endsWith('.amazonaws.com') ? local : undefined),
      cert: certificate.cert,
      key: certificate.key,
      log: (event) => events.push(event),
    });
  });

  afterAll(async () => {
    await edge?.close();
    await new Promise<void>((done) => target?.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  });

  function call(host: string, path: string, method = 'GET', body?: Buffer): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
    return new Promise((done, fail) => {
      const req = request(
        { host: '127.0.0.1', port: edge.port, servername: host, headers: { host }, path, method, ca: certificate.ca },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done({ status: res.statusCode ?? 0, text, headers: res.headers }));
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  }

  it('serves the stage names with a certificate its authority signed, and forwards Host, path and body unchanged', async () => {
    const put = await call('media-bucket.s3.us-east-1.amazonaws.com', '/originals/a%20b.jpg?X-Amz-Signature=abc', 'PUT', Buffer.alloc(3 * 1024 * 1024, 1));
    expect(put).toMatchObject({ status: 200, text: `PUT ${3 * 1024 * 1024}` });
    expect(seen.at(-1)).toEqual({ method: 'PUT', url: '/originals/a%20b.jpg?X-Amz-Signature=abc', host: 'media-bucket.s3.us-east-1.amazonaws.com', bytes: 3 * 1024 * 1024 });
    expect((await call('d111.cloudfront.net', '/index.html')).headers['x-seen-host']).toBe('d111.cloudfront.net');
  });

  it('answers 421 for a name no part serves, and its certificate names nothing else', async () => {
    expect((await call('nobody.auth.us-east-1.amazoncognito.com', '/')).status).toBe(421);
    expect(events.some((e) => e.kind === 'dropped' && e.message.includes('nobody.auth.us-east-1.amazoncognito.com'))).toBe(true);
    await expect(call('example.org', '/')).rejects.toThrow(/altnames|certificate/i);
  });

  it('is what a function reaches for the SDK endpoints: the runtime hook connects AWS names to it', async () => {
    // The runtime with the hook, in a child as a function instance has it; a plain fetch to the
    // regional DynamoDB name arrives at the target with its own Host.
    const script = `
      await import(${JSON.stringify(pathToFileURL(join(dirname(bootstrapPath()), 'edge-hook.mjs')).href)});
      const response = await fetch('https://dynamodb.us-east-1.amazonaws.com/', { method: 'POST', body: 'x'.repeat(10) });
      process.stdout.write(response.status + ' ' + response.headers.get('x-seen-host') + '\\n');
      process.exit(0);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, MEDIAFLOW_SIM_EDGE: edge.address, NODE_EXTRA_CA_CERTS: certificate.caPath },
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe('200 dynamodb.us-east-1.amazonaws.com');
  });
});
