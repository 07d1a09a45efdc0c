import { matchesPathPattern, selectBehavior } from './path-pattern.js';

describe('matchesPathPattern', () => {
  it('lets * span any characters, slashes included', () => {
    expect(matchesPathPattern('/media/*', '/media/renditions/u/m/a.jpg')).toBe(true);
    expect(matchesPathPattern('/media/*', '/media')).toBe(false);
    expect(matchesPathPattern('*.jpg', '/a/b/c.jpg')).toBe(true);
  });

  it('lets ? stand for exactly one character', () => {
    expect(matchesPathPattern('/v?/x', '/v1/x')).toBe(true);
    expect(matchesPathPattern('/v?/x', '/v10/x')).toBe(false);
  });

  it('matches case-sensitively', () => {
    expect(matchesPathPattern('/API/*', '/api/items')).toBe(false);
  });

  it('reads a pattern without a leading slash as rooted', () => {
    expect(matchesPathPattern('images/*', '/images/a.png')).toBe(true);
  });
});

describe('selectBehavior', () => {
  const behaviors = [{ pathPattern: '/media/*' }, { pathPattern: '/api/*' }, { pathPattern: '*' }];

  it('takes the first matching behaviour in order and falls back to the default', () => {
    expect(selectBehavior(behaviors, '/api/items')).toBe(behaviors[1]);
    expect(selectBehavior(behaviors, '/media/x')).toBe(behaviors[0]);
    expect(selectBehavior(behaviors, '/albums/1')).toBe(behaviors[2]);
  });
});
