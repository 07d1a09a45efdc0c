import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { LocalConfigSchema } from '../local/config.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { ingestFile } from './ingest.js';
import { politeFetch, retryAfterMs } from './polite-fetch.js';

/** A server answering the scripted statuses and headers in turn, counting requests. */
async function scripted(answers: { status: number; headers?: Record<string, string> }[]): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((request, response) => {
    const answer = answers[Math.min(count, answers.length - 1)] ?? { status: 200 };
    count += 1;
    request.resume();
    request.on('end', () => {
      response.writeHead(answer.status, answer.headers ?? {});
      response.end(answer.status === 200 ? 'ok' : 'slow down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('politeFetch', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Sat, 28 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('waits as each 429 asks and sends the request again, body included', async () => {
    const server = await scripted([{ status: 429, headers: { 'retry-after': '2' } }, { status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const waits: number[] = [];
    try {
      const response = await politeFetch(() => fetch(server.url, { method: 'POST', body: 'payload' }), { sleep: async (ms) => void waits.push(ms) });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok');
      expect(server.requests()).toBe(3);
      expect(waits).toEqual([2000, 1000]);
    } finally {
      await server.close();
    }
  });

  it('backs off by doubling when a 503 names no wait, and returns the last answer when attempts run out', async () => {
    const server = await scripted([{ status: 503 }]);
    const waits: number[] = [];
    try {
      const response = await politeFetch(() => fetch(server.url), { attempts: 4, fallbackMs: 100, sleep: async (ms) => void waits.push(ms) });
      expect(response.status).toBe(503);
      expect(server.requests()).toBe(4);
      expect(waits).toEqual([100, 200, 400]);
    } finally {
      await server.close();
    }
  });

  it('gives up at once when the server asks for a longer wait than allowed, and never retries other errors', async () => {
    const long = await scripted([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]);
    const bad = await scripted([{ status: 400 }, { status: 200 }]);
    const sleep = jest.fn(async () => undefined);
    try {
      expect((await politeFetch(() => fetch(long.url), { sleep })).status).toBe(429);
      expect((await politeFetch(() => fetch(bad.url), { sleep })).status).toBe(400);
      expect(long.requests() + bad.requests()).toBe(2);
      expect(sleep).not.toHaveBeenCalled();
    } finally {
      await long.close();
      await bad.close();
    }
  });
});

describe('mediaflow ingest against a rate-limited stack', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-polite-'));
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uploads every file of a burst that exceeds the owner\'s limit, waiting as told instead of failing', async () => {
    // 2 requests a second with a burst of 8: twelve files of two or more requests each overrun it.
    stack = await startLocalStack(LocalConfigSchema.parse({ port: 0, dataDir, workers: false, tagger: 'off', rateLimitPerSecond: 2 }));
    const paths: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const path = join(dataDir, `photo-${i}.jpg`);
      await writeFile(path, await sharp({ create: { width: 16 + i, height: 16, channels: 3, background: { r: i * 20, g: 40, b: 90 } } }).jpeg().toBuffer());
      paths.push(path);
    }
    const s = stack;
    // The same burst of plain requests from another owner is refused in part: the limit bites.
    const bob = { authorization: `Bearer ${s.tokens.issue('bob')}` };
    const plain = await Promise.all(paths.map(() => fetch(`${s.url}/api/v1/media`, { headers: bob })));
    expect(plain.filter((response) => response.status === 429).length).toBeGreaterThan(0);

    const token = s.tokens.issue('alice');
    const results = await Promise.all(paths.map((path) => ingestFile(path, { baseUrl: s.url, token, wait: false, timeoutMs: 1000 })));
    expect(results.map((result) => result.outcome)).toEqual(paths.map(() => 'uploaded'));
    const listed = (await (await politeFetch(() => fetch(`${s.url}/api/v1/media?limit=50`, { headers: { authorization: `Bearer ${token}` } }))).json()) as { items: unknown[] };
    expect(listed.items).toHaveLength(12);
  });
});
