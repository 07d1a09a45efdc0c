import { ConflictError, type ImageProcessor, type MediaItem } from '@mediaflow/domain';
import type { InMemoryEventBus } from '@mediaflow/domain/testing';
import { ingestObject } from '../ingest.js';
import { inMemoryDeps, type InMemoryDeps } from '../testing/index.js';
import { startUpload } from '../uploads.js';
import { processImage } from './image.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);

const images: ImageProcessor = {
  async inspect() {
    return { facts: { format: 'png', width: 8, height: 6 }, mime: 'image/png' };
  },
  async render(input) {
    return { files: [{ name: 'thumb', format: 'webp', contentType: 'image/webp', body: input.subarray(0, 4), width: 8, height: 6 }], placeholder: { dominantColor: '#000000' } };
  },
};

async function uploadedItem(): Promise<{ deps: InMemoryDeps & { images: ImageProcessor }; bus: InMemoryEventBus; id: string }> {
  const deps = inMemoryDeps({ images });
  const { bus } = deps;
  const started = await startUpload(deps, 'alice', { filename: 'a.png', size: PNG.length });
  await deps.store.put(`originals/alice/${started.id}`, PNG);
  await ingestObject(deps, { key: `originals/alice/${started.id}` });
  return { deps, bus, id: started.id };
}

describe('two deliveries of one media.uploaded event', () => {
  it('process the item once when they run side by side: the later one finds it begun and lets it be', async () => {
    const { deps, bus, id } = await uploadedItem();
    const outcomes = await Promise.all([processImage(deps, 'alice', id), processImage(deps, 'alice', id)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['ignored', 'ready']);
    expect(bus.published.filter((e) => e.type === 'media.processed')).toHaveLength(1);
    expect((await deps.repo.get('alice', id))?.status).toBe('ready');
  });

  it('still retry when the item changed for another reason at that moment', async () => {
    const { deps, id } = await uploadedItem();
    const update = deps.repo.update.bind(deps.repo);
    let edited = false;
    deps.repo.update = async (next: MediaItem, expectedVersion: number) => {
      if (!edited && next.status === 'processing') {
        edited = true;
        // The owner renames the item between the step's read and its write.
        const current = (await deps.repo.get('alice', id)) as MediaItem;
        await update({ ...current, title: 'renamed', version: current.version + 1 }, current.version);
      }
      return update(next, expectedVersion);
    };
    await expect(processImage(deps, 'alice', id)).rejects.toBeInstanceOf(ConflictError);
    expect((await deps.repo.get('alice', id))?.status).toBe('uploaded');
    expect((await processImage(deps, 'alice', id)).outcome).toBe('ready');
    expect((await deps.repo.get('alice', id))?.title).toBe('renamed');
  });
});

describe('two deliveries of one object-created event', () => {
  it('ingest the object once when they run side by side, and announce it once', async () => {
    const deps = inMemoryDeps();
    const { bus } = deps;
    const started = await startUpload(deps, 'alice', { filename: 'a.png', size: PNG.length });
    const key = `originals/alice/${started.id}`;
    await deps.store.put(key, PNG);
    const outcomes = await Promise.all([ingestObject(deps, { key }), ingestObject(deps, { key })]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['ignored', 'uploaded']);
    expect(outcomes.find((o) => o.outcome === 'ignored')).toEqual({ outcome: 'ignored', reason: 'another delivery ingested it' });
    expect(bus.published.filter((e) => e.type === 'media.uploaded')).toHaveLength(1);
  });
});
