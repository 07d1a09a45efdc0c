import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptMediaError, type AudioProcessor, type AudioResult, type ImageProcessor, type MediaItem } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { inMemoryDeps } from '../testing/index.js';
import { processAudio, metadataTags } from './audio.js';

const ORIGINAL = Buffer.from('ID3\x04\x00 fake mp3 frames');

function audioResult(overrides: Partial<AudioResult> = {}): AudioResult {
  return {
    facts: { container: 'mp3', durationSeconds: 2.5, audioCodec: 'mp3', sampleRate: 44100, channels: 2, audio: { title: 'Blue in Green', artist: 'The Quartet', genre: 'Jazz; Cool Jazz', year: 1959 } },
    files: [
      { name: 'preview', format: 'm4a', contentType: 'audio/mp4', durationSeconds: 2.5, bitrate: 128_000, body: Buffer.from('m4a') },
      { name: 'preview', format: 'opus', contentType: 'audio/ogg; codecs=opus', durationSeconds: 2.5, bitrate: 96_000, body: Buffer.from('opus') },
      { name: 'waveform', format: 'json', contentType: 'application/json', body: Buffer.from(JSON.stringify({ version: 1, durationSeconds: 2.5, peaks: [0, 0.5, 1] })) },
    ],
    cover: Buffer.from('cover-jpeg'),
    ...overrides,
  };
}

class ScriptedAudio implements AudioProcessor {
  constructor(private readonly result: () => AudioResult) {}
  async process(input: string): Promise<AudioResult> {
    expect(await readFile(input)).toEqual(ORIGINAL);
    return this.result();
  }
}

const covers: ImageProcessor = {
  async inspect() {
    return { facts: {}, mime: 'image/jpeg' };
  },
  async render(input) {
    if (Buffer.from(input).toString() !== 'cover-jpeg') throw new CorruptMediaError('not a JPEG');
    return {
      files: [
        { name: 'thumb', format: 'webp', contentType: 'image/webp', body: input, width: 256, height: 256 },
        { name: 'small', format: 'jpeg', contentType: 'image/jpeg', body: input, width: 640, height: 640 },
      ],
      placeholder: { dominantColor: '#334455' },
    };
  },
};

describe('processAudio', () => {
  let scratchDir: string;
  beforeEach(async () => {
    scratchDir = await mkdtemp(join(tmpdir(), 'mf-audio-'));
  });
  afterEach(async () => {
    await rm(scratchDir, { recursive: true, force: true });
  });

  async function setup(audio: AudioProcessor, item: Partial<MediaItem> = {}) {
    const deps = inMemoryDeps({ images: covers, audio, scratchDir });
    const created = await deps.repo.create(makeMediaItem({ kind: 'audio', status: 'uploaded', ...item }));
    await deps.store.put(created.original.key, ORIGINAL);
    return { deps, item: created, bus: deps.bus };
  }

  it('stores previews and waveform, renders the cover like a photo, and takes title and tags from the metadata', async () => {
    const userTag = { name: 'jazz', confidence: 1, source: 'user' as const };
    const { deps, item, bus } = await setup(new ScriptedAudio(() => audioResult()), { tags: [userTag] });
    expect((await processAudio(deps, item.ownerId, item.id)).outcome).toBe('ready');
    const ready = await deps.repo.get(item.ownerId, item.id);
    expect(ready?.status).toBe('ready');
    expect(ready?.renditions.map((r) => `${r.name}.${r.format}`)).toEqual(['preview.m4a', 'preview.opus', 'waveform.json', 'thumb.webp', 'small.jpeg']);
    expect(ready?.placeholder).toEqual({ dominantColor: '#334455' });
    expect(ready?.title).toBe('Blue in Green');
    expect(ready?.facts.audio?.artist).toBe('The Quartet');
    // The owner's "jazz" stays theirs; the metadata adds the rest.
    expect(ready?.tags).toEqual([
      userTag,
      { name: 'cool jazz', confidence: 1, source: 'metadata' },
      { name: 'the quartet', confidence: 1, source: 'metadata' },
    ]);
    expect(bus.published.map((e) => e.type)).toEqual(['media.processed']);
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it("keeps the owner's title, and does without a cover the image pipeline refuses", async () => {
    const { deps, item } = await setup(new ScriptedAudio(() => audioResult({ cover: Buffer.from('garbage') })), { title: 'Mine' });
    await processAudio(deps, item.ownerId, item.id);
    const ready = await deps.repo.get(item.ownerId, item.id);
    expect([ready?.status, ready?.title, ready?.placeholder]).toEqual(['ready', 'Mine', undefined]);
    expect(ready?.renditions.map((r) => r.name)).toEqual(['preview', 'preview', 'waveform']);
  });

  it('replaces the metadata tags of an earlier attempt instead of adding to them', async () => {
    const stale = { name: 'polka', confidence: 1, source: 'metadata' as const };
    const { deps, item } = await setup(new ScriptedAudio(() => audioResult({ facts: { audio: { genre: 'Jazz' } } })), { tags: [stale] });
    await processAudio(deps, item.ownerId, item.id);
    expect((await deps.repo.get(item.ownerId, item.id))?.tags).toEqual([{ name: 'jazz', confidence: 1, source: 'metadata' }]);
  });

  it('fails a corrupt file with the reason', async () => {
    const broken: AudioProcessor = {
      async process() {
        throw new CorruptMediaError('no audio stream');
      },
    };
    const { deps, item } = await setup(broken);
    expect((await processAudio(deps, item.ownerId, item.id)).outcome).toBe('failed');
    expect((await deps.repo.get(item.ownerId, item.id))?.failure).toEqual({ code: 'corrupt', reason: 'no audio stream', stage: 'audio' });
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('fails an original that changed since ingest, with the reason, and processes nothing', async () => {
    const processed: string[] = [];
    const audio: AudioProcessor = {
      async process(input) {
        processed.push(input);
        return audioResult();
      },
    };
    const { deps, item: stored } = await setup(audio);
    // Ingest recorded the hash of other bytes: the object was written again afterwards.
    const sha256 = createHash('sha256').update('the bytes ingest accepted').digest('hex');
    const item = await deps.repo.update({ ...stored, original: { ...stored.original, sha256 }, version: stored.version + 1 }, stored.version);
    expect((await processAudio(deps, item.ownerId, item.id)).outcome).toBe('failed');
    expect((await deps.repo.get(item.ownerId, item.id))?.failure).toEqual({
      code: 'original_changed',
      reason: 'the original changed after it was uploaded (its SHA-256 no longer matches)',
      stage: 'audio',
    });
    expect(processed).toEqual([]);
    expect((await deps.repo.get(item.ownerId, item.id))?.renditions).toEqual([]);
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('processes an original that matches the hash recorded at ingest', async () => {
    const { deps, item: stored } = await setup(new ScriptedAudio(() => audioResult()));
    const sha256 = createHash('sha256').update(ORIGINAL).digest('hex');
    const item = await deps.repo.update({ ...stored, original: { ...stored.original, sha256 }, version: stored.version + 1 }, stored.version);
    expect((await processAudio(deps, item.ownerId, item.id)).outcome).toBe('ready');
  });

  it('throws other errors for the queue to retry', async () => {
    const flaky: AudioProcessor = {
      async process() {
        throw new Error('EMFILE: too many open files');
      },
    };
    const { deps, item } = await setup(flaky);
    await expect(processAudio(deps, item.ownerId, item.id)).rejects.toThrow('EMFILE');
    expect((await deps.repo.get(item.ownerId, item.id))?.status).toBe('processing');
  });
});

describe('metadataTags', () => {
  it('splits genres, normalises names and drops what is left empty', () => {
    expect(metadataTags({ genre: ' Hip-Hop / R&B;;  ', artist: 'AC/DC' }).map((t) => t.name)).toEqual(['hip-hop', 'r&b', 'ac dc']);
    expect(metadataTags({ genre: '!!!' })).toEqual([]);
    expect(metadataTags(undefined)).toEqual([]);
  });
});
