import { clip, effectiveOrder, MAX_Q, MAX_TAGS, monthEnd, searchParamsOf, viewFromQuery, viewQuery, withTag, withWords, type LibraryView } from './view';

const view = (v: Partial<LibraryView> = {}): LibraryView => ({ q: '', tags: [], ...v });

describe('searchParamsOf', () => {
  it('lists newest taken first without words, and by relevance with them', () => {
    expect(searchParamsOf(view())).toEqual({ order: 'taken-desc' });
    expect(searchParamsOf(view({ q: 'puppies on the bea' }))).toEqual({ order: 'relevance', q: 'puppies on the bea' });
    // Punctuation alone is no words: relevance would be refused.
    expect(searchParamsOf(view({ q: ' … ', order: 'relevance' }))).toEqual({ order: 'taken-desc' });
    expect(effectiveOrder(view({ q: 'dog', order: 'taken-asc' }))).toBe('taken-asc');
  });

  it('maps every filter, a whole month standing for its first or last day', () => {
    expect(
      searchParamsOf(view({ kind: 'image', status: 'ready', tags: ['dog', 'e2e holiday'], album: '01JALBUM000000000000000001', from: '2021-02', to: '2021-02', camera: 'canon' })),
    ).toEqual({ order: 'taken-desc', kind: 'image', status: 'ready', tags: ['dog', 'e2e holiday'], album: '01JALBUM000000000000000001', from: '2021-02-01', to: '2021-02-28', camera: 'canon' });
  });

  it('asks for favourites only when the view says so', () => {
    expect(searchParamsOf(view({ favourite: true, tags: ['dog'] }))).toEqual({ order: 'taken-desc', tags: ['dog'], favourite: 'true' });
    expect(searchParamsOf(view({ favourite: undefined }))).toEqual({ order: 'taken-desc' });
  });

  it('jumps to a month by its last instant (newest first), or its first (oldest first)', () => {
    expect(monthEnd('2021-07')).toBe('2021-07-31T23:59:59.999Z');
    expect(monthEnd('2020-02')).toBe('2020-02-29T23:59:59.999Z');
    expect(monthEnd('2021-12')).toBe('2021-12-31T23:59:59.999Z');
    expect(searchParamsOf(view({ at: '2021-07' }))).toEqual({ order: 'taken-desc', to: '2021-07-31T23:59:59.999Z' });
    expect(searchParamsOf(view({ at: '2021-07', order: 'taken-asc' }))).toEqual({ order: 'taken-asc', from: '2021-07-01T00:00:00.000Z' });
    // Never wider than the person's own range; ignored by relevance.
    expect(searchParamsOf(view({ at: '2021-07', to: '2021-03-10' }))).toEqual({ order: 'taken-desc', to: '2021-03-10' });
    expect(searchParamsOf(view({ at: '2021-07', from: '2021-07-20', to: '2022-01-01' }))).toEqual({ order: 'taken-desc', from: '2021-07-20', to: '2021-07-31T23:59:59.999Z' });
    expect(searchParamsOf(view({ at: '2021-07', q: 'dog' }))).toEqual({ order: 'relevance', q: 'dog' });
  });
});

describe('the view in the URL', () => {
  it('round-trips in a fixed order, commas kept readable', () => {
    const full = view({ q: 'sunset beach', kind: 'image', status: 'ready', tags: ['e2e holiday', 'dog'], album: '01JALBUM000000000000000001', from: '2021-07-01', to: '2021-08', camera: 'Canon EOS', order: 'taken-asc', at: '2021-07' });
    const query = viewQuery(full);
    expect(query).toBe('q=sunset%20beach&kind=image&status=ready&tags=e2e%20holiday,dog&album=01JALBUM000000000000000001&from=2021-07-01&to=2021-08&camera=Canon%20EOS&order=taken-asc&at=2021-07');
    expect(viewFromQuery(new URLSearchParams(query))).toEqual(full);
    expect(viewQuery(view())).toBe('');
  });

  it('keeps the favourites filter in the URL as favourite=true, and reads nothing else as it', () => {
    const query = viewQuery(view({ favourite: true, kind: 'video' }));
    expect(query).toBe('kind=video&favourite=true');
    expect(viewFromQuery(new URLSearchParams(query))).toEqual(view({ favourite: true, kind: 'video' }));
    expect(viewFromQuery(new URLSearchParams('favourite=1')).favourite).toBeUndefined();
    expect(viewFromQuery(new URLSearchParams('favourite=false')).favourite).toBeUndefined();
  });

  it('leaves out what is malformed rather than sending it', () => {
    const parsed = viewFromQuery(new URLSearchParams('kind=gif&status=deleted&tags=,Dog,,dog&album=../x&from=2021-02-30&to=2021-13&order=random&at=July&camera=%20'));
    expect(parsed).toEqual({ q: '', tags: ['dog'] });
    // A range that ends before it starts keeps its start.
    expect(viewFromQuery(new URLSearchParams('from=2021-08-01&to=2021-07'))).toEqual({ q: '', tags: [], from: '2021-08-01' });
  });

  it('keeps words, tags and camera within what the API takes, never cutting an emoji in half', () => {
    // 199 letters then an emoji (two UTF-16 units): cut by units, the emoji would lose its half.
    const q = `${'a'.repeat(MAX_Q - 1)}😀😀`;
    const parsed = viewFromQuery(new URLSearchParams({ q, camera: `${'c'.repeat(127)}📷x`, tags: Array.from({ length: 12 }, (_, i) => `t${i}`).join(',') }));
    expect(parsed.q).toBe(`${'a'.repeat(MAX_Q - 1)}😀`);
    expect(parsed.camera).toBe(`${'c'.repeat(127)}📷`);
    expect(parsed.tags).toHaveLength(MAX_TAGS);
    expect(() => viewQuery(parsed)).not.toThrow();
    expect(viewFromQuery(new URLSearchParams(viewQuery(parsed)))).toEqual(parsed);
    // Counted in characters, as the API counts: 200 emoji are 400 UTF-16 units, all kept.
    expect(clip('😀'.repeat(MAX_Q + 5), MAX_Q)).toBe('😀'.repeat(MAX_Q));
  });

  it('never throws on text a URL cannot carry as it is, such as half an emoji', () => {
    const broken = view({ q: 'dog \uD83D', camera: '\uDE00canon', tags: ['a\uD800b'] });
    expect(viewQuery(broken)).toBe('q=dog%20%EF%BF%BD&tags=a%EF%BF%BDb&camera=%EF%BF%BDcanon');
    expect(withWords(view(), `${'a'.repeat(MAX_Q - 1)}😀`).q).toBe(`${'a'.repeat(MAX_Q - 1)}😀`);
    expect(withWords(view(), `${'a'.repeat(MAX_Q)}😀`).q).toBe('a'.repeat(MAX_Q));
    expect(withWords(view(), 'x\uD83D').q).toBe('x\uFFFD');
  });
});

describe('changing the view', () => {
  it('starts a search in relevance order at the top, and falls back to date order without words', () => {
    expect(withWords(view({ order: 'taken-asc', at: '2020-01' }), 'dog')).toEqual({ q: 'dog', tags: [], order: undefined, at: undefined });
    expect(withWords(view({ q: 'dog', order: 'taken-asc' }), 'dogs')).toEqual({ q: 'dogs', tags: [], order: 'taken-asc', at: undefined });
    expect(withWords(view({ q: 'dog', order: 'relevance' }), '')).toEqual({ q: '', tags: [], order: undefined, at: undefined });
  });

  it('adds a tag once, normalised', () => {
    expect(withTag(view({ tags: ['dog'] }), ' E2E  Holiday ').tags).toEqual(['dog', 'e2e holiday']);
    const same = view({ tags: ['dog'] });
    expect(withTag(same, 'Dog')).toBe(same);
  });

  it('adds no tag past the most the API takes', () => {
    const full = view({ tags: Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`) });
    expect(withTag(full, 'one more')).toBe(full);
  });
});
