import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { makeMediaItem, makeShareLink, ownerRecordsContract } from '@mediaflow/domain/testing';
import { DynamoAlbumRepository } from './dynamo-album-repository.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { DynamoShareLinkRepository } from './dynamo-share-repository.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

const dynamo = useDynalite();

ownerRecordsContract('dynamodb (dynalite)', async () => {
  const t = await freshMediaTable(dynamo.endpoint());
  const table = { tableName: t.tableName };
  const repo = new DynamoMediaRepository(table, { client: t.client });
  return {
    repo,
    albums: new DynamoAlbumRepository(table, { client: t.client }),
    shares: new DynamoShareLinkRepository(table, { client: t.client }),
    records: repo,
    close: async () => {
      // An owner's records are found by their keys, never by reading the whole table.
      expect(t.names()).not.toContain('ScanCommand');
      t.close();
    },
  };
});

describe('forgetting an owner in DynamoDB', () => {
  let t: DynaliteTable;

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint());
  });

  afterEach(() => {
    expect(t.names()).not.toContain('ScanCommand');
    t.close();
  });

  /** Every row of the table (the test may read it all; the repository may not) in which `needle` occurs. */
  async function rowsMentioning(needle: string): Promise<string[]> {
    const out = await t.raw.send(new ScanCommand({ TableName: t.tableName }));
    return (out.Items ?? []).filter((row) => JSON.stringify(row).includes(needle)).map((row) => `${row['PK']?.S ?? '?'} ${row['SK']?.S ?? '?'}`);
  }

  it('leaves no row of the owner, whatever an interrupted deletion left, and keeps the other owner\u2019s', async () => {
    const table = { tableName: t.tableName };
    const repo = new DynamoMediaRepository(table, { client: t.client });
    const albums = new DynamoAlbumRepository(table, { client: t.client });
    const shares = new DynamoShareLinkRepository(table, { client: t.client });
    for (const ownerId of ['alicezq', 'bobzq']) {
      const word = ownerId === 'alicezq' ? 'quokkaparade' : 'wombatmarch';
      const draft = makeMediaItem({ ownerId, status: 'ready', title: `${word} at noon`, tags: [{ name: word, confidence: 1, source: 'user' }] });
      const item = await repo.create({ ...draft, original: { ...draft.original, sha256: 'b'.repeat(64) } });
      const album = await albums.createAlbum({ id: makeMediaItem().id, ownerId, name: `${word} trip`, itemCount: 0, createdAt: item.createdAt, updatedAt: item.createdAt, version: 1 });
      await albums.addItems(ownerId, album.id, [{ mediaId: item.id, takenAt: item.createdAt }], new Date(item.createdAt));
      await shares.createShare(makeShareLink({ ownerId, target: { type: 'album', albumId: album.id } }));
    }
    expect((await rowsMentioning('alicezq')).length).toBeGreaterThan(5);

    // The items went (their tags, claim, postings), the album and the link not yet: forgetOwner takes them too.
    for (const item of (await repo.listOwnerMedia('alicezq', undefined, 10)).items) await repo.delete('alicezq', item.id);
    await repo.forgetOwner('alicezq');
    await repo.forgetOwner('alicezq');

    // What is left of her is the tombstone, which the API refuses her old tokens by.
    expect(await rowsMentioning('alicezq')).toEqual(['OWNER#alicezq ACCOUNT#DELETED']);
    expect([await repo.isDeleted('alicezq'), await repo.isDeleted('bobzq')]).toEqual([true, false]);
    expect(await rowsMentioning('quokkaparade')).toEqual([]);
    const bobs = await rowsMentioning('bobzq');
    for (const kind of ['MEDIA#', 'SHA256#', 'ALBUM#', 'SHARELINK#', 'MONTH#', 'SEARCH#', 'SHARE']) expect(bobs.some((row) => row.includes(kind))).toBe(true);
  });
});
