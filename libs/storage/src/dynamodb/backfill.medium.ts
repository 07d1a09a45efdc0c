import { PutItemCommand, QueryCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { MediaItem, ModerationVerdict } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { backfillReviewIndex } from './backfill.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { mediaRow, type Item } from './media-row.js';
import { mediaKeys, REVIEW_INDEX } from './table.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

const dynamo = useDynalite();

/** A media row as versions before the review index wrote it: no GSI2 attributes. */
function previousRow(item: MediaItem): Item {
  const { GSI2PK: _pk, GSI2SK: _sk, ...row } = mediaRow(item);
  return row;
}

const withVerdict = (verdict: ModerationVerdict, status: MediaItem['status'], ownerId = 'alice'): MediaItem =>
  makeMediaItem({ ownerId, status, moderation: { verdict, labels: verdict === 'safe' ? [] : [{ name: 'violence', confidence: 0.9 }] } });

describe('backfillReviewIndex', () => {
  let t: DynaliteTable;
  let repo: DynamoMediaRepository;

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint());
    repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
  });

  afterEach(() => t.close());

  async function plant(item: MediaItem): Promise<MediaItem> {
    await t.raw.send(new PutItemCommand({ TableName: t.tableName, Item: previousRow(item) }));
    return item;
  }

  async function indexed(): Promise<string[]> {
    const out = await t.raw.send(
      new QueryCommand({ TableName: t.tableName, IndexName: REVIEW_INDEX, KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': { S: 'REVIEW' } } }),
    );
    return (out.Items ?? []).map((row) => row['GSI2SK']?.S ?? '?');
  }

  it('puts the items flagged before the index into it, once, across segments', async () => {
    const waiting: MediaItem[] = [];
    for (let i = 0; i < 9; i += 1) waiting.push(await plant(withVerdict('flagged', 'flagged', ['alice', 'bob', 'carol'][i % 3])));
    await plant(withVerdict('rejected', 'flagged'));
    await plant(withVerdict('safe', 'ready'));
    await plant(withVerdict('flagged', 'ready'));
    await plant(withVerdict('flagged', 'deleted'));
    // Written by the current version: indexed already, not touched.
    const current = await repo.create(withVerdict('flagged', 'flagged', 'dave'));
    // Rows that are no media rows (a tag entry, a hash claim) are passed over.
    await repo.create(makeMediaItem({ tags: [{ name: 'dog', confidence: 1, source: 'user' }], original: { key: 'k', size: 1, mime: 'image/png', filename: 'a', sha256: '0'.repeat(64) } }));
    expect(await repo.listForReview({ limit: 50 })).toEqual({ items: [current] });

    const first = await backfillReviewIndex(t.raw, t.tableName, { totalSegments: 3, pageSize: 4 });
    expect(first).toEqual({ scanned: 17, held: 10, decided: 1, written: 9, conflicts: 0 });
    const all = [...waiting, current].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect((await repo.listForReview({ limit: 50 })).items).toEqual(all);
    expect(await indexed()).toEqual(all.map((i) => mediaKeys.reviewSk(i.id, i.ownerId)));

    const second = await backfillReviewIndex(t.raw, t.tableName, { totalSegments: 3, pageSize: 4 });
    expect(second).toEqual({ scanned: 17, held: 1, decided: 1, written: 0, conflicts: 0 });
    expect((await repo.listForReview({ limit: 50 })).items).toEqual(all);
  });

  it('lets workers share one backfill by segments', async () => {
    for (let i = 0; i < 6; i += 1) await plant(withVerdict('flagged', 'flagged'));
    const parts = await Promise.all([0, 1, 2, 3].map((segment) => backfillReviewIndex(t.raw, t.tableName, { totalSegments: 4, segments: [segment] })));
    expect(parts.reduce((sum, part) => sum + part.written, 0)).toBe(6);
    expect(await indexed()).toHaveLength(6);
  });

  it('skips a row a newer write changed in between, without undoing that write', async () => {
    const item = await plant(withVerdict('flagged', 'flagged'));
    const decided: MediaItem = { ...item, status: 'ready', moderation: { ...item.moderation, verdict: 'released' }, version: 2 };
    // A moderator decides the item between the backfill's scan and its rewrite.
    t.raw.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as PutItemCommandInput;
        if (context.commandName === 'PutItemCommand' && input.ConditionExpression === 'version = :version') {
          await repo.update(decided, 1);
        }
        return next(args);
      },
      { step: 'initialize', name: 'decideMeanwhile' },
    );
    expect(await backfillReviewIndex(t.raw, t.tableName, { totalSegments: 1 })).toEqual({ scanned: 1, held: 1, decided: 0, written: 0, conflicts: 1 });
    expect(await repo.get('alice', item.id)).toEqual(decided);
    expect(await indexed()).toEqual([]);
  });

  it('refuses segments outside the scan', async () => {
    await expect(backfillReviewIndex(t.raw, t.tableName, { totalSegments: 2, segments: [2] })).rejects.toThrow('segments');
    await expect(backfillReviewIndex(t.raw, t.tableName, { totalSegments: 0 })).rejects.toThrow('totalSegments');
  });
});
