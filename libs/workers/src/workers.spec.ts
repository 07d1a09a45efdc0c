import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioProcessor, ImageProcessor, MediaItem, MessageQueue, VideoTranscoder } from '@mediaflow/domain';
import { ClockedIds, InMemoryEventBus, InMemoryMediaRepository, InMemoryObjectStore, InMemoryQueue } from '@mediaflow/domain/testing';
import { ServiceConfigSchema, startUpload } from '@mediaflow/media-service';
import { startLocalWorkers, type LocalWorkerDeps } from './runner.js';
import { ARCHIVE_TIME_LIMIT_SECONDS, archiveQueue, AS_IS_KINDS, pipelineQueues, TAGGED_KINDS, TEXT_KINDS, TEXT_TIME_LIMIT_SECONDS } from './topology.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
/** An ISO media `ftyp` box: sniffed as an MP4 video. */
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom\0\0\x02\0isomiso2'), Buffer.alloc(64, 1)]);
const MP3 = Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\0'), Buffer.alloc(64, 2)]);

async function until<T>(what: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Processors {
  video?: VideoTranscoder;
  audio?: AudioProcessor;
  scratchDir?: string;
}

/** A processor the test's uploads never reach: any call is a failure of the test. */
function notUsed(what: string): VideoTranscoder & AudioProcessor {
  const fail = async (): Promise<never> => {
    throw new Error(`this test uploads no ${what}`);
  };
  return { probe: fail, transcode: fail, process: fail };
}

function setup(images: ImageProcessor, processors: Processors = {}) {
  const clock = { now: () => new Date() };
  const queues = new Map<string, MessageQueue>();
  const bus = new InMemoryEventBus();
  for (const d of pipelineQueues(2)) {
    const dlq = new InMemoryQueue(d.deadLetter, { visibilityTimeoutSeconds: 30, maxReceives: 1000 });
    queues.set(d.deadLetter, dlq);
    const q = new InMemoryQueue(d.name, { visibilityTimeoutSeconds: d.visibilityTimeoutSeconds, maxReceives: d.maxReceives, deadLetter: dlq });
    queues.set(d.name, q);
    if (d.filter) bus.subscribe(q, d.filter);
  }
  const deps: LocalWorkerDeps = {
    repo: new InMemoryMediaRepository(),
    store: new InMemoryObjectStore(),
    bus,
    ids: new ClockedIds(clock),
    clock,
    config: ServiceConfigSchema.parse({}),
    images,
    video: processors.video ?? notUsed('video'),
    audio: processors.audio ?? notUsed('audio'),
    ...(processors.scratchDir ? { scratchDir: processors.scratchDir } : {}),
  };
  const workers = startLocalWorkers({
    deps,
    definitions: pipelineQueues(2),
    queue: (name) => queues.get(name) as MessageQueue,
    waitTimeSeconds: 0.05,
    retryBaseSeconds: 0,
  });
  const upload = async (bytes: Uint8Array, owner = 'alice') => {
    const r = await startUpload(deps, owner, { filename: 'f', size: bytes.length });
    const key = `originals/${owner}/${r.id}`;
    await deps.store.put(key, bytes);
    await queues.get('ingest')?.send(JSON.stringify({ key }));
    return r.id;
  };
  const settled = (id: string) =>
    until(async () => {
      const item = await deps.repo.get('alice', id);
      return item && ['ready', 'failed'].includes(item.status) ? (item as MediaItem) : undefined;
    });
  return { deps, queues, workers, upload, settled };
}

const goodImages: ImageProcessor = {
  async inspect() {
    return { facts: { width: 4, height: 3 }, mime: 'image/png' };
  },
  async render(input) {
    return { files: [{ name: 'thumb', format: 'webp', contentType: 'image/webp', body: input }], placeholder: {} };
  },
};

const goodVideo: VideoTranscoder = {
  async probe() {
    return { container: 'mp4', durationSeconds: 2 };
  },
  async transcode() {
    return {
      files: [
        { name: 'hls/master', format: 'm3u8', contentType: 'application/vnd.apple.mpegurl', body: Buffer.from('#EXTM3U') },
        { name: 'preview', format: 'mp4', contentType: 'video/mp4', body: Buffer.from('mp4') },
      ],
    };
  },
};

const goodAudio: AudioProcessor = {
  async process() {
    return { facts: { durationSeconds: 2 }, files: [{ name: 'waveform', format: 'json', contentType: 'application/json', body: Buffer.from('{}') }] };
  },
};

/** A transcode that runs until it is aborted, like ffmpeg on a long file. */
function endlessVideo(started: () => void): VideoTranscoder {
  return {
    ...goodVideo,
    transcode: (request) =>
      new Promise((_resolve, reject) => {
        started();
        request.signal?.addEventListener('abort', () => reject(new Error('ffmpeg was stopped')));
      }),
  };
}

describe('local workers', () => {
  it('takes an image from object-created to ready, and a document to ready as is', async () => {
    const s = setup(goodImages);
    try {
      const img = await s.upload(PNG);
      const doc = await s.upload(Buffer.from('%PDF-1.4 hello'));
      expect((await s.settled(img)).renditions.map((r) => r.name)).toEqual(['thumb']);
      const document = await s.settled(doc);
      expect([document.status, document.kind]).toEqual(['ready', 'document']);
    } finally {
      await s.workers.stop();
    }
  });

  it('retries a failing job, then dead-letters it and fails the item with the reason', async () => {
    let calls = 0;
    const broken: ImageProcessor = {
      async inspect() {
        calls += 1;
        throw new Error('decoder crashed');
      },
      async render() {
        throw new Error('unreachable');
      },
    };
    const s = setup(broken);
    try {
      const id = await s.upload(PNG);
      const item = await s.settled(id);
      expect(item.status).toBe('failed');
      expect(item.failure).toEqual({ code: 'dead_lettered', reason: 'image failed 3 times: decoder crashed', stage: 'image' });
      expect(calls).toBe(3);
      const [dead] = await until(async () => {
        const got = await s.queues.get('image-dlq')?.receive();
        return got && got.length > 0 ? got : undefined;
      });
      expect(JSON.parse(dead?.body ?? '{}').mediaId).toBe(id);
    } finally {
      await s.workers.stop();
    }
  });

  it('fails rejected content at ingest without retrying', async () => {
    const s = setup(goodImages);
    try {
      const id = await s.upload(Buffer.from('#!/bin/sh\necho pwned\n'));
      const item = await s.settled(id);
      expect(item.failure).toEqual({ code: 'unsupported', reason: 'scripts are not accepted', stage: 'ingest' });
    } finally {
      await s.workers.stop();
    }
  });

  describe('video and audio', () => {
    let scratchDir: string;
    beforeEach(async () => {
      scratchDir = await mkdtemp(join(tmpdir(), 'mf-workers-'));
    });
    afterEach(async () => {
      await rm(scratchDir, { recursive: true, force: true });
    });

    it('routes a video and an audio file to their own queues and on to ready', async () => {
      const s = setup(goodImages, { video: goodVideo, audio: goodAudio, scratchDir });
      try {
        const video = await s.upload(MP4);
        const audio = await s.upload(MP3);
        const v = await s.settled(video);
        const a = await s.settled(audio);
        expect([v.kind, v.status, v.renditions.map((r) => r.name)]).toEqual(['video', 'ready', ['hls/master', 'preview']]);
        expect([a.kind, a.status, a.renditions.map((r) => r.name)]).toEqual(['audio', 'ready', ['waveform']]);
      } finally {
        await s.workers.stop();
      }
    });

    it('aborts a transcode in flight on shutdown and gives its message back at once, leaving the item processing', async () => {
      let running: () => void = () => undefined;
      const started = new Promise<void>((resolve) => {
        running = resolve;
      });
      const s = setup(goodImages, { video: endlessVideo(() => running()), scratchDir });
      const id = await s.upload(MP4);
      await started;
      await s.workers.stop();
      expect((await s.deps.repo.get('alice', id))?.status).toBe('processing');
      const video = s.queues.get('video') as MessageQueue;
      expect(await video.depth()).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
      const [message] = await video.receive();
      expect([JSON.parse(message?.body ?? '{}').mediaId, message?.receiveCount]).toEqual([id, 2]);
      expect(await readdir(scratchDir)).toEqual([]);
    });
  });
});

describe('pipelineQueues', () => {
  it('gives video and audio their own queues, each outlasting its job time limit', () => {
    const queues = pipelineQueues(4, { videoTimeLimitSeconds: 600, audioTimeLimitSeconds: 60 });
    const byName = new Map(queues.map((q) => [q.name, q]));
    expect(byName.get('video')).toMatchObject({ deadLetter: 'video-dlq', concurrency: 1, filter: { type: ['media.uploaded'], kind: ['video'] } });
    expect(byName.get('audio')).toMatchObject({ deadLetter: 'audio-dlq', concurrency: 2, filter: { type: ['media.uploaded'], kind: ['audio'] } });
    expect(byName.get('video')?.visibilityTimeoutSeconds).toBeGreaterThan(600);
    expect(byName.get('audio')?.visibilityTimeoutSeconds).toBeGreaterThan(60);
    expect(AS_IS_KINDS).toEqual(['document', 'other']);
    // Every kind reaches exactly one queue.
    for (const kind of ['image', 'video', 'audio', 'document', 'other']) {
      expect(queues.filter((q) => q.filter?.['kind']?.includes(kind))).toHaveLength(1);
    }
  });
});

describe('the tagging and text queues', () => {
  it('read the words in images after tagging, one at a time, outlasting the reader\u2019s budget', () => {
    const byName = new Map(pipelineQueues(2, undefined, { tagging: true }).map((q) => [q.name, q]));
    expect(byName.get('tagging')).toMatchObject({ concurrency: 1, filter: { type: ['media.processed'], kind: TAGGED_KINDS } });
    expect(byName.get('text')).toMatchObject({ deadLetter: 'text-dlq', maxReceives: 3, concurrency: 1, filter: { type: ['media.tagged'], kind: ['image'] } });
    expect(TEXT_KINDS).toEqual(['image']);
    expect(byName.get('text')?.visibilityTimeoutSeconds).toBeGreaterThan(TEXT_TIME_LIMIT_SECONDS);
    // Without a tagger there is nothing to follow: neither queue exists.
    expect(pipelineQueues(2).map((q) => q.name)).not.toContain('tagging');
    expect(pipelineQueues(2).map((q) => q.name)).not.toContain('text');
  });
});

describe('archiveQueue', () => {
  it('is fed by no event and hides a message for longer than the archive function may run', () => {
    const queue = archiveQueue();
    expect(queue).toMatchObject({ name: 'archive', deadLetter: 'archive-dlq', maxReceives: 3 });
    expect(queue.filter).toBeUndefined();
    expect(queue.visibilityTimeoutSeconds).toBeGreaterThan(ARCHIVE_TIME_LIMIT_SECONDS);
    // The local pipeline streams zips: it has no such queue.
    expect(pipelineQueues(2, undefined, { tagging: true }).map((q) => q.name)).not.toContain('archive');
  });
});
