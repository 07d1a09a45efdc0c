import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { SqliteMediaRepository } from '@mediaflow/storage/sqlite';
import { LocalConfigSchema } from './config.js';
import { startLocalStack, type LocalStack } from './stack.js';

jest.setTimeout(60_000);

interface MediaEvent {
  id: string;
  event: string;
  data: { id: string; status?: string; removed?: boolean; renditions?: unknown[]; sequence?: number };
}

/** The events of a Server-Sent Events body as they arrive (comments skipped). */
async function* eventsOf(body: ReadableStream<Uint8Array>): AsyncGenerator<MediaEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
      const event = field('event');
      const data = field('data');
      if (event !== undefined && data !== undefined) yield { id: field('id') ?? '', event, data: JSON.parse(data) as MediaEvent['data'] };
    }
  }
}

/** Reads events until one satisfies `done`; fails after `ms`. */
async function until(events: AsyncGenerator<MediaEvent>, done: (e: MediaEvent) => boolean, ms = 45_000): Promise<MediaEvent[]> {
  const seen: MediaEvent[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const next = await Promise.race([events.next(), new Promise<'late'>((r) => setTimeout(() => r('late'), deadline - Date.now()).unref())]);
    if (next === 'late' || next.done) break;
    seen.push(next.value);
    if (done(next.value)) return seen;
  }
  throw new Error(`no such event; saw ${JSON.stringify(seen.map((e) => [e.event, e.data.status ?? e.data.removed]))}`);
}

describe('live status of the local server (GET /api/v1/events)', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-live-'));
    stack = await startLocalStack(
      LocalConfigSchema.parse({ port: 0, dataDir, retryBaseSeconds: 0.2, pollSeconds: 0.1, imageConcurrency: 1, tagger: 'off', toolSearchPath: process.env['PATH'] }),
    );
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams an upload to ready, changes another process makes, and lets the server stop while a stream is open', async () => {
    const s = stack as LocalStack;
    const token = s.tokens.issue('alice');
    const stream = await fetch(`${s.url}/api/v1/events`, { headers: { cookie: `mf_token=${token}` } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = eventsOf(stream.body as ReadableStream<Uint8Array>);
    expect((await until(events, () => true)).at(-1)?.event).toBe('ready');

    const bytes = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3366aa' } }).jpeg().toBuffer();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const started = (await (await fetch(`${s.url}/api/v1/uploads`, { method: 'POST', headers: auth, body: JSON.stringify({ filename: 'small.jpg', size: bytes.length }) })).json()) as {
      id: string;
      upload: { url: string; headers: Record<string, string> };
    };
    expect((await fetch(started.upload.url, { method: 'PUT', headers: started.upload.headers, body: bytes })).status).toBe(200);
    const seen = await until(events, (e) => e.data.id === started.id && e.data.status === 'ready');
    const mine = seen.filter((e) => e.event === 'media' && e.data.id === started.id);
    expect(mine.map((e) => Number(e.id))).toEqual([...mine.map((e) => Number(e.id))].sort((a, b) => a - b));
    expect(mine.at(-1)?.data.renditions?.length).toBeGreaterThan(0);

    // A write by another connection to the file (a workers-only process, `mediaflow sweep`).
    const other = new SqliteMediaRepository({ filename: join(dataDir, 'media.db') });
    try {
      await other.delete('alice', started.id);
    } finally {
      other.close();
    }
    expect((await until(events, (e) => e.data.id === started.id && e.data.removed === true)).at(-1)?.event).toBe('media');

    const stopping = Date.now();
    await s.stop();
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect((await events.next()).done).toBe(true);
  });
});
