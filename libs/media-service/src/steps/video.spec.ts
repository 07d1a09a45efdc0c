import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaItem, VideoTranscoder } from '@mediaflow/domain';
import { ManualClock, collectBytes, makeMediaItem } from '@mediaflow/domain/testing';
import { inMemoryDeps, type InMemoryDeps } from '../testing/index.js';
import { FAKE_MOVIE, FAKE_MOVIE_FACTS, posterStills, ScriptedTranscoder } from '../testing/video.js';
import { processVideo } from './video.js';

const ORIGINAL = FAKE_MOVIE;
const FACTS = FAKE_MOVIE_FACTS;
const stills = posterStills;

describe('processVideo', () => {
  let scratchDir: string;
  beforeEach(async () => {
    scratchDir = await mkdtemp(join(tmpdir(), 'mf-video-'));
  });
  afterEach(async () => {
    await rm(scratchDir, { recursive: true, force: true });
  });

  async function setup(make: (clock: ManualClock) => VideoTranscoder, config: Record<string, unknown> = {}) {
    const deps = inMemoryDeps((clock) => ({ images: stills, video: make(clock), scratchDir }), { config });
    const { repo } = deps;
    const updates: number[] = [];
    const update = repo.update.bind(repo);
    repo.update = async (next, expected) => {
      if (next.status === 'processing' && next.progress !== undefined) updates.push(next.progress);
      return update(next, expected);
    };
    const item = await repo.create(makeMediaItem({ kind: 'video', status: 'uploaded', original: { key: '', size: ORIGINAL.length, mime: 'video/mp4', filename: 'clip.mp4' } }));
    const stored = await repo.update({ ...item, original: { ...item.original, key: `originals/alice/${item.id}` }, version: 2 }, 1);
    await deps.store.put(stored.original.key, ORIGINAL);
    return { deps, item: stored, updates, bus: deps.bus, store: deps.store };
  }

  const keys = async (deps: InMemoryDeps, item: MediaItem) => {
    const out: string[] = [];
    for await (const head of deps.store.list(`renditions/${item.ownerId}/${item.id}/`)) out.push(head.key.split(`${item.id}/`)[1] ?? '');
    return out;
  };

  it('stores the ladder, preview and poster, lists all but the segments, and ends ready', async () => {
    const { deps, item, bus } = await setup((clock) => new ScriptedTranscoder(clock));
    const result = await processVideo(deps, 'alice', item.id);
    expect(result.outcome).toBe('ready');
    const ready = await deps.repo.get('alice', item.id);
    expect(ready?.status).toBe('ready');
    expect(ready?.facts).toEqual(FACTS);
    expect(ready?.progress).toBeUndefined();
    expect(ready?.placeholder).toEqual({ thumbhash: 'abc' });
    expect(ready?.renditions.map((r) => `${r.name}.${r.format}`)).toEqual(['hls/master.m3u8', 'hls/240p.m3u8', 'preview.mp4', 'poster.jpeg', 'thumb.webp']);
    expect(ready?.renditions.find((r) => r.name === 'hls/240p')).toMatchObject({ width: 320, height: 240, bitrate: 400_000 });
    expect(await keys(deps, item)).toEqual(['hls/240p.m3u8', 'hls/240p_00001.ts', 'hls/master.m3u8', 'poster.jpg', 'preview.mp4', 'thumb.webp']);
    const segment = await deps.store.get(`renditions/alice/${item.id}/hls/240p_00001.ts`);
    expect(Buffer.from(await collectBytes(segment.body)).toString()).toBe('segment');
    expect(segment.head.cacheControl).toContain('immutable');
    expect(bus.published.map((e) => e.type)).toEqual(['media.processed']);
    // The downloaded original and the transcoder's outputs are gone.
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('writes progress onto the item, throttled by time and by step', async () => {
    const { deps, item, updates } = await setup((clock) => new ScriptedTranscoder(clock));
    await processVideo(deps, 'alice', item.id);
    // 100 reports over 10 s: one write per 2 s (each also at least 5% on).
    expect(updates).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it("keeps the owner's edits made while the video was being transcoded", async () => {
    const target: { deps?: InMemoryDeps; id?: string } = {};
    const edit = async () => {
      const current = await target.deps?.repo.get('alice', target.id ?? '');
      if (current) await target.deps?.repo.update({ ...current, title: 'Beach', version: current.version + 1 }, current.version);
    };
    const s = await setup((clock) => new ScriptedTranscoder(clock, 'ok', edit));
    target.deps = s.deps;
    const id = (target.id = s.item.id);
    expect((await processVideo(s.deps, 'alice', id)).outcome).toBe('ready');
    expect(await s.deps.repo.get('alice', id)).toMatchObject({ status: 'ready', title: 'Beach' });
  });

  it('fails a corrupt video with the reason, and keeps nothing of it', async () => {
    const { deps, item, bus } = await setup((clock) => new ScriptedTranscoder(clock, 'corrupt'));
    const result = await processVideo(deps, 'alice', item.id);
    expect(result.outcome).toBe('failed');
    expect((await deps.repo.get('alice', item.id))?.failure).toEqual({ code: 'corrupt', reason: 'moov atom not found', stage: 'video' });
    expect(bus.published.map((e) => e.type)).toEqual(['media.failed']);
    expect(await keys(deps, item)).toEqual([]);
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('fails an original that changed since ingest, with the reason, before probing it', async () => {
    const transcoder = { made: undefined as ScriptedTranscoder | undefined };
    const { deps, item: stored, bus } = await setup((clock) => (transcoder.made = new ScriptedTranscoder(clock)));
    // Ingest recorded the hash of other bytes: the object was written again afterwards.
    const sha256 = createHash('sha256').update('the bytes ingest accepted').digest('hex');
    const item = await deps.repo.update({ ...stored, original: { ...stored.original, sha256 }, version: stored.version + 1 }, stored.version);
    expect((await processVideo(deps, 'alice', item.id)).outcome).toBe('failed');
    expect((await deps.repo.get('alice', item.id))?.failure).toEqual({
      code: 'original_changed',
      reason: 'the original changed after it was uploaded (its SHA-256 no longer matches)',
      stage: 'video',
    });
    expect(transcoder.made?.inputs).toEqual([]);
    expect(bus.published.map((e) => e.type)).toEqual(['media.failed']);
    expect(await keys(deps, item)).toEqual([]);
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('fails a job that runs past its time limit', async () => {
    const { deps, item } = await setup((clock) => new ScriptedTranscoder(clock, 'hang'), { videoTimeLimitSeconds: 1 });
    await processVideo(deps, 'alice', item.id);
    expect((await deps.repo.get('alice', item.id))?.failure).toEqual({ code: 'timeout', reason: 'video processing took longer than 1 s', stage: 'video' });
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('retries a job past its time limit while the queue has deliveries left, and fails it on the last', async () => {
    const { deps, item } = await setup((clock) => new ScriptedTranscoder(clock, 'hang'), { videoTimeLimitSeconds: 1 });
    await expect(processVideo(deps, 'alice', item.id, { lastAttempt: false })).rejects.toThrow('video processing took longer than 1 s');
    expect((await deps.repo.get('alice', item.id))?.status).toBe('processing');
    expect((await processVideo(deps, 'alice', item.id, { lastAttempt: true })).outcome).toBe('failed');
    expect((await deps.repo.get('alice', item.id))?.failure?.code).toBe('timeout');
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('gives the job back on shutdown: the abort is thrown and the item stays processing', async () => {
    const shutdown = new AbortController();
    const { deps, item } = await setup((clock) => {
      const transcoder = new ScriptedTranscoder(clock, 'hang');
      const probe = transcoder.probe.bind(transcoder);
      transcoder.probe = async (input) => {
        const facts = await probe(input);
        shutdown.abort(new Error('shutting down'));
        return facts;
      };
      return transcoder;
    });
    await expect(processVideo(deps, 'alice', item.id, { signal: shutdown.signal })).rejects.toThrow('shutting down');
    expect((await deps.repo.get('alice', item.id))?.status).toBe('processing');
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('throws other errors for the queue to retry, and a retry completes the item', async () => {
    const { deps, item } = await setup((clock) => new ScriptedTranscoder(clock, 'crash'));
    await expect(processVideo(deps, 'alice', item.id)).rejects.toThrow('SIGKILL');
    expect((await deps.repo.get('alice', item.id))?.status).toBe('processing');
    const retry = { ...deps, video: new ScriptedTranscoder(deps.clock) };
    expect((await processVideo(retry, 'alice', item.id)).outcome).toBe('ready');
  });

  it("ignores another owner's item and a settled one", async () => {
    const { deps, item } = await setup((clock) => new ScriptedTranscoder(clock));
    expect(await processVideo(deps, 'bob', item.id)).toEqual({ outcome: 'ignored', reason: 'item is settled or gone' });
    await processVideo(deps, 'alice', item.id);
    expect((await processVideo(deps, 'alice', item.id)).outcome).toBe('ignored');
  });
});
