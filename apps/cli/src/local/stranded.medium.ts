import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { applyAction, createEvent, systemClock, ulidGenerator, type DomainEvent, type EventBus, type MediaEvent, type MediaItem } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { ingestObject } from '@mediaflow/media-service';
import { openQueues } from '@mediaflow/messaging/sqlite';
import { SqliteMediaRepository } from '@mediaflow/storage/sqlite';
import { LocalConfigSchema } from './config.js';
import { brokerDefinitions, localEventBus, localQueues, openLocalSweeper, startLocalStack, type LocalStack } from './stack.js';
import { reannounceStrandedUploads } from './stranded.js';

jest.setTimeout(60_000);

describe('uploads stranded between ingest and its event', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  const config = (overrides: Record<string, unknown> = {}) =>
    LocalConfigSchema.parse({ port: 0, dataDir, retryBaseSeconds: 0.2, pollSeconds: 0.1, imageConcurrency: 2, tagger: 'off', ...overrides });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-stranded-'));
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('are announced again, and only they: not items whose event waits, runs or was dead-lettered', async () => {
    const repo = new SqliteMediaRepository({ filename: join(dataDir, 'media.db') });
    const definitions = localQueues(config());
    const broker = openQueues(join(dataDir, 'queues.db'), brokerDefinitions(definitions));
    const deps = { repo, bus: localEventBus(broker, definitions), ids: ulidGenerator, clock: systemClock };
    try {
      const uploaded = async (): Promise<MediaItem> => {
        const item = await repo.create(makeMediaItem({ ownerId: 'alice', status: 'uploading' }));
        const sha256 = createHash('sha256').update(item.id).digest('hex');
        return repo.update(applyAction(item, 'upload.completed', new Date(), { kind: 'image', original: { ...item.original, mime: 'image/jpeg', sha256 } }), item.version);
      };
      const eventOf = (item: MediaItem): DomainEvent =>
        createEvent('media.uploaded', {
          id: ulidGenerator.next(),
          occurredAt: new Date(),
          ownerId: item.ownerId,
          mediaId: item.id,
          data: { kind: 'image', mime: 'image/jpeg', size: item.original.size, sha256: createHash('sha256').update(item.id).digest('hex'), key: item.original.key },
        });
      const stranded = await uploaded();
      const waiting = await uploaded();
      await deps.bus.publish(eventOf(waiting));
      const running = await uploaded();
      await deps.bus.publish(eventOf(running));
      const image = broker.queue('image');
      // Received (in flight) in the order sent: `waiting` first, then `running`; `waiting` goes back.
      const [first, second] = await image.receive({ maxMessages: 2, visibilityTimeoutSeconds: 60 });
      await image.release(first?.receiptHandle ?? '', 0);
      expect(JSON.parse(second?.body ?? '{}').mediaId).toBe(running.id);
      const deadLettered = await uploaded();
      await broker.queue('image-dlq').send(JSON.stringify(eventOf(deadLettered)));
      const processing = await repo.create(makeMediaItem({ ownerId: 'alice', status: 'processing' }));

      const carriers = ['image', 'image-dlq', 'video', 'video-dlq', 'audio', 'audio-dlq', 'document', 'document-dlq'].map((name) => broker.queue(name));
      expect(await reannounceStrandedUploads(deps, carriers)).toBe(1);
      const queued = (await image.list({ limit: 10 })).map((m) => JSON.parse(m.body) as MediaEvent);
      expect(queued.map((e) => e.mediaId).sort()).toEqual([waiting.id, running.id, stranded.id].sort());
      expect(queued.find((e) => e.mediaId === stranded.id)).toMatchObject({ type: 'media.uploaded', data: { kind: 'image', sha256: stranded.original.sha256, key: stranded.original.key } });
      expect(processing.status).toBe('processing');
      // Announced once: the event now waits like the others.
      expect(await reannounceStrandedUploads(deps, carriers)).toBe(0);
    } finally {
      await broker.close();
      repo.close();
    }
  });

  it('are processed after a restart, where a redelivered ingest message would leave them be', async () => {
    // API only: the upload's ingest message waits in its queue.
    stack = await startLocalStack(config({ workers: false }));
    const pixels = Buffer.alloc(32 * 24 * 3, 90);
    const bytes = await sharp(pixels, { raw: { width: 32, height: 24, channels: 3 } }).jpeg().toBuffer();
    const res = await fetch(`${stack.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens.issue('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'p.jpg', size: bytes.length }),
    });
    const { id, upload } = (await res.json()) as { id: string; upload: { url: string; headers: Record<string, string> } };
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(200);
    await stack.stop();
    stack = undefined;

    // Ingest records the item and dies before its event is out.
    const parts = openLocalSweeper(config());
    const lost: EventBus = { publish: async () => undefined };
    try {
      expect((await ingestObject({ ...parts.deps, bus: lost }, { key: `originals/alice/${id}` })).outcome).toBe('uploaded');
    } finally {
      parts.close();
    }

    const logs: Record<string, unknown>[] = [];
    stack = await startLocalStack(config(), (entry) => logs.push(entry));
    const s = stack;
    for (;;) {
      const item = await s.deps.repo.get('alice', id);
      if (item?.status === 'ready') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'announced stranded uploads again', count: 1 }));
  });
});
