import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { AlbumRepository } from '../../albums.js';
import { ValidationError } from '../../errors.js';
import type { MediaItem, MediaStatus, Tag } from '../../media.js';
import type { MediaRepository } from '../../ports.js';
import { SearchQuerySchema, type MediaSearch, type SearchQueryInput } from '../../search.js';
import { moveToTrash, restoreFromTrash } from '../../trash.js';
import { makeMediaItem } from '../fixtures.js';
import { makeAlbum } from './album-repository.contract.js';

/** A media repository, the album repository over the same store, and the search over both. */
export interface MediaSearchHarness {
  repo: MediaRepository;
  albums: AlbumRepository;
  search: MediaSearch;
  close?: () => Promise<void>;
}

const userTag = (name: string): Tag => ({ name, confidence: 1, source: 'user' });
const aiTag = (name: string, parent?: string): Tag => ({ name, confidence: 0.9, source: 'ai', ...(parent === undefined ? {} : { parent }) });

/** A listed item (ready unless told otherwise) with a file name and whatever else the test sets. */
function item(overrides: Partial<MediaItem> & { filename?: string } = {}): MediaItem {
  const { filename, ...rest } = overrides;
  const base = makeMediaItem({ status: 'ready' as MediaStatus, ...rest });
  return filename === undefined ? base : { ...base, original: { ...base.original, filename } };
}

/**
 * The behaviour every MediaSearch adapter must have (memory, SQLite FTS5, DynamoDB index items):
 * each field found, words folded for case, accents, plurals and synonyms, the last word matched as a
 * prefix, every filter narrowing, owner isolation, edits and deletes reflected at once, the three
 * orders paged without a gap or a repeat, and the timeline's month counts.
 */
export function mediaSearchContract(name: string, create: () => Promise<MediaSearchHarness>): void {
  describe(`MediaSearch contract: ${name}`, () => {
    let harness: MediaSearchHarness;
    let repo: MediaRepository;
    let search: MediaSearch;

    beforeEach(async () => {
      harness = await create();
      repo = harness.repo;
      search = harness.search;
    });

    afterEach(async () => {
      await harness.close?.();
    });

    async function ids(input: SearchQueryInput, ownerId = 'alice'): Promise<string[]> {
      const page = await search.search(ownerId, SearchQuerySchema.parse(input));
      return page.items.map((i) => i.id);
    }

    /** Every result of a search, page by page, checking each page's size. */
    async function all(input: SearchQueryInput, limit: number, ownerId = 'alice'): Promise<string[]> {
      const out: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 200; page += 1) {
        const result = await search.search(ownerId, SearchQuerySchema.parse({ ...input, limit, ...(cursor === undefined ? {} : { cursor }) }));
        expect(result.items.length).toBeLessThanOrEqual(limit);
        out.push(...result.items.map((i) => i.id));
        if (result.nextCursor === undefined) return out;
        cursor = result.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    it('finds a word in each field', async () => {
      const byTitle = await repo.create(item({ title: 'Harbour at dawn' }));
      const byDescription = await repo.create(item({ description: 'Grandmother knitting a scarf' }));
      const byFilename = await repo.create(item({ filename: 'IMG_2041-lighthouse.jpg' }));
      const byTag = await repo.create(item({ tags: [userTag('wedding')] }));
      const byLabel = await repo.create(item({ tags: [aiTag('giraffe', 'animal')] }));
      const byAudio = await repo.create(
        item({ kind: 'audio', facts: { audio: { title: 'Song', artist: 'Nina Simone', album: 'Pastel Blues', genre: 'Jazz' } } }),
      );
      const byCamera = await repo.create(item({ facts: { camera: { make: 'FUJIFILM', model: 'X-T30' } } }));
      const byText = await repo.create(item({ text: { content: 'Fresh bread daily', readAt: '2026-01-01T00:00:00.000Z' } }));
      expect(await ids({ q: 'harbour' })).toEqual([byTitle.id]);
      expect(await ids({ q: 'knitting' })).toEqual([byDescription.id]);
      expect(await ids({ q: 'lighthouse' })).toEqual([byFilename.id]);
      expect(await ids({ q: '2041' })).toEqual([byFilename.id]);
      expect(await ids({ q: 'wedding' })).toEqual([byTag.id]);
      expect(await ids({ q: 'giraffe' })).toEqual([byLabel.id]);
      expect(await ids({ q: 'animal' })).toEqual([byLabel.id]);
      expect(await ids({ q: 'simone' })).toEqual([byAudio.id]);
      expect(await ids({ q: 'pastel blues' })).toEqual([byAudio.id]);
      expect(await ids({ q: 'jazz' })).toEqual([byAudio.id]);
      expect(await ids({ q: 'fujifilm' })).toEqual([byCamera.id]);
      expect(await ids({ q: 'bread' })).toEqual([byText.id]);
      expect(await ids({ q: 'nothing-like-this' })).toEqual([]);
    });

    it('folds case, accents, plurals and synonyms, on both sides', async () => {
      const cafe = await repo.create(item({ title: 'Café in Zürich' }));
      const dogs = await repo.create(item({ title: 'Two DOGS playing' }));
      const puppy = await repo.create(item({ tags: [aiTag('dog', 'animal')] }));
      const phone = await repo.create(item({ tags: [userTag('mobile phone')] }));
      const kitten = await repo.create(item({ description: 'A kitten asleep' }));
      expect(await ids({ q: 'CAFE zurich' })).toEqual([cafe.id]);
      expect(await ids({ q: 'café' })).toEqual([cafe.id]);
      expect((await ids({ q: 'dog' })).sort()).toEqual([dogs.id, puppy.id].sort());
      expect((await ids({ q: 'puppies ' })).sort()).toEqual([dogs.id, puppy.id].sort());
      expect(await ids({ q: 'smartphone' })).toEqual([phone.id]);
      expect(await ids({ q: 'cell phones' })).toEqual([phone.id]);
      expect(await ids({ q: 'cats' })).toEqual([kitten.id]);
    });

    it('treats words that name what every object inherits as plain words, and long words whole characters at a time', async () => {
      const builtins = await repo.create(item({ title: 'The constructor of toString', description: 'Constructors __proto__ hasOwnProperty' }));
      const long = `${'𠀀'.repeat(45)}`;
      const astral = await repo.create(item({ title: long }));
      for (const q of ['constructor', 'constructors ', 'tostring', '__proto__', 'hasownproperty', 'proto']) {
        expect([q, await ids({ q })]).toEqual([q, [builtins.id]]);
      }
      expect(await ids({ q: long })).toEqual([astral.id]);
      expect(await ids({ q: '𠀀𠀀' })).toEqual([astral.id]);
    });

    it('matches the last word as a prefix while it is being typed, and only then', async () => {
      const harbour = await repo.create(item({ filename: 'harbour-sunset.jpg' }));
      const hare = await repo.create(item({ title: 'A hare' }));
      expect((await ids({ q: 'ha' })).sort()).toEqual([harbour.id, hare.id].sort());
      expect(await ids({ q: 'harb' })).toEqual([harbour.id]);
      expect(await ids({ q: 'harb ' })).toEqual([]);
      expect(await ids({ q: 'sunset harb' })).toEqual([harbour.id]);
      expect(await ids({ q: 'harb sunset' })).toEqual([]);
      expect(await ids({ q: 'h' })).toEqual([]);
    });

    it('needs every word of the text, in any field', async () => {
      const both = await repo.create(item({ title: 'Red', tags: [aiTag('car', 'vehicle')] }));
      await repo.create(item({ title: 'Red door' }));
      await repo.create(item({ tags: [aiTag('car')] }));
      expect(await ids({ q: 'red car' })).toEqual([both.id]);
      expect(await ids({ q: 'car red' })).toEqual([both.id]);
    });

    it('narrows by every filter, with or without text', async () => {
      const album = await harness.albums.createAlbum(makeAlbum());
      const a = await repo.create(
        item({
          title: 'beach one',
          kind: 'image',
          tags: [userTag('holiday'), userTag('family')],
          facts: { capturedAt: '2021-07-14T10:00:00.000Z', camera: { make: 'Canon', model: 'EOS R6' } },
        }),
      );
      const b = await repo.create(item({ title: 'beach two', kind: 'video', tags: [userTag('holiday')], facts: { capturedAt: '2021-08-01T10:00:00.000Z' } }));
      const c = await repo.create(item({ title: 'beach three', status: 'failed', tags: [userTag('family')], facts: { capturedAt: '2019-01-01T00:00:00+02:00' } }));
      await harness.albums.addItems('alice', album.id, [{ mediaId: a.id, takenAt: '2021-07-14T10:00:00.000Z' }, { mediaId: c.id, takenAt: '2018-12-31T22:00:00.000Z' }], new Date());
      expect(await ids({ q: 'beach', kind: 'video' })).toEqual([b.id]);
      expect(await ids({ kind: 'image' })).toEqual([a.id, c.id]);
      expect(await ids({ q: 'beach', status: 'failed' })).toEqual([c.id]);
      expect(await ids({ tags: 'holiday,family' })).toEqual([a.id]);
      expect(await ids({ q: 'beach', tags: 'holiday' })).toEqual([b.id, a.id]);
      expect(await ids({ from: '2021-07-14', to: '2021-07-14' })).toEqual([a.id]);
      expect(await ids({ from: '2021-07-15' })).toEqual([b.id]);
      expect(await ids({ to: '2018-12-31' })).toEqual([c.id]);
      expect(await ids({ to: '2018-12-31T21:59:59Z' })).toEqual([]);
      expect(await ids({ q: 'beach', camera: 'eos r6' })).toEqual([a.id]);
      expect(await ids({ camera: 'nikon' })).toEqual([]);
      expect(await ids({ album: album.id })).toEqual([a.id, c.id]);
      expect(await ids({ q: 'beach', album: album.id, tags: 'family', from: '2020-01-01' })).toEqual([a.id]);
    });

    it('places a capture date past year 9999 (UTC) at its upload date, and refuses such bounds', async () => {
      const far = await repo.create(item({ title: 'far', facts: { capturedAt: '9999-12-31T23:30:00-14:00' } }));
      const near = await repo.create(item({ title: 'near', facts: { capturedAt: '2020-01-01T00:00:00.000Z' } }));
      expect(await ids({ order: 'taken-asc' })).toEqual([near.id, far.id]);
      expect(await ids({ to: '2021-01-01' })).toEqual([near.id]);
      expect(SearchQuerySchema.safeParse({ to: '9999-12-31T23:59:59-14:00' }).success).toBe(false);
      expect(SearchQuerySchema.safeParse({ from: '9999-12-31' }).success).toBe(true);
    });

    it("never finds another owner's items, whatever the filters", async () => {
      const mine = await repo.create(item({ title: 'sunflower' }));
      const theirs = await repo.create(item({ ownerId: 'bob', title: 'sunflower' }));
      const album = await harness.albums.createAlbum(makeAlbum({ ownerId: 'bob' }));
      await harness.albums.addItems('bob', album.id, [{ mediaId: theirs.id, takenAt: theirs.createdAt }], new Date());
      expect(await ids({ q: 'sunflower' })).toEqual([mine.id]);
      expect(await ids({ q: 'sunflower' }, 'bob')).toEqual([theirs.id]);
      expect(await ids({ album: album.id })).toEqual([]);
      expect(await ids({}, 'carol')).toEqual([]);
      expect(await search.timeline('carol')).toEqual([]);
    });

    it('finds nothing in the trash, and finds it again once restored; keeps to favourites when asked', async () => {
      const now = new Date('2026-03-01T10:00:00.000Z');
      const stored = await repo.create(item({ title: 'lighthouse at night', tags: [userTag('coast')], favourite: true }));
      const other = await repo.create(item({ title: 'lighthouse by day' }));
      expect(await ids({ q: 'lighthouse', favourite: 'true' })).toEqual([stored.id]);
      expect(await ids({ favourite: 'true' })).toEqual([stored.id]);
      const trashed = await repo.update(moveToTrash(stored, now), stored.version);
      expect(await ids({ q: 'lighthouse' })).toEqual([other.id]);
      expect(await ids({ tags: 'coast' })).toEqual([]);
      expect(await ids({})).toEqual([other.id]);
      expect((await search.timeline('alice')).reduce((sum, m) => sum + m.count, 0)).toBe(1);
      await repo.update(restoreFromTrash(trashed, now), trashed.version);
      expect((await ids({ q: 'lighthouse' })).sort()).toEqual([stored.id, other.id].sort());
      expect(await ids({ tags: 'coast' })).toEqual([stored.id]);
      expect((await search.timeline('alice')).reduce((sum, m) => sum + m.count, 0)).toBe(2);
    });

    it('finds text saved while the item was in the trash once it is restored, and not before', async () => {
      const now = new Date('2026-03-01T10:00:00.000Z');
      const stored = await repo.create(item({ title: 'shop front' }));
      const trashed = await repo.update(moveToTrash(stored, now), stored.version);
      // The text step reads an item in the trash too: nothing else reads it after a restore.
      const read = await repo.update({ ...trashed, text: { content: 'Fresh bread daily', readAt: now.toISOString() }, version: trashed.version + 1 }, trashed.version);
      expect(await ids({ q: 'bread' })).toEqual([]);
      await repo.update(restoreFromTrash(read, now), read.version);
      expect(await ids({ q: 'bread' })).toEqual([stored.id]);
    });

    it('reflects an edit, a status change and a delete in the next search', async () => {
      const stored = await repo.create(item({ title: 'old name', tags: [userTag('draft')] }));
      expect(await ids({ q: 'old' })).toEqual([stored.id]);
      const renamed = await repo.update({ ...stored, title: 'new name', tags: [userTag('final')], version: 2 }, 1);
      expect(await ids({ q: 'old' })).toEqual([]);
      expect(await ids({ q: 'new' })).toEqual([stored.id]);
      expect(await ids({ tags: 'draft' })).toEqual([]);
      expect(await ids({ q: 'final', status: 'ready' })).toEqual([stored.id]);
      await repo.update({ ...renamed, status: 'deleted', version: 3 }, 2);
      expect(await ids({ q: 'new' })).toEqual([]);
      expect(await ids({})).toEqual([]);
      await repo.delete('alice', stored.id);
      expect(await ids({ q: 'new' })).toEqual([]);
      const other = await repo.create(item({ title: 'new again' }));
      await repo.delete('alice', other.id);
      expect(await ids({ q: 'new' })).toEqual([]);
      expect(await search.timeline('alice')).toEqual([]);
    });

    it('orders by date taken either way (upload date when unknown) and pages without gaps or repeats', async () => {
      const made: MediaItem[] = [];
      for (let i = 0; i < 13; i += 1) {
        // Every third item has no capture date, so its upload date (2026) places it.
        const facts = i % 3 === 0 ? {} : { capturedAt: new Date(Date.UTC(2010 + (i % 5), i % 12, 1 + i)).toISOString() };
        made.push(await repo.create(item({ title: `walk ${i}`, facts })));
      }
      // Two items taken at the same instant are ordered by id.
      made.push(await repo.create(item({ title: 'walk twin', facts: { capturedAt: '2012-05-05T05:05:05.000Z' } })));
      made.push(await repo.create(item({ title: 'walk twin', facts: { capturedAt: '2012-05-05T05:05:05.000Z' } })));
      const taken = (m: MediaItem): string => new Date(m.facts.capturedAt ?? m.createdAt).toISOString();
      const desc = [...made].sort((x, y) => (taken(x) === taken(y) ? (x.id < y.id ? 1 : -1) : taken(x) < taken(y) ? 1 : -1)).map((m) => m.id);
      expect(await all({}, 4)).toEqual(desc);
      expect(await all({ order: 'taken-asc' }, 4)).toEqual([...desc].reverse());
      expect(await all({ q: 'walk', order: 'taken-desc' }, 3)).toEqual(desc);
      const relevance = await all({ q: 'walk' }, 4);
      expect([...relevance].sort()).toEqual([...desc].sort());
    });

    it('ranks a match in the title above one in the description', async () => {
      const inDescription = await repo.create(item({ description: 'a lantern by the door' }));
      const inTitle = await repo.create(item({ title: 'Lantern' }));
      expect(await ids({ q: 'lantern' })).toEqual([inTitle.id, inDescription.id]);
    });

    it('refuses a cursor of another search or another owner', async () => {
      for (let i = 0; i < 3; i += 1) await repo.create(item({ title: 'kite' }));
      const first = await search.search('alice', SearchQuerySchema.parse({ q: 'kite', limit: 1 }));
      expect(first.nextCursor).toBeDefined();
      const cursor = first.nextCursor as string;
      await expect(search.search('alice', SearchQuerySchema.parse({ q: 'kites', limit: 1, cursor }))).rejects.toBeInstanceOf(ValidationError);
      await expect(search.search('alice', SearchQuerySchema.parse({ q: 'kite', order: 'taken-asc', limit: 1, cursor }))).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(search.search('bob', SearchQuerySchema.parse({ q: 'kite', limit: 1, cursor }))).rejects.toBeInstanceOf(ValidationError);
    });

    it('counts listed items by month taken, newest month first, following edits', async () => {
      const a = await repo.create(item({ facts: { capturedAt: '2020-02-29T23:30:00-02:00' } }));
      await repo.create(item({ facts: { capturedAt: '2020-03-02T08:00:00.000Z' } }));
      await repo.create(item({ facts: { capturedAt: '2019-12-31T23:59:59.000Z' } }));
      const noDate = await repo.create(item({}));
      const month = noDate.createdAt.slice(0, 7);
      expect(await search.timeline('alice')).toEqual([
        { month, count: 1 },
        { month: '2020-03', count: 2 },
        { month: '2019-12', count: 1 },
      ]);
      await repo.update({ ...a, facts: { capturedAt: '2019-12-01T00:00:00.000Z' }, version: 2 }, 1);
      await repo.delete('alice', noDate.id);
      expect(await search.timeline('alice')).toEqual([
        { month: '2020-03', count: 1 },
        { month: '2019-12', count: 2 },
      ]);
    });
  });
}
