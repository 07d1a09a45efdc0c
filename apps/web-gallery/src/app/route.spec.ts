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
    ['/s/tok_-9', { page: 'shared', token: 'tok_-9', item: null }],
    ['/s/tok_-9?item=01J3', { page: 'shared', token: 'tok_-9', item: '01J3' }],
  ])('%s', (url, route) => {
    expect(at(url)).toEqual(route);
    expect(routeUrl(route)).toBe(url);
  });

  it('takes unknown paths for the library', () => {
    expect(at('/nowhere/at/all')).toEqual({ page: 'library', item: null });
    expect(at('/s/')).toEqual({ page: 'library', item: null });
  });
});
