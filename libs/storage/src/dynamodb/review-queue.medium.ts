import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ListQuerySchema, MAX_PAGE_SIZE, ValidationError, type MediaItem, type Moderation } from '@mediaflow/domain';
import { makeMediaItem, reviewQueueContract } from '@mediaflow/domain/testing';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { mediaRow } from './media-row.js';
import { MEDIA_TABLE, REVIEW_INDEX } from './table.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

const dynamo = useDynalite();

reviewQueueContract('dynamodb (dynalite)', async () => {
  const t = await freshMediaTable(dynamo.endpoint());
  const repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
  return {
    repo,
    queue: repo,
    close: async () => {
      expect(t.names()).not.toContain('ScanCommand');
      t.close();
    },
  };
});

const flagged: Moderation = { verdict: 'flagged', labels: [{ name: 'violence', confidence: 0.93 }] };
const held = (ownerId = 'alice'): MediaItem => makeMediaItem({ ownerId, status: 'flagged', moderation: flagged });

describe('the review queue on DynamoDB', () => {
  let t: DynaliteTable;
  let repo: DynamoMediaRepository;

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint());
    repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
  });

  afterEach(() => {
    expect(t.names()).not.toContain('ScanCommand');
    t.close();
  });

  async function indexEntries(): Promise<string[]> {
    const out = await t.raw.send(
      new QueryCommand({ TableName: t.tableName, IndexName: REVIEW_INDEX, KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': { S: 'REVIEW' } } }),
    );
    return (out.Items ?? []).map((row) => row['GSI2SK']?.S ?? '?');
  }

  it('declares the review index as a sparse, keys-only index of the media table', () => {
    const index = MEDIA_TABLE.GlobalSecondaryIndexes.find((i) => i.IndexName === REVIEW_INDEX);
    expect(index).toEqual({
      IndexName: 'GSI2',
      KeySchema: [
        { AttributeName: 'GSI2PK', KeyType: 'HASH' },
        { AttributeName: 'GSI2SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
  });

  it('indexes a media row exactly while the item awaits review', async () => {
    const item = await repo.create(held('bob'));
    expect(await indexEntries()).toEqual([`${item.id}#bob`]);
    const rejected = { ...item, moderation: { ...item.moderation, verdict: 'rejected' as const }, version: 2 };
    await repo.update(rejected, 1);
    expect(await indexEntries()).toEqual([]);
    expect(mediaRow(rejected)['GSI2PK']).toBeUndefined();
  });

  it('reads a page with one Query of the index and one BatchGetItem', async () => {
    for (let i = 0; i < 12; i += 1) await repo.create(held(i % 2 === 0 ? 'alice' : 'bob'));
    const before = t.sent.length;
    const first = await repo.listForReview({ limit: 10 });
    expect(t.names().slice(before)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    expect(t.sent[before]?.input).toMatchObject({ IndexName: REVIEW_INDEX, ScanIndexForward: true, Limit: 11 });
    // The index trails the table; the rows are read in their latest state.
    expect(t.sent[before + 1]?.input).toMatchObject({ RequestItems: { [t.tableName]: { ConsistentRead: true } } });
    expect(first.items).toHaveLength(10);
    const next = t.sent.length;
    await repo.listForReview({ limit: 10, cursor: first.nextCursor });
    expect(t.names().slice(next)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
  });

  it('leaves out an entry whose item was decided after the index was read', async () => {
    const waiting = await repo.create(held());
    const decided = await repo.create(held());
    // An index a moment behind its table: the entry is there, the row says released.
    const released: MediaItem = { ...decided, status: 'ready', moderation: { ...flagged, verdict: 'released' }, version: 2 };
    await t.raw.send(new PutItemCommand({ TableName: t.tableName, Item: { ...mediaRow(released), GSI2PK: { S: 'REVIEW' }, GSI2SK: { S: `${decided.id}#alice` } } }));
    expect(await repo.listForReview({ limit: 10 })).toEqual({ items: [waiting] });
    // The listing of the owner is not affected by the index.
    expect((await repo.list('alice', ListQuerySchema.parse({}))).items.map((i) => i.id)).toEqual([decided.id, waiting.id]);
  });

  it('refuses a page larger than MAX_PAGE_SIZE, as the SQLite queue does, and serves one of MAX_PAGE_SIZE', async () => {
    await repo.create(held());
    await expect(repo.listForReview({ limit: MAX_PAGE_SIZE + 1 })).rejects.toBeInstanceOf(ValidationError);
    expect((await repo.listForReview({ limit: MAX_PAGE_SIZE })).items).toHaveLength(1);
  });
});
