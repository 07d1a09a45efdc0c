import { DeleteItemCommand, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { NotFoundError, type ShareLink, type ShareTarget } from '@mediaflow/domain';
import { makeMediaItem, makeShareLink, shareLinkRepositoryContract } from '@mediaflow/domain/testing';
import { createHash, randomBytes } from 'node:crypto';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { DynamoShareLinkRepository } from './dynamo-share-repository.js';
import { mediaKeys, OWNER_TAGS_INDEX } from './table.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

const dynamo = useDynalite();

shareLinkRepositoryContract('dynamodb (dynalite)', async () => {
  const t = await freshMediaTable(dynamo.endpoint());
  return {
    shares: new DynamoShareLinkRepository({ tableName: t.tableName }, { client: t.client }),
    close: async () => {
      expect(t.names()).not.toContain('ScanCommand');
      t.close();
    },
  };
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('DynamoShareLinkRepository on dynalite', () => {
  let t: DynaliteTable;
  let shares: DynamoShareLinkRepository;

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint());
    shares = new DynamoShareLinkRepository({ tableName: t.tableName }, { client: t.client });
  });

  afterEach(() => {
    expect(t.names()).not.toContain('ScanCommand');
    t.close();
  });

  async function commandsOf(run: () => Promise<unknown>): Promise<{ name: string; input: Record<string, unknown> }[]> {
    const before = t.sent.length;
    await run();
    return t.sent.slice(before);
  }

  it('keeps a link as its lookup row and its owner\u2019s row', async () => {
    const link = await shares.createShare(makeShareLink());
    for (const [pk, sk] of [
      [mediaKeys.sharePk(link.tokenHash), mediaKeys.shareSk],
      [mediaKeys.ownerPk('alice'), mediaKeys.ownerShareSk(link.id)],
    ] as const) {
      const { Item } = await t.raw.send(new GetItemCommand({ TableName: t.tableName, Key: { PK: { S: pk }, SK: { S: sk } } }));
      expect(Item?.['id']?.S).toBe(link.id);
      expect(Item?.['tokenHash']?.S).toBe(link.tokenHash);
    }
  });

  it('opens a link with exactly one strongly consistent GetItem, found or not, well-formed or not', async () => {
    const token = randomBytes(32).toString('base64url');
    const link = await shares.createShare(makeShareLink({ tokenHash: sha256(token) }));
    const probes = [sha256(token), sha256(randomBytes(32).toString('base64url')), sha256('guess'), 'not-a-hash', `${link.tokenHash}#x`, ''];
    for (const hash of probes) {
      const sent = await commandsOf(() => shares.getShareByTokenHash(hash));
      expect(sent.map((c) => c.name)).toEqual(['GetItemCommand']);
      expect(sent[0]?.input).toMatchObject({ ConsistentRead: true, Key: { SK: { S: 'SHARE' } } });
    }
    expect((await shares.getShareByTokenHash(sha256(token)))?.id).toBe(link.id);
    expect(await shares.getShareByTokenHash(`${link.tokenHash}#x`)).toBeUndefined();
  });

  it('lists an owner\u2019s links with one Query of the page when no target is asked for', async () => {
    for (let i = 0; i < 5; i += 1) await shares.createShare(makeShareLink());
    const sent = await commandsOf(() => shares.listShares('alice', { limit: 3 }));
    expect(sent.map((c) => c.name)).toEqual(['QueryCommand']);
    expect(sent[0]?.input).toMatchObject({ Limit: 3, ScanIndexForward: false, ConsistentRead: true });
  });

  it('records a visit on both rows with two single-item updates, and never brings a deleted link back', async () => {
    const link = await shares.createShare(makeShareLink());
    const at = new Date('2026-04-01T10:00:00.000Z');
    expect((await commandsOf(() => shares.touchShare('alice', link.id, at))).map((c) => c.name)).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    expect((await shares.getShareByTokenHash(link.tokenHash))?.lastOpenedAt).toBe(at.toISOString());

    await shares.deleteShare('alice', link.id);
    await shares.touchShare('alice', link.id, new Date('2026-04-02T10:00:00.000Z'));
    const left = await t.raw.send(
      new QueryCommand({ TableName: t.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: mediaKeys.sharePk(link.tokenHash) } } }),
    );
    expect(left.Items).toEqual([]);
    expect(await shares.getShare('alice', link.id)).toBeUndefined();
  });

  /** The raw row at this key, or undefined. */
  async function rowAt(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await t.raw.send(new GetItemCommand({ TableName: t.tableName, Key: { PK: { S: pk }, SK: { S: sk } }, ConsistentRead: true }));
    return Item;
  }

  /** As if `deleteShare` stopped between its two deletes: the lookup row is gone, the owner's row is left. */
  async function dropLookupRow(link: ShareLink): Promise<void> {
    await t.raw.send(new DeleteItemCommand({ TableName: t.tableName, Key: { PK: { S: mediaKeys.sharePk(link.tokenHash) }, SK: { S: mediaKeys.shareSk } } }));
  }

  it('finishes a delete interrupted between its two deletes when the link is next updated, token kept or new', async () => {
    const kept = await shares.createShare(makeShareLink());
    const rekeyed = await shares.createShare(makeShareLink());
    const other = await shares.createShare(makeShareLink());
    await dropLookupRow(kept);
    await dropLookupRow(rekeyed);
    const at = '2026-04-01T10:00:00.000Z';

    // Revoking (an update that keeps the token) finds the link gone, and removes what was left.
    await expect(shares.updateShare({ ...kept, revokedAt: at, updatedAt: at, version: 2 }, 1)).rejects.toBeInstanceOf(NotFoundError);
    expect(await rowAt(mediaKeys.ownerPk('alice'), mediaKeys.ownerShareSk(kept.id))).toBeUndefined();
    expect(await shares.getShare('alice', kept.id)).toBeUndefined();

    // So does an update that moves the link to a new token (the old lookup row is the one missing).
    const newHash = sha256('a new token');
    await expect(shares.updateShare({ ...rekeyed, tokenHash: newHash, version: 2 }, 1)).rejects.toBeInstanceOf(NotFoundError);
    expect(await rowAt(mediaKeys.ownerPk('alice'), mediaKeys.ownerShareSk(rekeyed.id))).toBeUndefined();
    expect(await rowAt(mediaKeys.sharePk(newHash), mediaKeys.shareSk)).toBeUndefined();

    // The other link is untouched, and a stale version is still a conflict, not a deletion.
    expect((await shares.listShares('alice', { limit: 10 })).map((l) => l.id)).toEqual([other.id]);
    await shares.updateShare({ ...other, allowDownload: true, version: 2 }, 1);
    await expect(shares.updateShare({ ...other, allowDownload: false, version: 2 }, 1)).rejects.toMatchObject({ code: 'conflict', details: { currentVersion: 2 } });
    expect(await shares.getShare('alice', other.id)).toMatchObject({ version: 2, allowDownload: true });
  });

  it('lists a target\u2019s links from that target\u2019s own index partition, newest first, and only those', async () => {
    const photo = makeMediaItem().id;
    const target: ShareTarget = { type: 'media', mediaId: photo };
    const mine: ShareLink[] = [];
    for (let i = 0; i < 3; i += 1) {
      mine.push(await shares.createShare(makeShareLink({ target })));
      // Links of other targets (the same id as an album among them), and another owner's link to the same item.
      await shares.createShare(makeShareLink({ target: { type: 'media', mediaId: makeMediaItem().id } }));
      await shares.createShare(makeShareLink({ target: { type: 'album', albumId: photo } }));
      await shares.createShare(makeShareLink({ ownerId: 'bob', target }));
    }
    const newestFirst = [...mine].reverse();
    const ownerKeys = (links: readonly ShareLink[]) => links.map((l) => ({ PK: { S: mediaKeys.ownerPk('alice') }, SK: { S: mediaKeys.ownerShareSk(l.id) } }));

    let listed: ShareLink[] = [];
    const sent = await commandsOf(async () => {
      listed = await shares.listShares('alice', { target, limit: 50 });
    });
    expect(listed.map((l) => l.id)).toEqual(newestFirst.map((l) => l.id));
    expect(sent.map((c) => c.name)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    const [query, batch] = sent;
    expect(query?.input).toMatchObject({
      IndexName: OWNER_TAGS_INDEX,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': { S: `OWNER#alice#SHARES#media#${photo}` } },
      ScanIndexForward: false,
    });
    expect(query?.input['FilterExpression']).toBeUndefined();
    // Only this target's rows are fetched, strongly consistent.
    expect(batch?.input).toEqual({ RequestItems: { [t.tableName]: { Keys: ownerKeys(newestFirst), ConsistentRead: true } } });

    const one = await commandsOf(async () => {
      listed = await shares.listShares('alice', { target, limit: 1 });
    });
    expect(listed.map((l) => l.id)).toEqual([mine[2]?.id]);
    expect(one[0]?.input).toMatchObject({ IndexName: OWNER_TAGS_INDEX, Limit: 1 });
    expect(one[1]?.input).toEqual({ RequestItems: { [t.tableName]: { Keys: ownerKeys(newestFirst.slice(0, 1)), ConsistentRead: true } } });
  });

  it('indexes the owner\u2019s row only, under the target, through every update, and leaves the tag counts alone', async () => {
    const media = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
    await media.create(makeMediaItem({ tags: [{ name: 'dog', confidence: 0.9, source: 'ai' }] }));
    const album = makeMediaItem().id;
    const link = await shares.createShare(makeShareLink({ target: { type: 'album', albumId: album } }));
    const indexKeys = { GSI1PK: { S: `OWNER#alice#SHARES#album#${album}` }, GSI1SK: { S: mediaKeys.ownerShareSk(link.id) } };
    expect(await rowAt(mediaKeys.ownerPk('alice'), mediaKeys.ownerShareSk(link.id))).toMatchObject(indexKeys);
    expect(await rowAt(mediaKeys.sharePk(link.tokenHash), mediaKeys.shareSk)).not.toHaveProperty('GSI1PK');

    // An update, and one with a new token: the owner's row keeps its entry, no lookup row gains one.
    const renewed = await shares.updateShare({ ...link, allowDownload: true, version: 2 }, 1);
    const moved = await shares.updateShare({ ...renewed, tokenHash: sha256('another token'), version: 3 }, 2);
    await shares.touchShare('alice', link.id, new Date('2026-04-01T10:00:00.000Z'));
    expect(await rowAt(mediaKeys.ownerPk('alice'), mediaKeys.ownerShareSk(link.id))).toMatchObject(indexKeys);
    expect(await rowAt(mediaKeys.sharePk(moved.tokenHash), mediaKeys.shareSk)).not.toHaveProperty('GSI1PK');
    const entries = await t.raw.send(
      new QueryCommand({ TableName: t.tableName, IndexName: OWNER_TAGS_INDEX, KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': indexKeys.GSI1PK } }),
    );
    expect(entries.Items?.map((row) => row['SK']?.S)).toEqual([mediaKeys.ownerShareSk(link.id)]);

    // The tag counts read their own partition of the index: links are not counted as tags.
    expect(await media.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
    await shares.deleteShare('alice', link.id);
    const after = await t.raw.send(
      new QueryCommand({ TableName: t.tableName, IndexName: OWNER_TAGS_INDEX, KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': indexKeys.GSI1PK } }),
    );
    expect(after.Items).toEqual([]);
  });
});
