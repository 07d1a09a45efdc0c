import { gunzipSync } from 'node:zlib';
import { matchesEtag, negotiateCoding, ResponseCache } from './response-cache.js';

describe('negotiateCoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['BR ; q=0.5', 'br'],
    ['gzip;q=0, br;q=0', 'identity'],
    ['deflate', 'identity'],
  ])('%p -> %p', (header, coding) => {
    expect(negotiateCoding(header)).toBe(coding);
  });
});

describe('matchesEtag', () => {
  it('compares weakly, within a list, and accepts *', () => {
    expect(matchesEtag('W/"abc"', 'W/"abc"')).toBe(true);
    expect(matchesEtag('"abc"', 'W/"abc"')).toBe(true);
    expect(matchesEtag('"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(matchesEtag('*', 'W/"abc"')).toBe(true);
    expect(matchesEtag('W/"abd"', 'W/"abc"')).toBe(false);
    expect(matchesEtag(undefined, 'W/"abc"')).toBe(false);
  });
});

describe('ResponseCache', () => {
  const big = (n: number) => ({ items: Array.from({ length: n }, (_, i) => ({ id: i, title: `Photo number ${i}` })) });

  it('produces once per key and gives each key its own ETag', async () => {
    const cache = new ResponseCache();
    let calls = 0;
    const produce = async () => {
      calls += 1;
      return big(3);
    };
    const a = await cache.get('alice\u00001\u0000q', produce);
    const again = await cache.get('alice\u00001\u0000q', produce);
    const moved = await cache.get('alice\u00002\u0000q', produce);
    expect(calls).toBe(2);
    expect(again).toBe(a);
    expect(JSON.parse(a.body.toString())).toEqual(big(3));
    expect(moved.etag).not.toBe(a.etag);
  });

  it('compresses only from the second request on, and only bodies worth it', async () => {
    const cache = new ResponseCache();
    const entry = await cache.get('k', async () => big(200));
    expect(cache.encode('k', entry, 'gzip').coding).toBe('identity');
    await cache.get('k', async () => big(200));
    const gz = cache.encode('k', entry, 'gzip');
    expect(gz.coding).toBe('gzip');
    expect(gunzipSync(gz.body).equals(entry.body)).toBe(true);
    expect(gz.body.byteLength).toBeLessThan(entry.body.byteLength / 3);
    expect(cache.encode('k', entry, 'gzip').body).toBe(gz.body);

    const small = await cache.get('s', async () => ({ ok: true }));
    await cache.get('s', async () => ({ ok: true }));
    expect(cache.encode('s', small, 'br').coding).toBe('identity');
  });

  it('stays under its byte bound by dropping the least recently used pages', async () => {
    const cache = new ResponseCache(10_000);
    for (let i = 0; i < 20; i += 1) await cache.get(`page-${i}`, async () => big(20));
    expect(cache.size).toBeLessThanOrEqual(10_000);
    let produced = 0;
    await cache.get('page-19', async () => {
      produced += 1;
      return big(20);
    });
    await cache.get('page-0', async () => {
      produced += 1;
      return big(20);
    });
    expect(produced).toBe(1);
    // A body larger than the whole cache is served but not kept.
    await cache.get('huge', async () => big(2000));
    expect(cache.size).toBeLessThanOrEqual(10_000);
  });
});
