import { DescribeTableCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  applyAction,
  ConflictError,
  encodeCursor,
  ListQuerySchema,
  ValidationError,
  type ListQueryInput,
  type MediaItem,
  type Tag,
} from '@mediaflow/domain';
import { makeMediaItem, mediaRepositoryContract } from '@mediaflow/domain/testing';
import { DYNALITE_CREDENTIALS, useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable } from './testing/dynalite-table.js';
import type { DynamoMediaRepositoryConfigInput } from './config.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { ABANDONED_UPLOAD_TTL_SECONDS, MEDIA_TABLE, MEDIA_TTL_ATTRIBUTE, mediaKeys, OWNER_TAGS_INDEX } from './table.js';

const dynamo = useDynalite();
// dynalite runs transactions slowly, and more so on a busy machine: a case of a few dozen writes
// can take seconds there (the writes, not the waiting, are what these cases test).
jest.setTimeout(30_000);

interface Harness {
  repo: DynamoMediaRepository;
  /** A client without the emulation, for looking at rows directly. */
  raw: DynamoDBClient;
  tableName: string;
  close: () => Promise<void>;
}

/** A repository on a fresh media table, its writes through the shared TransactWriteItems emulation. */
async function freshRepository(overrides: Partial<DynamoMediaRepositoryConfigInput> = {}): Promise<Harness> {
  const t = await freshMediaTable(dynamo.endpoint());
  const config = { tableName: t.tableName, endpoint: dynamo.endpoint(), region: 'us-east-1', credentials: DYNALITE_CREDENTIALS, ...overrides };
  return {
    repo: new DynamoMediaRepository(config, { client: t.client }),
    raw: t.raw,
    tableName: t.tableName,
    close: async () => t.close(),
  };
}

mediaRepositoryContract('dynamodb (dynalite)', async () => {
  const { repo, close } = await freshRepository();
  return { repo, close };
});

const sha = (n: number): string => n.toString(16).padStart(64, '0');
const aiTag = (name: string): Tag => ({ name, confidence: 0.9, source: 'ai' });
const q = (input: ListQueryInput = {}) => ListQuerySchema.parse(input);

describe('DynamoMediaRepository on dynalite', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await freshRepository();
  });

  afterEach(async () => {
    await h.close();
  });

  /** Every row of a partition, as [SK, row]. */
  async function partition(pk: string): Promise<string[]> {
    const out = await h.raw.send(
      new QueryCommand({ TableName: h.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }),
    );
    return (out.Items ?? []).map((row) => row['SK']?.S ?? '?');
  }

  async function ownerTagIndex(ownerId: string): Promise<string[]> {
    const out = await h.raw.send(
      new QueryCommand({
        TableName: h.tableName,
        IndexName: OWNER_TAGS_INDEX,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: mediaKeys.ownerTagsPk(ownerId) } },
      }),
    );
    return (out.Items ?? []).map((row) => row['GSI1SK']?.S ?? '?');
  }

  it('creates the table from the exported definition', async () => {
    const { Table } = await h.raw.send(new DescribeTableCommand({ TableName: h.tableName }));
    expect(Table?.KeySchema).toEqual(MEDIA_TABLE.KeySchema);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.Projection])).toEqual(
      MEDIA_TABLE.GlobalSecondaryIndexes.map((i) => [i.IndexName, i.KeySchema, i.Projection]),
    );
  });

  it('lays out the item, its hash claim and its tag entries as the single-table design says', async () => {
    const item = await h.repo.create(
      makeMediaItem({ tags: [aiTag('dog'), aiTag('dog'), aiTag('animal')], original: { key: 'k', size: 1, mime: 'image/png', filename: 'a', sha256: sha(5) } }),
    );
    expect((await partition('OWNER#alice')).sort()).toEqual([`MEDIA#${item.id}`, `SHA256#${sha(5)}`]);
    expect(await partition('OWNER#alice#TAG#dog')).toEqual([`MEDIA#${item.id}`]);
    expect((await ownerTagIndex('alice')).sort()).toEqual([`TAG#animal#MEDIA#${item.id}`, `TAG#dog#MEDIA#${item.id}`]);
  });

  it('lets an upload nobody finished expire, and keeps the item once its object arrived', async () => {
    const item = await h.repo.create(makeMediaItem({ status: 'uploading', createdAt: '2026-03-01T00:00:00.000Z' }));
    const expiresAt = async (): Promise<string | undefined> => {
      const out = await h.raw.send(new QueryCommand({ TableName: h.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: 'OWNER#alice' } } }));
      return out.Items?.find((row) => row['SK']?.S === `MEDIA#${item.id}`)?.[MEDIA_TTL_ATTRIBUTE]?.N;
    };
    expect(await expiresAt()).toBe(String(Date.parse('2026-03-01T00:00:00.000Z') / 1000 + ABANDONED_UPLOAD_TTL_SECONDS));
    await h.repo.update({ ...item, status: 'uploaded', version: 2 }, 1);
    expect(await expiresAt()).toBeUndefined();
  });

  it('keeps tag entries in step with tag changes and drops them when the item is deleted', async () => {
    const item = await h.repo.create(makeMediaItem({ tags: [aiTag('dog'), aiTag('park')] }));
    const retagged = { ...item, version: 2, tags: [aiTag('park'), aiTag('ball')] };
    await h.repo.update(retagged, 1);
    expect((await ownerTagIndex('alice')).sort()).toEqual([`TAG#ball#MEDIA#${item.id}`, `TAG#park#MEDIA#${item.id}`]);
    expect(await partition('OWNER#alice#TAG#dog')).toEqual([]);
    // A soft-deleted item is never listed, so it keeps no tag entries and is not counted.
    const gone = applyAction(retagged, 'deleted', new Date('2026-03-01T00:00:00Z'));
    await h.repo.update(gone, 2);
    expect(await ownerTagIndex('alice')).toEqual([]);
    expect(await h.repo.tagCounts('alice')).toEqual([]);
    expect((await h.repo.get('alice', item.id))?.status).toBe('deleted');
  });

  it('cancels the whole create when the hash is taken: no row, no tag entry', async () => {
    const first = await h.repo.create(makeMediaItem({ original: { key: 'a', size: 1, mime: 'image/png', filename: 'a', sha256: sha(1) } }));
    const second = makeMediaItem({ tags: [aiTag('cat')], original: { key: 'b', size: 1, mime: 'image/png', filename: 'b', sha256: sha(1) } });
    const error = await h.repo.create(second).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ existingId: first.id });
    expect(await partition('OWNER#alice#TAG#cat')).toEqual([]);
    expect(await h.repo.get('alice', second.id)).toBeUndefined();
  });

  it('cancels an update that would take a held hash, keeping the old tags and claim', async () => {
    const holder = await h.repo.create(makeMediaItem({ original: { key: 'a', size: 1, mime: 'image/png', filename: 'a', sha256: sha(1) } }));
    const other = await h.repo.create(
      makeMediaItem({ tags: [aiTag('dog')], original: { key: 'b', size: 1, mime: 'image/png', filename: 'b', sha256: sha(2) } }),
    );
    const clash = { ...other, version: 2, tags: [aiTag('cat')], original: { ...other.original, sha256: sha(1) } };
    const error = await h.repo.update(clash, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ existingId: holder.id });
    expect(await partition('OWNER#alice#TAG#dog')).toEqual([`MEDIA#${other.id}`]);
    expect(await partition('OWNER#alice#TAG#cat')).toEqual([]);
    expect((await h.repo.findByHash('alice', sha(2)))?.id).toBe(other.id);
    expect(await h.repo.get('alice', other.id)).toEqual(other);
  });

  it('moves the hash claim when an update changes the hash', async () => {
    const item = await h.repo.create(makeMediaItem({ original: { key: 'a', size: 1, mime: 'image/png', filename: 'a', sha256: sha(3) } }));
    await h.repo.update({ ...item, version: 2, original: { ...item.original, sha256: sha(4) } }, 1);
    expect(await h.repo.findByHash('alice', sha(3))).toBeUndefined();
    expect((await h.repo.findByHash('alice', sha(4)))?.id).toBe(item.id);
    expect((await partition('OWNER#alice')).filter((sk) => sk.startsWith('SHA256#'))).toEqual([`SHA256#${sha(4)}`]);
  });

  it('refuses a stale writer even when it changes tags, leaving the index alone', async () => {
    const item = await h.repo.create(makeMediaItem({ tags: [aiTag('dog')] }));
    await h.repo.update({ ...item, version: 2, title: 'fresh' }, 1);
    const error = await h.repo.update({ ...item, version: 2, tags: [aiTag('cat')] }, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ currentVersion: 2 });
    expect(await ownerTagIndex('alice')).toEqual([`TAG#dog#MEDIA#${item.id}`]);
  });

  it('refuses the same id twice without touching the first item\'s tag entries', async () => {
    const item = await h.repo.create(makeMediaItem({ tags: [aiTag('dog')] }));
    await expect(h.repo.create({ ...item, tags: [aiTag('cat')] })).rejects.toBeInstanceOf(ConflictError);
    expect(await ownerTagIndex('alice')).toEqual([`TAG#dog#MEDIA#${item.id}`]);
  });

  it('never lets a forged cursor read another owner\'s partition', async () => {
    const mine = await h.repo.create(makeMediaItem({ ownerId: 'bob' }));
    const theirs: MediaItem[] = [];
    for (let i = 0; i < 3; i += 1) theirs.push(await h.repo.create(makeMediaItem({ ownerId: 'alice' })));
    const newest = theirs[theirs.length - 1];
    if (newest === undefined) throw new Error('no items');
    // Bob makes a well-formed cursor for his own query that points into Alice's ids.
    const forged = encodeCursor({ after: newest.id, extra: { PK: 'OWNER#alice' } }, { ownerId: 'bob' });
    const page = await h.repo.list('bob', q({ cursor: forged }));
    expect(page.items.every((i) => i.ownerId === 'bob')).toBe(true);
    // Alice's cursor is refused for Bob, and a position that is no media id is refused outright.
    const alicePage = await h.repo.list('alice', q({ limit: 1 }));
    await expect(h.repo.list('bob', q({ cursor: alicePage.nextCursor }))).rejects.toBeInstanceOf(ValidationError);
    await expect(h.repo.list('bob', q({ cursor: encodeCursor({ after: 'OWNER#alice' }, { ownerId: 'bob' }) }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(mine.ownerId).toBe('bob');
  });

  it('refuses owner ids that could reach into other partitions', async () => {
    await expect(h.repo.list('alice#TAG#dog', q())).rejects.toBeInstanceOf(ValidationError);
    await expect(h.repo.get('a#b', makeMediaItem().id)).rejects.toBeInstanceOf(ValidationError);
  });

  it('returns a short page with a cursor when filters exhaust the query budget, and goes on from there', async () => {
    const budgeted = await freshRepository({ maxQueriesPerList: 1 });
    try {
      const video = await budgeted.repo.create(makeMediaItem({ kind: 'video', tags: [aiTag('dog')] }));
      for (let i = 0; i < 30; i += 1) await budgeted.repo.create(makeMediaItem({ kind: 'image', tags: [aiTag('dog')] }));
      // One Query reads 25 tag entries, all images: nothing to show yet, but not the end.
      const first = await budgeted.repo.list('alice', q({ tag: 'dog', kind: 'video', limit: 1 }));
      expect(first.items).toEqual([]);
      expect(first.nextCursor).toBeDefined();
      const second = await budgeted.repo.list('alice', q({ tag: 'dog', kind: 'video', limit: 1, cursor: first.nextCursor }));
      expect(second.items.map((i) => i.id)).toEqual([video.id]);
      expect(second.nextCursor).toBeUndefined();
    } finally {
      await budgeted.close();
    }
  });
});
