import { parseRoute, routeUrl, type Route } from './route';

const at = (url: string) => {
  const parsed = new URL(url, 'http://localhost');
  return parseRoute({ pathname: parsed.pathname, search: parsed.search });
};

describe('routes', () => {
  it.each<[string, Route]>([
    ['/', { page: 'library', item: null }],
    ['/?item=01J1', { page: 'library', item: '01J1' }],
    ['/cost', { page: 'cost', item: null }],
    ['/albums', { page: 'albums', item: null }],
    ['/albums/01JA', { page: 'album', albumId: '01JA', item: null }],
    ['/albums/01JA?item=01J2', { page: 'album', albumId: '01JA', item: '01J2' }],
    ['/review', { page: 'review', item: null }],
    ['/trash', { page: 'trash', item: null }],
    ['/?favourite=true', { page: 'library', item: null, view: { q: '', tags: [], favourite: true } }],
    ['/s/tok_-9', { page: 'shared', token: 'tok_-9', item: null }],
    ['/s/tok_-9?item=01J3', { page: 'shared', token: 'tok_-9', item: '01J3' }],
    ['/?q=sunset%20beach', { page: 'library', item: null, view: { q: 'sunset beach', tags: [] } }],
    [
      '/?q=dog&kind=image&tags=e2e%20holiday,beach&album=01JALBUM000000000000000001&from=2021-07-01&to=2021-08&camera=canon&order=taken-asc&item=01J4',
      { page: 'library', item: '01J4', view: { q: 'dog', kind: 'image', tags: ['e2e holiday', 'beach'], album: '01JALBUM000000000000000001', from: '2021-07-01', to: '2021-08', camera: 'canon', order: 'taken-asc' } },
    ],
    ['/?status=failed&at=2019-03', { page: 'library', item: null, view: { q: '', tags: [], status: 'failed', at: '2019-03' } }],
  ])('%s', (url, route) => {
    expect(at(url)).toEqual(route);
    expect(routeUrl(route)).toBe(url);
  });

  it('keeps the library’s view only on the library', () => {
    expect(at('/albums?q=dog')).toEqual({ page: 'albums', item: null });
    expect(at('/trash?favourite=true&item=01J1')).toEqual({ page: 'trash', item: null });
    expect(routeUrl({ page: 'library', item: null, view: { q: '', tags: [] } })).toBe('/');
    // Malformed filters are dropped, the rest kept.
    expect(at('/?kind=gif&tags=Dog')).toEqual({ page: 'library', item: null, view: { q: '', tags: ['dog'] } });
  });

  it('takes unknown paths for the library', () => {
    expect(at('/nowhere/at/all')).toEqual({ page: 'library', item: null });
    expect(at('/s/')).toEqual({ page: 'library', item: null });
  });

  it('never throws on a URL it cannot read, and writes back a URL it can', () => {
    const urls: [string, string][] = [
      ['/', `?q=${'a'.repeat(199)}%F0%9F%98%80`],
      ['/', '?q=%E0%A4%A&tags=%ZZ,dog&camera=%&item=%ED%A0%80'],
      ['/', '?q=half \uD83D emoji&camera=\uDE00'],
      ['/albums/%E0%A4%A', '?item=%FF'],
      ['/s/%ED%A0%80', ''],
      ['/%', '?at=%'],
    ];
    for (const [pathname, search] of urls) {
      const route = parseRoute({ pathname, search });
      expect(() => routeUrl(route)).not.toThrow();
      expect(parseRoute(new URL(routeUrl(route), 'http://localhost'))).toEqual(route);
    }
    // An emoji at the limit is kept whole, not cut to half a character.
    expect(at(`/?q=${'a'.repeat(199)}%F0%9F%98%80%F0%9F%98%80`)).toEqual({ page: 'library', item: null, view: { q: `${'a'.repeat(199)}😀`, tags: [] } });
    // A half emoji given as it is reads as the replacement character.
    expect(parseRoute({ pathname: '/', search: '?q=dog\uD83D' })).toEqual({ page: 'library', item: null, view: { q: 'dog\uFFFD', tags: [] } });
    expect(routeUrl({ page: 'album', albumId: 'a\uD800', item: 'b\uDC00' })).toBe('/albums/a%EF%BF%BD?item=b%EF%BF%BD');
  });
});
