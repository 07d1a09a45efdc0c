import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { makeShareLink, shareLinkRepositoryContract } from '@mediaflow/domain/testing';
import { createHash, randomBytes } from 'node:crypto';
import { DynamoShareLinkRepository } from './dynamo-share-repository.js';
import { mediaKeys } from './table.js';
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
    expect(sent[0]?.input).toMatchObject({ Limit: 3, ScanIndexForward: false });
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
});
