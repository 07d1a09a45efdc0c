import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { serveCommandWith } from '../commands/serve.js';
import { captureIo } from '../testing.js';
import { LocalConfigSchema } from './config.js';
import { createServerLogger, toLog } from './logging.js';
import { startLocalStack, type LocalStack } from './stack.js';

jest.setTimeout(60_000);

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

type Line = Record<string, unknown> & { level: string; message: string; correlation_id?: string };

describe('request ids through the local stack', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-request-ids-'));
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The stack with the log `serve` writes when its stderr is not a terminal, kept as text. */
  async function start(): Promise<{ s: LocalStack; text: () => string; lines: () => Line[] }> {
    const written: string[] = [];
    const logger = createServerLogger({ level: 'info', terminal: false, color: false, write: (text) => written.push(text) });
    stack = await startLocalStack(
      LocalConfigSchema.parse({ port: 0, dataDir, retryBaseSeconds: 0.2, pollSeconds: 0.1, imageConcurrency: 2, tagger: 'off', toolSearchPath: process.env['PATH'] }),
      toLog(logger),
    );
    return { s: stack, text: () => written.join(''), lines: () => written.map((line) => JSON.parse(line) as Line) };
  }

  it('answers an upload with its request id, which the access line and the log of every job it caused carry', async () => {
    const { s, text, lines } = await start();
    const auth = { authorization: `Bearer ${s.tokens.issue('alice')}` };
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 120, b: 200 } } }).jpeg().toBuffer();

    // A client's own id, when it is a plain short token, is the request's.
    const started = await fetch(`${s.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'x-request-id': 'gallery-upload-1' },
      body: JSON.stringify({ filename: 'photo.jpg', size: photo.length }),
    });
    expect(started.status).toBe(201);
    expect(started.headers.get('x-request-id')).toBe('gallery-upload-1');
    const { id, upload } = (await started.json()) as { id: string; upload: { url: string; headers: Record<string, string> } };
    expect(upload.url).toContain('?');

    // The bytes' request gets an id of the server's; its ingest, and what that causes, carry it.
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: photo });
    expect(put.status).toBe(200);
    const requestId = put.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(ULID);

    const end = Date.now() + 45_000;
    let status = '';
    while (status !== 'ready' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      status = ((await (await fetch(`${s.url}/api/v1/media/${id}`, { headers: auth })).json()) as { status: string }).status;
    }
    expect(status).toBe('ready');

    // `grep <request id>` on the log: the request's access line and the lines of its jobs.
    const found = lines().filter((line) => JSON.stringify(line).includes(requestId));
    expect(found.map((line) => line.message)).toEqual(expect.arrayContaining(['request', 'ingest', 'image']));
    for (const line of found) expect(line.correlation_id).toBe(requestId);
    expect(found.find((line) => line.message === 'image')).toMatchObject({ level: 'INFO', service: 'mediaflow', mediaId: id });

    // The access line: the path without the presigned URL's query (its signature), the status, the time.
    const access = found.find((line) => line.message === 'request');
    expect(access).toMatchObject({ method: 'PUT', status: 200, path: new URL(upload.url).pathname, durationMs: expect.any(Number) });
    const signature = new URL(upload.url).searchParams.get('sig') ?? '';
    expect(signature.length).toBeGreaterThan(20);
    expect(text()).not.toContain(signature);
    expect(text()).not.toContain('sig=');

    // The upload's start has its own line, with the client's id and the owner.
    expect(lines()).toContainEqual(expect.objectContaining({ message: 'request', method: 'POST', path: '/api/v1/uploads', status: 201, ownerId: 'alice', correlation_id: 'gallery-upload-1' }));
  });

  it('replaces an id that is not a plain short token, on answers that are refusals too', async () => {
    const { s, lines } = await start();
    for (const unsafe of ['two words', 'x'.repeat(200), '{"level":"ERROR"}']) {
      const res = await fetch(`${s.url}/api/v1/media`, { headers: { 'x-request-id': unsafe } });
      expect(res.status).toBe(401);
      const id = res.headers.get('x-request-id') ?? '';
      expect(id).toMatch(ULID);
      expect(lines()).toContainEqual(expect.objectContaining({ message: 'request', status: 401, correlation_id: id }));
    }
    const missing = await fetch(`${s.url}/api/v1/nothing-here`, { headers: { 'x-request-id': 'kept-1' } });
    expect([missing.status, missing.headers.get('x-request-id')]).toEqual([404, 'kept-1']);
  });

  describe('mediaflow serve', () => {
    const serve = async (args: string[], isTTY: boolean, terminal: { stderrIsTTY?: boolean } = {}) => {
      const previous = process.env['MEDIAFLOW_TAGGER'];
      process.env['MEDIAFLOW_TAGGER'] = 'off';
      const io = { ...captureIo(), isTTY, ...terminal };
      try {
        const code = await serveCommandWith(async () => undefined).run(['--port', '0', '--data-dir', dataDir, '--gallery', join(dataDir, 'none'), ...args], io);
        return { code, err: io.err() };
      } finally {
        if (previous === undefined) delete process.env['MEDIAFLOW_TAGGER'];
        else process.env['MEDIAFLOW_TAGGER'] = previous;
      }
    };

    it('logs pretty lines on a terminal and JSON lines elsewhere, at the level asked for', async () => {
      const terminal = await serve([], true);
      expect(terminal.code).toBe(0);
      // eslint-disable-next-line no-control-regex -- colours are what a terminal gets
      const plain = terminal.err.replace(/\u001b\[\d+m/g, '');
      expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: mediaflow serve started \{"url":/m);
      expect(terminal.err).not.toMatch(/^\{/m);

      const piped = await serve(['--log-format', 'json'], true);
      const json = piped.err.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Line);
      expect(json).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'mediaflow serve started', service: 'mediaflow' }));

      const warn = await serve(['--log-level', 'warn', '--host', '0.0.0.0'], false);
      const levels = warn.err.split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as Line).level);
      expect(levels.length).toBeGreaterThan(0);
      expect(new Set(levels)).toEqual(new Set(['WARN']));
    });

    it('follows stderr alone for the format: a log on a terminal is pretty when stdout is a file', async () => {
      const redirected = await serve([], false, { stderrIsTTY: true });
      expect(redirected.code).toBe(0);
      // eslint-disable-next-line no-control-regex -- colours are what a terminal gets
      expect(redirected.err.replace(/\u001b\[\d+m/g, '')).toMatch(/INFO: mediaflow serve started \{"url":/);
      expect(redirected.err).not.toMatch(/^\{/m);
    });

    it('says it could not start as a FATAL line of the log, JSON to the last line (exit 1)', async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = taken.address() as AddressInfo;
        const failed = await serve(['--port', String(port), '--host', '127.0.0.1'], false);
        expect(failed.code).toBe(1);
        const last = failed.err.trim().split('\n').at(-1) ?? '';
        expect(JSON.parse(last)).toMatchObject({ level: 'FATAL', message: 'mediaflow serve could not start', error: expect.any(String) });
      } finally {
        await new Promise((resolve) => taken.close(resolve));
      }
    });

    it('refuses a level or a format it does not know (exit 2)', async () => {
      expect((await serve(['--log-level', 'loud'], false)).code).toBe(2);
      expect((await serve(['--log-format', 'xml'], false)).err).toContain('--log-format must be one of json, pretty');
    });
  });
});
