import type { MediaItem, Tag } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { str } from './media-row.js';
import {
  EMPTY_FOOTPRINT,
  FOOTPRINT_ATTRIBUTE,
  fieldBit,
  footprintOf,
  indexChange,
  MAX_INDEXED_WORDS,
  monthShard,
  MONTH_SHARDS,
  parsePostingSk,
  planIndexSteps,
  planRemoval,
  scoreOf,
  serializeFootprint,
  wantedFootprint,
} from './search-index.js';

const item = (overrides: Partial<MediaItem>): MediaItem => {
  const base = makeMediaItem({ status: 'ready', ...overrides });
  return { ...base, original: { ...base.original, filename: 'f.png' } };
};
const userTag = (name: string): Tag => ({ name, confidence: 1, source: 'user' });

describe('the search index plan', () => {
  it('wants each word once, with every field it is in, and the month of the date taken', () => {
    const wanted = wantedFootprint(item({ title: 'Red kite', tags: [userTag('kite')], facts: { capturedAt: '2021-03-04T05:06:07+01:00' } }));
    expect(wanted.month).toBe('2021-03');
    const kite = wanted.postings.get('kite#2021-03-04T04:06:07.000Z');
    expect(kite?.mask).toBe(fieldBit('title') | fieldBit('tag'));
    expect(scoreOf(kite?.mask ?? 0)).toBe(4 + 3);
    expect([...wanted.postings.values()].map((p) => p.word).sort()).toEqual(['f', 'kite', 'png', 'red']);
  });

  it('wants nothing for an upload in flight or a deleted item', () => {
    expect(wantedFootprint(item({ status: 'uploading', title: 'x' }))).toEqual(EMPTY_FOOTPRINT);
    expect(wantedFootprint(item({ status: 'deleted', title: 'x' }))).toEqual(EMPTY_FOOTPRINT);
  });

  it('keeps the heaviest fields\u2019 words when an item has more than it indexes', () => {
    const description = Array.from({ length: 50 }, (_, i) => `d${i}`).join(' ');
    const wanted = wantedFootprint(item({ title: 'title words', description, tags: [userTag('mine')] }));
    const words = [...wanted.postings.values()].map((p) => p.word);
    expect(words).toHaveLength(MAX_INDEXED_WORDS);
    // The title's words (as written and singular), then the file name's, then the own tag's.
    expect(words.slice(0, 6)).toEqual(['title', 'words', 'word', 'f', 'png', 'mine']);
    expect(words).toContain('d0');
    expect(words).not.toContain('d49');
  });

  it('indexes words read from the picture under the text bit, after every other field\u2019s words', () => {
    const readAt = '2026-01-01T00:00:00.000Z';
    const wanted = wantedFootprint(item({ title: 'Bakery', text: { content: 'Fresh bread daily', readAt } }));
    const bread = [...wanted.postings.values()].find((p) => p.word === 'bread');
    expect(bread?.mask).toBe(fieldBit('text'));
    expect(fieldBit('text')).toBe(1 << 7);
    expect(scoreOf(fieldBit('title') | fieldBit('text'))).toBe(4 + 1);
    const page = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    const crowded = [...wantedFootprint(item({ title: 'Menu board', text: { content: page, readAt } })).postings.values()].map((p) => p.word);
    expect(crowded).toHaveLength(MAX_INDEXED_WORDS);
    expect(crowded.slice(0, 4)).toEqual(['menu', 'board', 'f', 'png']);
    expect(crowded).toContain('w0');
    expect(crowded).not.toContain('w59');
  });

  it('round-trips a footprint through the row, and refuses a malformed one', () => {
    const wanted = wantedFootprint(item({ title: 'Harbour at dawn', kind: 'video' }));
    const row = { SK: str('MEDIA#x'), [FOOTPRINT_ATTRIBUTE]: str(serializeFootprint(wanted)) };
    expect(footprintOf(row)).toEqual(wanted);
    expect(footprintOf({ SK: str('MEDIA#x') })).toBeUndefined();
    expect(() => footprintOf({ SK: str('MEDIA#x'), [FOOTPRINT_ATTRIBUTE]: str('{"p":[[1]]}') })).toThrow('malformed search footprint');
  });

  it('changes only what differs: a new word, a changed mask, and both months when the date moves', () => {
    const before = item({ title: 'red door', facts: { capturedAt: '2020-01-01T00:00:00.000Z' } });
    const from = wantedFootprint(before);
    const retitled = indexChange(from, wantedFootprint({ ...before, title: 'red gate', tags: [userTag('red')] }));
    expect(retitled.counters).toEqual([]);
    expect(retitled.deletes.map((p) => p.word)).toEqual(['door']);
    expect(retitled.puts.map((p) => p.word).sort()).toEqual(['gate', 'red']);
    const moved = indexChange(from, wantedFootprint({ ...before, facts: { capturedAt: '2019-05-01T00:00:00.000Z' } }));
    expect(moved.counters).toEqual([
      { month: '2020-01', delta: -1 },
      { month: '2019-05', delta: 1 },
    ]);
    expect(moved.deletes).toHaveLength(from.postings.size);
    expect(moved.puts).toHaveLength(from.postings.size);
  });

  it('splits what does not fit the item\u2019s transaction into steps of up to 99 postings after it', () => {
    const big = item({ title: 'big', tags: Array.from({ length: 60 }, (_, i) => userTag(`t${i}`)) });
    const wanted = wantedFootprint(big);
    const plan = planIndexSteps('media', big, EMPTY_FOOTPRINT, wanted, 11);
    expect(plan.main.actions).toHaveLength(11);
    expect(plan.main.actions[0]?.Update?.UpdateExpression).toBe('ADD #count :delta');
    expect(plan.main.pending).toBe(true);
    expect(plan.after.map((s) => [s.actions.length, s.pending])).toEqual([[MAX_INDEXED_WORDS - 10, false]]);
    expect(plan.after[0]?.footprint).toEqual(wanted);
    expect(() => planIndexSteps('media', big, EMPTY_FOOTPRINT, wanted, 0)).toThrow('counter');
  });

  it('removes postings ahead of a delete until the rest fits it', () => {
    const big = item({ title: 'big', tags: Array.from({ length: 60 }, (_, i) => userTag(`t${i}`)) });
    const removal = planRemoval('media', big, wantedFootprint(big), 5);
    expect(removal.before.map((s) => s.actions.length)).toEqual([MAX_INDEXED_WORDS - 4]);
    expect(removal.last).toHaveLength(5);
    expect(removal.last[0]?.Update?.ExpressionAttributeValues?.[':delta']).toEqual({ N: '-1' });
  });

  it('counts an item in the same shard every time, and spreads items over the shards', () => {
    const ids = Array.from({ length: 200 }, () => makeMediaItem().id);
    expect(ids.map(monthShard)).toEqual(ids.map(monthShard));
    expect(new Set(ids.map(monthShard)).size).toBe(MONTH_SHARDS);
  });

  it('takes a posting\u2019s sort key apart', () => {
    expect(parsePostingSk('kite#2021-03-04T04:06:07.000Z#01HX0000000000000000000000')).toEqual({
      word: 'kite',
      takenAt: '2021-03-04T04:06:07.000Z',
      mediaId: '01HX0000000000000000000000',
    });
    expect(parsePostingSk('nonsense')).toBeUndefined();
  });
});
