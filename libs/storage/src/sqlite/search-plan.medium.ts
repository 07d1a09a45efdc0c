import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SearchQuerySchema, takenAtOf, type MediaItem, type SearchQueryInput, type Tag } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { allListShapes, listSql } from './list-sql.js';
import { searchRow } from './search-index.js';
import {
  allRelevanceShapes,
  allTakenShapes,
  matchExpression,
  relevanceSql,
  relevanceWindowSql,
  candidateCountSql,
  candidateSetSql,
  SEARCH_INDEX_SQL,
  SEARCH_ITEM_SQL,
  takenSql,
  TIMELINE_SQL,
  type TakenShape,
} from './search-sql.js';
import { SqliteMediaRepository } from './sqlite-media-repository.js';

const MEDIA = 100_000;
const mediaId = (i: number): string => `01JQ${String(i).padStart(22, '0')}`;
const bigAlbum = `01JR${'0'.padStart(22, '0')}`;
const smallAlbum = `01JR${'1'.padStart(22, '0')}`;
const userTag = (name: string): Tag => ({ name, confidence: 1, source: 'user' });

/**
 * Item `i` of an owner: a title word shared by about 100 items (`k<n>`), one shared by a seventh
 * (`m<n>`), `lantern` described on every other item, `img`/`jpg` in every file name, 50 tags of
 * 2% each plus `holiday` on a tenth, five cameras, dates taken in an order unrelated to the ids
 * (every seventh item has none), a twentieth deleted, some failed, videos and documents.
 */
function itemOf(ownerId: string, i: number, base: MediaItem): MediaItem {
  const status = i % 20 === 0 ? 'deleted' : i % 97 === 0 ? 'failed' : 'ready';
  const kind = i % 50 === 1 ? 'document' : i % 10 === 0 ? 'video' : 'image';
  const tags = [userTag(`t${i % 50}`), ...(i % 10 === 3 ? [userTag('holiday')] : [])];
  const capturedAt = i % 7 === 0 ? undefined : new Date(Date.UTC(2010, 0, 1) + ((i * 7919) % MEDIA) * 4_000_000).toISOString();
  return {
    ...base,
    ownerId,
    id: mediaId(i),
    status,
    kind,
    title: `k${i % 1000} m${i % 7}`,
    ...(i % 2 === 0 ? { description: 'a lantern' } : {}),
    original: { ...base.original, filename: `IMG_${i}.jpg` },
    facts: { ...(capturedAt === undefined ? {} : { capturedAt }), camera: { make: `cam${i % 5}`, model: 'x' } },
    tags,
  };
}

/**
 * The full-text row of `itemOf(owner, i)`, written out: what `searchRow` makes of it (checked on a
 * sample below), without folding 100,000 items' words one by one while loading.
 */
function indexRowOf(doc: number, item: MediaItem, i: number): Record<string, string | number> {
  return {
    doc,
    title: `k${i % 1000} m${i % 7}`,
    description: item.description === undefined ? '' : 'a lantern',
    filename: `img ${i} jpg`,
    tag: item.tags.map((t) => t.name).join(' '),
    label: '',
    audio: '',
    camera: `cam${i % 5} x`,
    text: '',
  };
}

/**
 * Search must stay an index read however big the library: checked on the plans SQLite actually
 * picks with 100,000 items of one owner, before and after planner statistics, for every statement
 * shape the search runs, the lookups the repository adds to its writes, and the media list's own
 * statements (whose plans the new date-taken index must not change). Then the pages themselves:
 * every way of serving a page (walking the date index or sorting a small set) gives the same
 * results at this size.
 */
describe('search query plans with 100,000 items for one owner', () => {
  let dir: string;
  let filename: string;
  let repo: SqliteMediaRepository;
  let db: Database.Database;
  const big: MediaItem[] = [];
  /** Each big item's date taken, worked out once. */
  const takenAt = new Map<string, string>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-sqlite-search-plan-'));
    filename = join(dir, 'media.db');
    repo = new SqliteMediaRepository({ filename });
    db = new Database(filename);
    db.pragma('foreign_keys = ON');
    // Room for the whole file while loading: the date-taken index is written in random order.
    db.pragma('cache_size = -262144');
    const base = makeMediaItem({ ownerId: 'big', status: 'ready' });
    const insertMedia = db.prepare(
      `INSERT INTO media (owner_id, id, status, kind, version, sha256, created_at, updated_at, json, taken_at)
       VALUES (?, ?, ?, ?, 1, NULL, ?, ?, ?, ?)`,
    );
    const insertTag = db.prepare('INSERT INTO media_tags (owner_id, tag, media_id) VALUES (?, ?, ?)');
    const insertIndexRow = db.prepare(SEARCH_INDEX_SQL.insert);
    const insertAlbum = db.prepare(`INSERT INTO albums (owner_id, id, name, item_count, created_at, updated_at, version) VALUES (?, ?, ?, 0, ?, ?, 1)`);
    const insertMember = db.prepare('INSERT INTO album_items (owner_id, album_id, taken_at, media_id) VALUES (?, ?, ?, ?)');
    // Bulk-loaded in one transaction, as the repository writes each item: row, tags, full-text row.
    db.transaction(() => {
      for (const owner of ['big', 'small-1', 'small-2']) {
        insertAlbum.run(owner, bigAlbum, 'Big', base.createdAt, base.updatedAt);
        insertAlbum.run(owner, smallAlbum, 'Small', base.createdAt, base.updatedAt);
        const count = owner === 'big' ? MEDIA : 500;
        for (let i = 0; i < count; i += 1) {
          const item = itemOf(owner, i, base);
          const taken = takenAtOf(item);
          const doc = insertMedia.run(owner, item.id, item.status, item.kind, item.createdAt, item.updatedAt, JSON.stringify(item), taken);
          for (const tag of item.tags) insertTag.run(owner, tag.name, item.id);
          if (item.status !== 'deleted') insertIndexRow.run(indexRowOf(Number(doc.lastInsertRowid), item, i));
          if (i % 5 === 0) insertMember.run(owner, bigAlbum, taken, item.id);
          if (i % 3_001 === 0) insertMember.run(owner, smallAlbum, taken, item.id);
          if (owner === 'big') {
            big.push(item);
            takenAt.set(item.id, taken);
          }
        }
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
    match: matchExpression([{ exact: ['lantern'] }, { exact: ['k7'], prefix: 'k7' }], ['cam1']) ?? '',
    windowRows: 1000,
    bound: 50_000,
    offset: 100,
    take: 51,
    limit: 51,
    cap: 2001,
    kind: 'video',
    status: 'ready',
    from: '2012-01-01T00:00:00.000Z',
    to: '2020-12-31T23:59:59.999Z',
    tag0: 'holiday',
    tag1: 't3',
    lead: 't13',
    album: bigAlbum,
    after: mediaId(5_000),
    afterTakenAt: '2015-06-01T00:00:00.000Z',
    doc: 4_242,
    title: 'k1',
    description: '',
    filename: 'img',
    tag: '',
    label: '',
    audio: '',
    camera: '',
  };

  /** Lookups the repository's writes make to keep the full-text index in step. */
  const writeLookups = {
    updateState: 'SELECT rowid AS doc, version, sha256, status, json FROM media WHERE owner_id = @owner AND id = @after',
    deleteState: 'SELECT rowid AS doc, status FROM media WHERE owner_id = @owner AND id = @after',
  };

  function plan(sql: string): string[] {
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail);
  }

  /**
   * No full scan of a table or of the full-text index (a virtual-table scan must be a MATCH: `:M`
   * in its index string), and no set of rowids used as an index key. Scans of a statement's own
   * subquery, window or CTE rows are what they read back, not tables.
   */
  function expectIndexed(name: string, details: readonly string[]): void {
    const described = `${name}: ${details.join(' | ')}`;
    const bad = details.filter((d) => {
      // A set of rowids is checked by membership: as a key of an index search it would seek every
      // member for every row.
      if (/USING (COVERING )?INDEX .*rowid[=<>]/.test(d)) return true;
      if (!d.startsWith('SCAN ')) return false;
      if (/^SCAN \S+ VIRTUAL TABLE INDEX \d+:M/.test(d)) return false;
      return !/^SCAN (\(subquery-\d+\)|months|CONSTANT ROW)$/.test(d);
    });
    expect({ described, bad }).toEqual({ described, bad: [] });
  }

  const takenStatements = (): [string, TakenShape, string][] => allTakenShapes().map((shape) => [JSON.stringify(shape), shape, takenSql(shape)]);

  function expectIndexedPlans(): void {
    for (const shape of allRelevanceShapes()) {
      const details = plan(relevanceSql(shape));
      expectIndexed(`relevance ${JSON.stringify(shape)}`, details);
      // The full-text index leads, in rowid order (no sort inside the window); the item is one rowid read.
      expect(details.some((d) => /^SCAN f VIRTUAL TABLE INDEX \d+:M/.test(d))).toBe(true);
      expect(details).toContain('SEARCH m USING INTEGER PRIMARY KEY (rowid=?)');
      expect(details.filter((d) => d.includes('TEMP B-TREE'))).toEqual(['USE TEMP B-TREE FOR ORDER BY']);
      expectIndexed(`relevance window ${JSON.stringify(shape)}`, plan(relevanceWindowSql(shape)));
    }
    for (const [name, shape, sql] of takenStatements()) {
      const details = plan(sql);
      expectIndexed(name, details);
      const first = details.find((d) => /^(SCAN|SEARCH) /.test(d));
      const sorts = details.filter((d) => d.includes('TEMP B-TREE'));
      if (shape.driver === 'walk') {
        // The date-taken listing: one range of the index in page order, never a sort.
        expect({ name, first }).toEqual({ name, first: expect.stringMatching(/^SEARCH m USING (COVERING )?INDEX media_listed_by_taken \(owner_id=\?/) });
        expect({ name, sorts }).toEqual({ name, sorts: [] });
      } else {
        // A small set, sorted (the search only picks it when it holds at most sortLimit rows).
        const lead = { text: /^SCAN f VIRTUAL TABLE INDEX \d+:M/, tag: /^SEARCH d USING PRIMARY KEY \(owner_id=\? AND tag=\?\)$/, album: /^SEARCH d USING PRIMARY KEY \(owner_id=\? AND album_id=\?\)$/ }[shape.driver];
        expect({ name, first }).toEqual({ name, first: expect.stringMatching(lead) });
        expect({ name, sorts }).toEqual({ name, sorts: ['USE TEMP B-TREE FOR ORDER BY'] });
      }
      // Each tag and album check is one lookup of a whole key.
      for (const d of details.filter((x) => /^SEARCH t\d/.test(x))) {
        expect(d).toMatch(/^SEARCH t\d+ (EXISTS )?USING (PRIMARY KEY \(owner_id=\? AND tag=\? AND media_id=\?\)|COVERING INDEX media_tags_by_item \(owner_id=\? AND media_id=\? AND tag=\?\))$/);
      }
      for (const d of details.filter((x) => x.startsWith('SEARCH a '))) {
        expect(d).toMatch(/^SEARCH a (EXISTS )?USING (COVERING )?INDEX album_items_by_media \(owner_id=\? AND media_id=\? AND album_id=\?\)$/);
      }
    }
    for (const set of ['text', 'tag', 'album', 'kind', 'status', 'taken'] as const) {
      for (const range of [{ from: true, to: false }, { from: false, to: true }, { from: true, to: true }]) {
        expectIndexed(`count ${set}`, plan(candidateCountSql(set, range)));
        if (set !== 'text') expectIndexed(`set ${set}`, plan(candidateSetSql(set, range)));
      }
    }
    expect(plan(candidateCountSql('tag', { from: false, to: false }))).toContain('SEARCH media_tags USING PRIMARY KEY (owner_id=? AND tag=?)');
    expect(plan(candidateCountSql('album', { from: false, to: false }))).toContain('SEARCH album_items USING PRIMARY KEY (owner_id=? AND album_id=?)');

    const timeline = plan(TIMELINE_SQL);
    expectIndexed('timeline', timeline);
    expect(timeline.filter((d) => d.startsWith('SEARCH'))).toEqual([
      'SEARCH media USING COVERING INDEX media_listed_by_taken (owner_id=?)',
      'SEARCH media USING COVERING INDEX media_listed_by_taken (owner_id=? AND taken_at<?)',
      'SEARCH media USING COVERING INDEX media_listed_by_taken (owner_id=? AND taken_at>? AND taken_at<?)',
    ]);
    expect(timeline.filter((d) => d.includes('TEMP B-TREE'))).toEqual([]);

    expect(plan(SEARCH_ITEM_SQL)).toEqual(['SEARCH media USING INTEGER PRIMARY KEY (rowid=?)']);
    for (const [name, sql] of Object.entries(writeLookups)) {
      expect({ name, plan: plan(sql) }).toEqual({ name, plan: [expect.stringMatching(/^SEARCH media USING INDEX sqlite_autoindex_media_1 \(owner_id=\? AND id=\?\)$/)] });
    }
  }

  /** The media list's own plans, as list-plan checks them: the date-taken index must not be picked instead. */
  function expectListPlansUnchanged(): void {
    for (const shape of allListShapes()) {
      const listParams: Record<string, string | number> = { owner: 'big', limit: 51, kind: 'video', status: 'ready', tag: 'holiday', after: mediaId(50_000) };
      const details = (db.prepare(`EXPLAIN QUERY PLAN ${listSql(shape)}`).all(listParams) as { detail: string }[]).map((row) => row.detail);
      const described = `${JSON.stringify(shape)}: ${details.join(' | ')}`;
      expect({ described, scans: details.filter((d) => d.startsWith('SCAN') || d.includes('TEMP B-TREE')) }).toEqual({ described, scans: [] });
      if (shape.tag) {
        expect(details[0]).toMatch(/^SEARCH t USING PRIMARY KEY \(owner_id=\? AND tag=\?/);
        expect(details[1]).toMatch(/^SEARCH m USING INDEX (media_listed|media_listed_by_kind|media_listed_by_status|sqlite_autoindex_media_1) \(owner_id=\? AND ((kind|status)=\? AND )?id=\?\)$/);
      } else {
        expect(details).toHaveLength(1);
        expect(details[0]).toMatch(/^SEARCH media USING INDEX (media_listed|media_listed_by_kind|media_listed_by_status|sqlite_autoindex_media_1) \(owner_id=\?/);
      }
    }
  }

  it('loads the words the repository would write', () => {
    for (let i = 0; i < 300; i += 1) {
      const item = itemOf('big', i, makeMediaItem({ ownerId: 'big', status: 'ready' }));
      expect(indexRowOf(i, item, i)).toEqual(searchRow(i, item));
    }
  });

  it('reads every search statement through an index, before statistics exist', () => {
    expectIndexedPlans();
    expectListPlansUnchanged();
  });

  it('still does after ANALYZE', () => {
    db.exec('ANALYZE');
    expectIndexedPlans();
    expectListPlansUnchanged();
  });

  describe('pages at this size', () => {
    const taken = (m: MediaItem): string => takenAt.get(m.id) ?? '';
    const newestFirst = (a: MediaItem, b: MediaItem): number => (taken(a) === taken(b) ? (a.id < b.id ? 1 : -1) : taken(a) < taken(b) ? 1 : -1);
    const listed = (): MediaItem[] => big.filter((m) => m.status !== 'deleted').sort(newestFirst);

    async function page(input: SearchQueryInput, on: SqliteMediaRepository = repo): Promise<{ ids: string[]; next?: string }> {
      const result = await on.search().search('big', SearchQuerySchema.parse(input));
      return { ids: result.items.map((i) => i.id), ...(result.nextCursor === undefined ? {} : { next: result.nextCursor }) };
    }

    it('lists by date taken off the index, either way, across pages', async () => {
      const expected = listed();
      const first = await page({ limit: 50 });
      expect(first.ids).toEqual(expected.slice(0, 50).map((m) => m.id));
      const second = await page({ limit: 50, cursor: first.next });
      expect(second.ids).toEqual(expected.slice(50, 100).map((m) => m.id));
      const oldest = await page({ order: 'taken-asc', limit: 50 });
      expect(oldest.ids).toEqual([...expected].reverse().slice(0, 50).map((m) => m.id));
      const holidayVideos = expected.filter((m) => m.kind === 'video' && m.tags.some((t) => t.name === 'holiday'));
      expect((await page({ tags: 'holiday', kind: 'video', limit: 50 })).ids).toEqual(holidayVideos.slice(0, 50).map((m) => m.id));
    });

    it('gives the same pages whether it walks the date index or sorts a small set', async () => {
      const walking = new SqliteMediaRepository({ filename, search: { sortLimit: 1 } });
      const sorting = new SqliteMediaRepository({ filename, search: { sortLimit: 1_000_000 } });
      try {
        const queries: SearchQueryInput[] = [
          { q: 'k7', order: 'taken-desc' },
          { q: 'lantern', order: 'taken-asc', kind: 'document' },
          { q: 'la', order: 'taken-desc', from: '2015-01-01', tags: 't3' },
          { tags: 't13,holiday', order: 'taken-asc' },
          { album: smallAlbum },
          { album: bigAlbum, camera: 'cam2', order: 'taken-asc' },
        ];
        for (const query of queries) {
          let cursorA: string | undefined;
          let cursorB: string | undefined;
          for (let n = 0; n < 3; n += 1) {
            const a = await page({ ...query, limit: 40, ...(cursorA === undefined ? {} : { cursor: cursorA }) }, walking);
            const b = await page({ ...query, limit: 40, ...(cursorB === undefined ? {} : { cursor: cursorB }) }, sorting);
            const c = await page({ ...query, limit: 40, ...(cursorA === undefined ? {} : { cursor: cursorA }) });
            expect({ query, n, ids: b.ids }).toEqual({ query, n, ids: a.ids });
            expect({ query, n, ids: c.ids }).toEqual({ query, n, ids: a.ids });
            cursorA = a.next;
            cursorB = b.next;
            if (cursorA === undefined) break;
          }
        }
      } finally {
        walking.close();
        sorting.close();
      }
    });

    it('ranks the newest window of a very common word, and pages on', async () => {
      const first = await page({ q: 'lantern', limit: 50 });
      expect(first.ids).toHaveLength(50);
      const ids = new Set(first.ids);
      const second = await page({ q: 'lantern', limit: 50, cursor: first.next });
      expect(second.ids.filter((id) => ids.has(id))).toEqual([]);
      const withLantern = new Set(big.filter((m) => m.status !== 'deleted' && m.description !== undefined).map((m) => m.id));
      expect([...first.ids, ...second.ids].every((id) => withLantern.has(id))).toBe(true);
      expect((await page({ q: 'im', kind: 'document', limit: 50 })).ids).toHaveLength(50);
    });

    it('counts the months off the index', async () => {
      const counts = new Map<string, number>();
      for (const m of listed()) counts.set(taken(m).slice(0, 7), (counts.get(taken(m).slice(0, 7)) ?? 0) + 1);
      const expected = [...counts.entries()].sort((a, b) => (a[0] < b[0] ? 1 : -1)).map(([month, count]) => ({ month, count }));
      expect(await repo.search().timeline('big')).toEqual(expected);
    });
  });
});
