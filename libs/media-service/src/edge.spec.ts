import { makeMediaItem, FakeTagger, InMemoryEdgeCache } from '@mediaflow/domain/testing';
import type { MediaItem, Moderation, Rendition, TaggerResult } from '@mediaflow/domain';
import { deleteMedia, updateMedia } from './commands.js';
import { approveMedia } from './moderation.js';
import type { TaggingDeps } from './context.js';
import { tagMedia } from './steps/tagging.js';
import { inMemoryDeps } from './testing/index.js';

const ID = '01JQ0000000000000000000003';

function rendition(name: string): Rendition {
  return { name, format: 'jpeg', key: `renditions/alice/${ID}/${name}.jpg`, contentType: 'image/jpeg', bytes: 10 };
}

/** Flags anything the tagger scores 0.8 or more. */
function tagging(answer: TaggerResult): TaggingDeps {
  return {
    tagger: new FakeTagger(() => answer),
    tags: () => [],
    moderate: (labels, now): Moderation => ({ verdict: labels.some((l) => l.confidence >= 0.8) ? 'flagged' : 'safe', labels: [...labels], checkedAt: now.toISOString() }),
  };
}

const EXPLICIT: TaggerResult = { labels: [], moderation: [{ name: 'explicit nudity', confidence: 0.97 }] };
const HARMLESS: TaggerResult = { labels: [{ name: 'dog', confidence: 0.9 }], moderation: [] };

async function setup(answer: TaggerResult = HARMLESS, item: Partial<MediaItem> = {}) {
  const edgeCache = new InMemoryEdgeCache();
  const warnings: Record<string, unknown>[] = [];
  const deps = inMemoryDeps({ edgeCache, tagging: tagging(answer), log: (entry: Record<string, unknown>) => warnings.push(entry) });
  const created = makeMediaItem({ id: ID, ownerId: 'alice', status: 'ready', renditions: [rendition('small'), rendition('poster')], ...item });
  await deps.repo.create(created);
  await deps.store.put(created.original.key, new TextEncoder().encode('original'));
  for (const r of created.renditions) await deps.store.put(r.key, new TextEncoder().encode(r.name));
  return { deps, edgeCache, warnings };
}

describe('edge cache invalidation', () => {
  describe('on delete', () => {
    it('asks once, after the objects went and before the record goes', async () => {
      const { deps, edgeCache } = await setup();
      const seen: { objects: number; record: boolean }[] = [];
      const invalidate = edgeCache.invalidateItem.bind(edgeCache);
      edgeCache.invalidateItem = async (ownerId, itemId) => {
        let objects = 0;
        for await (const head of deps.store.list('')) if (head.key.includes(itemId)) objects += 1;
        seen.push({ objects, record: (await deps.repo.get(ownerId, itemId)) !== undefined });
        await invalidate(ownerId, itemId);
      };
      await deleteMedia(deps, 'alice', ID);
      expect(edgeCache.invalidations).toEqual([{ ownerId: 'alice', itemId: ID }]);
      expect(seen).toEqual([{ objects: 0, record: true }]);
    });

    it('does not fail or undo the delete when the edge refuses, and warns with the item', async () => {
      const { deps, edgeCache, warnings } = await setup();
      edgeCache.failWith(new Error('AccessDenied: not authorized to perform cloudfront:CreateInvalidation'));
      await expect(deleteMedia(deps, 'alice', ID)).resolves.toBeUndefined();
      expect(await deps.repo.get('alice', ID)).toBeUndefined();
      expect(deps.bus.published.map((e) => e.type)).toEqual(['media.deleted']);
      expect(warnings).toEqual([
        expect.objectContaining({ level: 'warn', ownerId: 'alice', mediaId: ID, reason: 'deleted', error: 'Error: AccessDenied: not authorized to perform cloudfront:CreateInvalidation' }),
      ]);
    });

    it('warns on the console when the composition gave no log', async () => {
      const { deps, edgeCache } = await setup();
      edgeCache.failWith(new Error('network down'));
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        await deleteMedia({ ...deps, log: undefined }, 'alice', ID);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toMatchObject({ level: 'warn', mediaId: ID, error: 'Error: network down' });
      } finally {
        warn.mockRestore();
      }
    });

    it('deletes as before where there is no edge cache (the local server)', async () => {
      const { deps } = await setup();
      await deleteMedia({ ...deps, edgeCache: undefined }, 'alice', ID);
      expect(await deps.repo.get('alice', ID)).toBeUndefined();
    });
  });

  describe('on a moderation hold', () => {
    it('asks once when tagging flags the item, and not for a second delivery', async () => {
      const { deps, edgeCache } = await setup(EXPLICIT);
      expect((await tagMedia(deps, 'alice', ID)).outcome).toBe('flagged');
      expect(edgeCache.invalidations).toEqual([{ ownerId: 'alice', itemId: ID }]);
      expect((await tagMedia(deps, 'alice', ID)).outcome).toBe('ignored');
      expect(edgeCache.invalidations).toHaveLength(1);
    });

    it('keeps the hold and its events when the edge refuses, and warns with the item', async () => {
      const { deps, edgeCache, warnings } = await setup(EXPLICIT);
      edgeCache.failWith(new Error('TooManyInvalidationsInProgress'));
      expect((await tagMedia(deps, 'alice', ID)).outcome).toBe('flagged');
      expect((await deps.repo.get('alice', ID))?.status).toBe('flagged');
      expect(deps.bus.published.map((e) => e.type)).toEqual(['media.tagged', 'media.flagged']);
      expect(warnings).toEqual([expect.objectContaining({ level: 'warn', ownerId: 'alice', mediaId: ID, reason: 'flagged' })]);
    });
  });

  describe('on other transitions', () => {
    it('does not ask when tagging finds the item safe, nor for edits or a release', async () => {
      const { deps, edgeCache } = await setup(HARMLESS);
      expect((await tagMedia(deps, 'alice', ID)).outcome).toBe('tagged');
      await updateMedia(deps, 'alice', ID, { title: 'Rex', tags: ['dog'] });
      const item = (await deps.repo.get('alice', ID)) as MediaItem;
      await deps.repo.update({ ...item, status: 'flagged', version: item.version + 1 }, item.version);
      await approveMedia(deps, 'mod', 'alice', ID);
      expect(edgeCache.invalidations).toEqual([]);
    });
  });
});
