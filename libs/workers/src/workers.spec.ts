import type { ImageProcessor, MediaItem, MessageQueue } from '@mediaflow/domain';
import { ClockedIds, InMemoryEventBus, InMemoryMediaRepository, InMemoryObjectStore, InMemoryQueue } from '@mediaflow/domain/testing';
import { ServiceConfigSchema, startUpload, type ServiceDeps } from '@mediaflow/media-service';
import { startLocalWorkers } from './runner.js';
import { pipelineQueues } from './topology.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

async function until<T>(what: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function setup(images: ImageProcessor) {
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
  const deps: ServiceDeps = {
    repo: new InMemoryMediaRepository(),
    store: new InMemoryObjectStore(),
    bus,
    ids: new ClockedIds(clock),
    clock,
    config: ServiceConfigSchema.parse({}),
    images,
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
});
