import Database from 'better-sqlite3';
import {
  encodeCursor,
  SEARCH_FIELDS,
  searchCursorBinding,
  SearchQuerySchema,
  ValidationError,
  type MediaItem,
  type MediaSearch,
  type SearchQueryInput,
} from '@mediaflow/domain';
import { InMemoryMediaRepository, makeMediaItem, MemoryAlbumRepository, MemoryMediaSearch, mediaSearchContract } from '@mediaflow/domain/testing';
import { SqliteMediaRepository } from './sqlite-media-repository.js';
import { SEARCH_COLUMNS } from './search-sql.js';
import { sqliteOnFile, type SqliteOnFile } from './testing/sqlite-file.js';

mediaSearchContract('sqlite', async () => {
  const { repo, close } = await sqliteOnFile('mf-sqlite-search-');
  return { repo, albums: repo.albums(), search: repo.search(), close };
});

// Windows of two matches and no sorted sets: every page crosses windows, every date-taken page
// walks the index. And the file read without a memory map.
mediaSearchContract('sqlite (small relevance windows, walking the date index, no memory map)', async () => {
  const { repo, close } = await sqliteOnFile('mf-sqlite-search-', { search: { rankWindow: 2, sortLimit: 1 }, mmapSizeBytes: 0 });
  return { repo, albums: repo.albums(), search: repo.search(), close };
});

const ready = (overrides: Partial<MediaItem> = {}): MediaItem => makeMediaItem({ ownerId: 'alice', status: 'ready', ...overrides });

describe('SqliteMediaSearch', () => {
  let file: SqliteOnFile;
  let repo: SqliteMediaRepository;
  let search: MediaSearch;

  const ids = async (input: SearchQueryInput, on: MediaSearch = search): Promise<string[]> =>
    (await on.search('alice', SearchQuerySchema.parse(input))).items.map((i) => i.id);

  /** Every result, page by page. */
  const all = async (input: SearchQueryInput, limit: number): Promise<string[]> => {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search.search('alice', SearchQuerySchema.parse({ ...input, limit, ...(cursor === undefined ? {} : { cursor }) }));
      out.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return out;
  };

  /** How many rows the full-text index has: every test item's file name is photo.jpg. */
  const indexed = (): number => {
    const db = new Database(file.filename, { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM media_search WHERE media_search MATCH '"jpg"'`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    file = await sqliteOnFile('mf-sqlite-search-', { search: { rankWindow: 5 } });
    repo = file.repo;
    search = repo.search();
  });

  afterEach(async () => {
    await file.close();
  });

  it('has one full-text column per search field of the domain, in its order', () => {
    const db = new Database(file.filename, { readonly: true });
    try {
      const columns = (db.prepare("SELECT name FROM pragma_table_info('media_search')").all() as { name: string }[]).map((c) => c.name);
      // A new field needs a new migration: this fails until there is one.
      expect(columns).toEqual([...SEARCH_FIELDS]);
      // And the statements that write the table name the same columns.
      expect([...SEARCH_COLUMNS]).toEqual([...SEARCH_FIELDS]);
    } finally {
      db.close();
    }
  });

  it('hands out one search per repository, and refuses tuning that makes no sense', async () => {
    expect(repo.search()).toBe(repo.search());
    for (const options of [{ search: { rankWindow: 0 } }, { search: { sortLimit: 1.5 } }, { mmapSizeBytes: -1 }]) {
      expect(() => new SqliteMediaRepository({ filename: file.filename, ...options })).toThrow(ValidationError);
    }
  });

  it('finds exactly what the domain folds to, as the in-memory reference does', async () => {
    const memoryRepo = new InMemoryMediaRepository();
    const reference = new MemoryMediaSearch(memoryRepo, new MemoryAlbumRepository());
    const titles = ['ΟΔΥΣΣΕΥΣ', 'οδυσσευσ', 'Smørrebrød', 'Straße', 'STRASSE', 'İstanbul', 'ﬁre ﬂy', 'Ｔｏｋｙｏ', '東京タワー', '𞤀𞤣𞤤𞤢𞤥', 'x²', 'Ⅻ'];
    for (const title of titles) {
      const item = ready({ title });
      await repo.create(item);
      await memoryRepo.create(item);
    }
    const queries = ['οδυσσευς', 'οδυσσευσ', 'οδ', 'smorrebrod', 'smørrebrød', 'sm', 'strasse', 'straße', 'istanbul', 'fire', 'tokyo', '東京', '東京タ', '𞤀𞤣', 'x2', 'xii', 'ⅻ'];
    for (const q of queries) {
      for (const order of ['relevance', 'taken-desc'] as const) {
        const expected = await ids({ q, order }, reference);
        expect({ q, order, found: (await ids({ q, order })).sort() }).toEqual({ q, order, found: expected.sort() });
      }
    }
  });

  it('keeps one full-text row per listed item through creates, edits, status changes and deletes', async () => {
    const a = await repo.create(ready({ title: 'river' }));
    const b = await repo.create(ready({ title: 'stone' }));
    await repo.create(makeMediaItem({ ownerId: 'alice', status: 'deleted', title: 'gone' }));
    expect(indexed()).toBe(2);
    // The pipeline moves status and renditions: nothing search reads, the row stays as it is.
    const processing = await repo.update({ ...a, status: 'processing', version: 2 }, 1);
    const readyAgain = await repo.update({ ...processing, status: 'ready', version: 3 }, 2);
    expect(indexed()).toBe(2);
    await repo.update({ ...readyAgain, title: 'lake', version: 4 }, 3);
    expect(await ids({ q: 'river' })).toEqual([]);
    expect(await ids({ q: 'lake' })).toEqual([a.id]);
    const hidden = await repo.update({ ...b, status: 'deleted', version: 2 }, 1);
    expect(indexed()).toBe(1);
    // Back from deleted (the repository does not judge transitions): found again.
    await repo.update({ ...hidden, status: 'ready', version: 3 }, 2);
    expect(await ids({ q: 'stone' })).toEqual([b.id]);
    await repo.delete('alice', a.id);
    await repo.delete('alice', a.id);
    expect(indexed()).toBe(1);
    expect(await ids({ q: 'lake' })).toEqual([]);
  });

  it('moves an item in date order when its capture date arrives', async () => {
    const later = await repo.create(ready({ title: 'walk', facts: { capturedAt: '2024-06-01T00:00:00.000Z' } }));
    const item = await repo.create(ready({ title: 'walk' }));
    expect(await ids({ q: 'walk', order: 'taken-desc' })).toEqual([item.id, later.id]);
    await repo.update({ ...item, facts: { capturedAt: '2001-01-01T12:00:00+05:00' }, version: 2 }, 1);
    expect(await ids({ q: 'walk', order: 'taken-desc' })).toEqual([later.id, item.id]);
    expect(await ids({ to: '2001-01-01' })).toEqual([item.id]);
  });

  it('ranks the matches a window at a time, the most recently added window first', async () => {
    // Windows of five: the five older items name the word in the title, the five newer only describe it.
    const titled: string[] = [];
    for (let i = 0; i < 5; i += 1) titled.push((await repo.create(ready({ title: 'Lantern' }))).id);
    const described: string[] = [];
    for (let i = 0; i < 5; i += 1) described.push((await repo.create(ready({ description: `a lantern, number ${i}` }))).id);
    const newestFirst = (list: string[]): string[] => [...list].reverse();
    // Within a window, equal scores go newest taken first (here: newest upload, as none has a capture date).
    expect(await all({ q: 'lantern' }, 3)).toEqual([...newestFirst(described), ...newestFirst(titled)]);
    // One window holds all ten: the titles come first.
    const wide = await sqliteOnFile('mf-sqlite-search-', { search: { rankWindow: 10 } });
    try {
      for (const id of [...titled, ...described]) {
        const item = await repo.get('alice', id);
        if (item !== undefined) await wide.repo.create(item);
      }
      expect(await ids({ q: 'lantern' }, wide.repo.search())).toEqual([...newestFirst(titled), ...newestFirst(described)]);
    } finally {
      await wide.close();
    }
  });

  it('fills a relevance page across windows when filters leave few matches in each', async () => {
    const wanted: string[] = [];
    for (let i = 0; i < 23; i += 1) {
      const item = await repo.create(ready({ title: 'meadow', kind: i % 4 === 0 ? 'video' : 'image' }));
      if (item.kind === 'video') wanted.push(item.id);
    }
    const page = await search.search('alice', SearchQuerySchema.parse({ q: 'meadow', kind: 'video', limit: 10 }));
    expect(page.items.map((i) => i.id).sort()).toEqual([...wanted].sort());
    expect(page.nextCursor).toBeUndefined();
    expect((await all({ q: 'meadow' }, 4)).length).toBe(23);
  });

  it('refuses a cursor of its own binding that it did not make', async () => {
    await repo.create(ready({ title: 'kite' }));
    const input = { q: 'kite', limit: 1 };
    const bound = searchCursorBinding('alice', SearchQuerySchema.parse(input));
    for (const position of [{ after: 'x' }, { after: '1', extra: { w: '-3' } }, { after: '1e3' }]) {
      const cursor = encodeCursor(position, bound);
      await expect(search.search('alice', SearchQuerySchema.parse({ ...input, cursor }))).rejects.toBeInstanceOf(ValidationError);
    }
    const taken = { q: 'kite', order: 'taken-asc' as const, limit: 1 };
    const cursor = encodeCursor({ after: '01JQ0000000000000000000000' }, searchCursorBinding('alice', SearchQuerySchema.parse(taken)));
    await expect(search.search('alice', SearchQuerySchema.parse({ ...taken, cursor }))).rejects.toBeInstanceOf(ValidationError);
  });

  it('sees what another connection to the file wrote, and still finds everything after VACUUM', async () => {
    const other = new SqliteMediaRepository({ filename: file.filename });
    let kept: MediaItem;
    try {
      const gone = await other.create(ready({ title: 'Orchard' }));
      kept = await other.create(ready({ title: 'Orchard in spring' }));
      expect((await ids({ q: 'orchard' })).sort()).toEqual([gone.id, kept.id].sort());
      // Leaves a gap in the rowids, which VACUUM must not close up.
      await other.delete('alice', gone.id);
      expect(await ids({ q: 'orchard' })).toEqual([kept.id]);
    } finally {
      other.close();
    }
    const db = new Database(file.filename);
    try {
      db.exec('VACUUM');
    } finally {
      db.close();
    }
    expect(await ids({ q: 'orchard' })).toEqual([kept.id]);
    expect(await ids({ q: 'orc', order: 'taken-asc' })).toEqual([kept.id]);
    expect(await ids({ q: 'spring', kind: 'image' })).toEqual([kept.id]);
  });
});
