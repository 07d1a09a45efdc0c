import { ListQuerySchema, moveToTrash, restoreFromTrash, type MediaItem } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { DYNALITE_CREDENTIALS, useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable } from './testing/dynalite-table.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { PURGE_LOOKBACK_DAYS } from './list-queries.js';

// The trash in DynamoDB beyond the shared contract: the purge's day partitions across owners and
// days, and the listing of an owner's partition when a bulk trash left many newer rows unlisted.

const dynamo = useDynalite();
// A hundred and more writes to the emulator: seconds on a busy machine.
jest.setTimeout(60_000);
const DAY = 24 * 3600 * 1000;
const start = Date.parse('2026-01-01T12:00:00.000Z');

async function fresh() {
  const t = await freshMediaTable(dynamo.endpoint());
  const repo = new DynamoMediaRepository(
    { tableName: t.tableName, endpoint: dynamo.endpoint(), region: 'us-east-1', credentials: DYNALITE_CREDENTIALS },
    { client: t.client },
  );
  return { repo, close: () => t.close() };
}

async function trashedOn(repo: DynamoMediaRepository, item: MediaItem, day: number): Promise<MediaItem> {
  const stored = await repo.create(item);
  return repo.update(moveToTrash(stored, new Date(start + day * DAY)), stored.version);
}

describe('the trash in DynamoDB', () => {
  it('finds what is due across owners and days, oldest first, within the lookback, and leaves a restored item alone', async () => {
    const { repo, close } = await fresh();
    try {
      const a0 = await trashedOn(repo, makeMediaItem({ ownerId: 'alice', status: 'ready' }), 0);
      const b3 = await trashedOn(repo, makeMediaItem({ ownerId: 'bob', status: 'failed' }), 3);
      const a3 = await trashedOn(repo, makeMediaItem({ ownerId: 'alice', status: 'ready' }), 3.5);
      const restored = await trashedOn(repo, makeMediaItem({ ownerId: 'carol', status: 'ready' }), 2);
      await repo.update(restoreFromTrash(restored, new Date(start + 4 * DAY)), restored.version);
      const late = await trashedOn(repo, makeMediaItem({ ownerId: 'bob', status: 'ready' }), 9);
      const cutoff = new Date(start + 5 * DAY);
      expect((await repo.listTrashedBefore(cutoff, 10)).map((i) => i.id)).toEqual([a0.id, b3.id, a3.id]);
      expect((await repo.listTrashedBefore(cutoff, 2)).map((i) => i.id)).toEqual([a0.id, b3.id]);
      // Within the lookback of a cut-off long after: still found.
      const far = new Date(start + (PURGE_LOOKBACK_DAYS - 1) * DAY);
      expect((await repo.listTrashedBefore(far, 10)).map((i) => i.id)).toEqual([a0.id, b3.id, a3.id, late.id]);
    } finally {
      await close();
    }
  });

  it('pages the owner\u2019s list past many newer items in the trash', async () => {
    const { repo, close } = await fresh();
    try {
      const listed: MediaItem[] = [];
      for (let i = 0; i < 5; i += 1) listed.push(await repo.create(makeMediaItem({ ownerId: 'alice', status: 'ready' })));
      for (let i = 0; i < 120; i += 1) await trashedOn(repo, makeMediaItem({ ownerId: 'alice', status: 'ready' }), 1);
      const page = await repo.list('alice', ListQuerySchema.parse({ limit: 10 }));
      expect(page.items.map((i) => i.id)).toEqual(listed.map((i) => i.id).reverse());
      expect(page.nextCursor).toBeUndefined();
    } finally {
      await close();
    }
  });
});
