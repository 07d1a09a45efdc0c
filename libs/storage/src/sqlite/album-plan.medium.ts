import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AlbumItemsQuerySchema, AlbumListQuerySchema, MAX_PAGE_SIZE, type AlbumMember, type MediaItem } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { ALBUM_SQL } from './album-sql.js';
import { REVIEW_QUEUE_SQL } from './review-sql.js';
import { SHARE_SQL } from './share-sql.js';
import { SqliteMediaRepository } from './sqlite-media-repository.js';

const MEDIA = 100_000;
const ALBUMS = 1_000;
/** Album 0 also holds the first LARGE items: one album far bigger than a page. */
const LARGE = 20_000;
/** One item in many albums, for albumsOf. */
const POPULAR = 12_345;
const LINKS = 1_000;

const mediaId = (i: number): string => `01JQ${String(i).padStart(22, '0')}`;
const albumId = (a: number): string => `01JR${String(a).padStart(22, '0')}`;
const linkId = (l: number): string => `01JS${String(l).padStart(22, '0')}`;
const hashOf = (n: number): string => n.toString(16).padStart(64, '0');
/** Dates taken in an order unrelated to the ids (a permutation), each shared by two items (ties on the date). */
const takenAt = (i: number): string => new Date(Date.UTC(2015, 0, 1) + Math.floor(((i * 7919) % MEDIA) / 2) * 3_600_000).toISOString();
const isHeld = (i: number): boolean => i % 500 === 7;
const isRejected = (i: number): boolean => !isHeld(i) && i % 700 === 3;

/** Every album in `a` holds: `i % ALBUMS === a`, plus the large album's and the popular item's extra memberships. */
function expectedMembers(a: number): AlbumMember[] {
  const ids = new Set<number>();
  for (let i = a; i < MEDIA; i += ALBUMS) ids.add(i);
  if (a === 0) for (let i = 0; i < LARGE; i += 1) ids.add(i);
  if (a >= 1 && a <= 50) ids.add(POPULAR);
  return [...ids]
    .map((i) => ({ mediaId: mediaId(i), takenAt: takenAt(i) }))
    .sort((x, y) => (x.takenAt < y.takenAt || (x.takenAt === y.takenAt && x.mediaId < y.mediaId) ? -1 : 1));
}

/**
 * Album, share-link and review-queue reads must stay index range reads (or key reads) however big
 * the library: checked on the plans SQLite actually picks for 100,000 items in 1,000 albums (one of
 * 20,000 items) and 1,000 links, before and after planner statistics, for every statement the
 * repositories run and the lookups their triggers make.
 */
describe('album, share and review query plans with 100,000 items in 1,000 albums', () => {
  let dir: string;
  let repo: SqliteMediaRepository;
  let db: Database.Database;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-sqlite-album-plan-'));
    const filename = join(dir, 'media.db');
    repo = new SqliteMediaRepository({ filename });
    db = new Database(filename);
    db.pragma('foreign_keys = ON');
    const base = makeMediaItem({ ownerId: 'big', status: 'ready', moderation: { verdict: 'safe', labels: [] } });
    const insertMedia = db.prepare(
      `INSERT INTO media (owner_id, id, status, kind, version, sha256, created_at, updated_at, json)
       VALUES (?, ?, ?, 'image', 1, NULL, ?, ?, ?)`,
    );
    const insertAlbum = db.prepare(
      `INSERT INTO albums (owner_id, id, name, item_count, created_at, updated_at, version) VALUES (?, ?, ?, 0, ?, ?, 1)`,
    );
    const insertMember = db.prepare(
      'INSERT INTO album_items (owner_id, album_id, taken_at, media_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    const insertLink = db.prepare(
      `INSERT INTO share_links (token_hash, owner_id, id, target_type, target_id, version, json) VALUES (?, ?, ?, ?, ?, 1, ?)`,
    );
    // Bulk-loaded in one transaction: the point here is the shape of the data, not the write path.
    // Members go in through the real triggers, so the counts below are theirs.
    db.transaction(() => {
      for (const owner of ['big', 'small-1', 'small-2']) {
        const count = owner === 'big' ? MEDIA : 500;
        for (let i = 0; i < count; i += 1) {
          const verdict = isHeld(i) ? 'flagged' : isRejected(i) ? 'rejected' : 'safe';
          const status = verdict === 'safe' ? 'ready' : 'flagged';
          const item: MediaItem = { ...base, ownerId: owner, id: mediaId(i), status, moderation: { verdict, labels: [] } };
          insertMedia.run(owner, item.id, status, base.createdAt, base.updatedAt, JSON.stringify(item));
        }
        const albums = owner === 'big' ? ALBUMS : 10;
        for (let a = 0; a < albums; a += 1) insertAlbum.run(owner, albumId(a), `Album ${a}`, base.createdAt, base.updatedAt);
        for (let i = 0; i < count; i += 1) insertMember.run(owner, albumId(i % albums), takenAt(i), mediaId(i));
      }
      for (let i = 0; i < LARGE; i += 1) insertMember.run('big', albumId(0), takenAt(i), mediaId(i));
      for (let a = 1; a <= 50; a += 1) insertMember.run('big', albumId(a), takenAt(POPULAR), mediaId(POPULAR));
      for (let l = 0; l < LINKS; l += 1) {
        const target = l % 2 === 0 ? { type: 'media', id: mediaId(l % 100) } : { type: 'album', id: albumId(l % 100) };
        const link = {
          id: linkId(l),
          ownerId: 'big',
          tokenHash: hashOf(l + 1),
          target: target.type === 'media' ? { type: 'media', mediaId: target.id } : { type: 'album', albumId: target.id },
          allowDownload: false,
          createdAt: base.createdAt,
          updatedAt: base.updatedAt,
          version: 1,
        };
        insertLink.run(link.tokenHash, 'big', link.id, target.type, target.id, JSON.stringify(link));
      }
    })();
  }, 120_000);

  afterAll(async () => {
    db.close();
    repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Every named parameter any statement takes (better-sqlite3 ignores the ones a statement lacks). */
  const params = {
    owner: 'big',
    album: albumId(0),
    media: mediaId(POPULAR),
    takenAt: takenAt(1),
    after: mediaId(500),
    afterTakenAt: takenAt(500),
    at: '2026-03-01T00:00:00.000Z',
    limit: 51,
    name: 'Renamed',
    description: null,
    cover: null,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    version: 2,
    expectedVersion: 1,
    hash: hashOf(17),
    id: linkId(17),
    type: 'media',
    target: mediaId(4),
    json: '{}',
    afterId: mediaId(1007),
    afterOwner: 'big',
  };

  /** The statements the triggers of migration 3 run for each membership change (the rest are in ALBUM_SQL). */
  const triggerLookups = {
    newestAfterRemoval: 'SELECT max(taken_at) FROM album_items WHERE owner_id = @owner AND album_id = @album',
    recountAfterAdd: `UPDATE albums SET item_count = item_count + 1, newest_taken_at = max(coalesce(newest_taken_at, @takenAt), @takenAt)
      WHERE owner_id = @owner AND id = @album`,
  };

  /** Which index each read must use (the writes only need to find their rows by a key). */
  const expectedIndex: Record<string, RegExp> = {
    'album.get': /^SEARCH albums USING PRIMARY KEY \(owner_id=\? AND id=\?\)$/,
    'album.listFirst': /^SEARCH albums USING PRIMARY KEY \(owner_id=\?\)$/,
    'album.listAfter': /^SEARCH albums USING PRIMARY KEY \(owner_id=\? AND id<\?\)$/,
    'album.isMember': /^SEARCH album_items USING COVERING INDEX album_items_by_media \(owner_id=\? AND media_id=\? AND album_id=\?\)$/,
    'album.removeMember': /^SEARCH album_items USING COVERING INDEX album_items_by_media \(owner_id=\? AND media_id=\? AND album_id=\?\)$/,
    'album.membersAscFirst': /^SEARCH album_items USING PRIMARY KEY \(owner_id=\? AND album_id=\?\)$/,
    'album.membersDescFirst': /^SEARCH album_items USING PRIMARY KEY \(owner_id=\? AND album_id=\?\)$/,
    'album.membersAscAfter': /^SEARCH album_items USING PRIMARY KEY \(owner_id=\? AND album_id=\? AND \(taken_at,media_id\)>\(\?,\?\)\)$/,
    'album.membersDescAfter': /^SEARCH album_items USING PRIMARY KEY \(owner_id=\? AND album_id=\? AND \(taken_at,media_id\)<\(\?,\?\)\)$/,
    'album.albumsOf': /^SEARCH album_items USING COVERING INDEX album_items_by_media \(owner_id=\? AND media_id=\?\)$/,
    'album.forget': /^SEARCH album_items USING COVERING INDEX album_items_by_media \(owner_id=\? AND media_id=\?\)$/,
    'share.byHash': /^SEARCH share_links USING PRIMARY KEY \(token_hash=\?\)$/,
    'share.hashHeld': /^SEARCH share_links USING PRIMARY KEY \(token_hash=\?\)$/,
    'share.get': /^SEARCH share_links USING INDEX share_links_by_owner \(owner_id=\? AND id=\?\)$/,
    'share.state': /^SEARCH share_links USING INDEX share_links_by_owner \(owner_id=\? AND id=\?\)$/,
    'share.list': /^SEARCH share_links USING INDEX share_links_by_owner \(owner_id=\?\)$/,
    'share.listByTarget': /^SEARCH share_links USING INDEX share_links_by_target \(owner_id=\? AND target_type=\? AND target_id=\?\)$/,
    'review.queue': /^SEARCH media USING INDEX media_review_queue \(\(id,owner_id\)>\(\?,\?\)\)$/,
    'trigger.newestAfterRemoval': /^SEARCH album_items USING PRIMARY KEY \(owner_id=\? AND album_id=\?\)$/,
  };

  const statements = (): [string, string][] => [
    ...Object.entries(ALBUM_SQL).map(([name, sql]): [string, string] => [`album.${name}`, sql]),
    ...Object.entries(SHARE_SQL).map(([name, sql]): [string, string] => [`share.${name}`, sql]),
    ['review.queue', REVIEW_QUEUE_SQL],
    ...Object.entries(triggerLookups).map(([name, sql]): [string, string] => [`trigger.${name}`, sql]),
  ];

  function plan(sql: string): string[] {
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail);
  }

  function expectIndexedPlans(): void {
    for (const [name, sql] of statements()) {
      const details = plan(sql);
      const described = `${name}: ${details.join(' | ')}`;
      const accesses = details.filter((d) => /^(SCAN|SEARCH) /.test(d));
      // No full scans and no sorting: each read is a key read or a range read in serving order.
      expect({ described, bad: details.filter((d) => d.startsWith('SCAN') || d.includes('TEMP B-TREE')) }).toEqual({ described, bad: [] });
      // An INSERT ... VALUES reads no table; everything else finds its rows through a key.
      if (!sql.trimStart().startsWith('INSERT')) expect({ described, keyed: accesses.length > 0 }).toEqual({ described, keyed: true });
      for (const access of accesses) expect(access).toMatch(/^SEARCH \S+ USING (COVERING INDEX \S+|INDEX \S+|PRIMARY KEY) \(/);
      const expected = expectedIndex[name];
      if (expected !== undefined) expect({ described, first: accesses[0] }).toEqual({ described, first: expect.stringMatching(expected) });
    }
  }

  it('loads as it should: the triggers counted every membership', () => {
    const mismatches = db
      .prepare(
        `SELECT a.id FROM albums a
         WHERE a.item_count <> (SELECT count(*) FROM album_items i WHERE i.owner_id = a.owner_id AND i.album_id = a.id)
            OR a.newest_taken_at IS NOT (SELECT max(taken_at) FROM album_items i WHERE i.owner_id = a.owner_id AND i.album_id = a.id)`,
      )
      .all();
    expect(mismatches).toEqual([]);
    expect(db.prepare('SELECT item_count FROM albums WHERE owner_id = ? AND id = ?').get('big', albumId(0))).toEqual({
      item_count: expectedMembers(0).length,
    });
  });

  it('reads every album, share and review query through an index, before statistics exist', () => {
    expectIndexedPlans();
  });

  it('still does after ANALYZE', () => {
    db.exec('ANALYZE');
    expectIndexedPlans();
  });

  it('pages through the large album both ways, and lists the big owner\u2019s albums', async () => {
    const albums = repo.albums();
    const expected = expectedMembers(0);
    const first = await albums.listItems('big', albumId(0), AlbumItemsQuerySchema.parse({ limit: 200 }));
    expect(first.items).toEqual(expected.slice(0, 200));
    const second = await albums.listItems('big', albumId(0), AlbumItemsQuerySchema.parse({ limit: 200, cursor: first.nextCursor }));
    expect(second.items).toEqual(expected.slice(200, 400));
    const newest = await albums.listItems('big', albumId(0), AlbumItemsQuerySchema.parse({ order: 'desc', limit: 200 }));
    expect(newest.items).toEqual([...expected].reverse().slice(0, 200));

    const page = await albums.listAlbums('big', AlbumListQuerySchema.parse({ limit: 50 }));
    expect(page.items.map((a) => a.id)).toEqual(Array.from({ length: 50 }, (_, k) => albumId(ALBUMS - 1 - k)));
    // The large album (it holds the first LARGE items), its own album by id, and albums 1 to 50.
    expect((await albums.albumsOf('big', mediaId(POPULAR))).sort()).toEqual(
      [albumId(0), albumId(POPULAR % ALBUMS), ...Array.from({ length: 50 }, (_, k) => albumId(k + 1))].sort(),
    );
  });

  it('lists the review queue across owners, oldest first, and one target\u2019s links', async () => {
    const page = await repo.listForReview({ limit: 100 });
    // Id 7 of all three owners (by owner within one id), then 507, 1007, ... of the big owner only.
    expect(page.items.slice(0, 3).map((i) => [i.id, i.ownerId])).toEqual([
      [mediaId(7), 'big'],
      [mediaId(7), 'small-1'],
      [mediaId(7), 'small-2'],
    ]);
    expect(page.items.slice(3, 6).map((i) => i.id)).toEqual([mediaId(507), mediaId(1007), mediaId(1507)]);
    expect(page.items.every((i) => i.status === 'flagged' && i.moderation.verdict === 'flagged')).toBe(true);
    // The largest page the queue serves holds the rest.
    const rest = await repo.listForReview({ limit: MAX_PAGE_SIZE, cursor: page.nextCursor });
    expect(page.items.length + rest.items.length).toBe(MEDIA / 500 + 2);
    expect(rest.nextCursor).toBeUndefined();

    const links = await repo.shares().listShares('big', { limit: 50, target: { type: 'media', mediaId: mediaId(4) } });
    expect(links.map((l) => l.id)).toEqual(Array.from({ length: 10 }, (_, k) => linkId(904 - k * 100)));
  });
});
