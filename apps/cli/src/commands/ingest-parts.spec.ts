import { MAX_PART_URLS_PER_REQUEST, partSpans, PartUrls, planResume, type PartUrlBatch } from './ingest-parts.js';

describe('the parts of a file', () => {
  it('cuts a file into parts of the part size, the last one shorter', () => {
    expect(partSpans(10, 4)).toEqual([
      { number: 1, offset: 0, length: 4 },
      { number: 2, offset: 4, length: 4 },
      { number: 3, offset: 8, length: 2 },
    ]);
    expect(partSpans(8, 4)).toHaveLength(2);
  });

  it('sends again only what the store lacks or holds with another size, and completes with the held etags', () => {
    const plan = planResume(partSpans(10, 4), [
      { number: 1, etag: 'e1', size: 4 },
      { number: 3, etag: 'e3', size: 1 }, // not the file's part 3: sent again
      { number: 9, etag: 'e9', size: 4 }, // no such part in this file
    ]);
    expect(plan.done).toEqual([{ number: 1, etag: 'e1' }]);
    expect(plan.missing.map((s) => s.number)).toEqual([2, 3]);
  });
});

describe('part URLs on demand', () => {
  const T0 = Date.parse('2026-12-07T12:00:00.000Z');
  const at = (ms: number) => new Date(T0 + ms).toISOString();

  function source(ttlMs: number, clock: { now: number }) {
    const asked: number[][] = [];
    const fetchUrls = async (numbers: number[]): Promise<PartUrlBatch> => {
      asked.push(numbers);
      return { parts: numbers.map((n) => ({ number: n, url: `/p/${n}?t=${clock.now}` })), expiresAt: new Date(clock.now + ttlMs).toISOString() };
    };
    return { asked, fetchUrls };
  }

  it('uses the URLs the start gave, then asks for the next parts in batches of at most 100', async () => {
    const clock = { now: T0 };
    const { asked, fetchUrls } = source(900_000, clock);
    const pending = Array.from({ length: 250 }, (_, i) => i + 1);
    const urls = new PartUrls(fetchUrls, pending, {
      initial: { parts: [1, 2, 3, 4].map((n) => ({ number: n, url: `/first/${n}` })), expiresAt: at(900_000) },
      now: () => clock.now,
    });
    for (const n of [1, 2, 3, 4]) expect(await urls.url(n)).toBe(`/first/${n}`);
    expect(asked).toEqual([]);
    for (const n of pending.slice(4)) await urls.url(n);
    expect(asked.map((a) => [a[0], a.length])).toEqual([
      [5, MAX_PART_URLS_PER_REQUEST],
      [105, 100],
      [205, 46],
    ]);
  });

  it('asks again for parts whose URLs lapse within the margin, and after the store refused one', async () => {
    const clock = { now: T0 };
    const { asked, fetchUrls } = source(900_000, clock);
    const urls = new PartUrls(fetchUrls, [2, 5, 7], { now: () => clock.now, marginMs: 60_000 });
    expect(await urls.url(2)).toBe(`/p/2?t=${T0}`);
    expect(asked).toEqual([[2, 5, 7]]);
    clock.now = T0 + 841_000; // 59 s left: too close to send a part to
    expect(await urls.url(5)).toBe(`/p/5?t=${clock.now}`);
    expect(asked[1]).toEqual([5, 7]);
    urls.forget(7);
    expect(await urls.url(7)).toBe(`/p/7?t=${clock.now}`);
    expect(asked[2]).toEqual([7]);
  });

  it('fails clearly when the server leaves a part out', async () => {
    const urls = new PartUrls(async () => ({ parts: [], expiresAt: at(900_000) }), [1], { now: () => T0 });
    await expect(urls.url(1)).rejects.toThrow('the server gave no URL for part 1');
  });
});
