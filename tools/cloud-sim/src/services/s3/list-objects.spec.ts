import fc from 'fast-check';
import { compareKeys, listPage, type ListRequest } from './list-objects.js';

/** Every page of a listing, following continuation tokens. */
function allPages(keys: string[], request: Omit<ListRequest, 'continuationToken'>): { contents: string[]; prefixes: string[] } {
  const entries = [...new Set(keys)].sort(compareKeys).map((key) => ({ key }));
  const contents: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = listPage(entries, token === undefined ? request : { ...request, continuationToken: token });
    contents.push(...page.contents.map((e: { key: string }) => e.key));
    prefixes.push(...page.commonPrefixes);
    if (!page.isTruncated) return { contents, prefixes };
    token = page.nextContinuationToken;
  }
  throw new Error('the listing never ended');
}

/** The listing as S3 defines it, computed the plain way. */
function expected(keys: string[], prefix: string, delimiter: string | undefined): { contents: string[]; prefixes: string[] } {
  const contents: string[] = [];
  const prefixes = new Set<string>();
  for (const key of [...new Set(keys)].sort(compareKeys)) {
    if (!key.startsWith(prefix)) continue;
    const at = delimiter === undefined ? -1 : key.indexOf(delimiter, prefix.length);
    if (delimiter !== undefined && at >= 0) prefixes.add(key.slice(0, at + delimiter.length));
    else contents.push(key);
  }
  return { contents, prefixes: [...prefixes] };
}

describe('listPage', () => {
  it('pages to exactly the whole listing for any page size, prefix and delimiter', () => {
    const key = fc.stringMatching(/^[ab/]{0,6}$/);
    fc.assert(
      fc.property(fc.array(key.filter((k) => k !== '')), fc.integer({ min: 1, max: 4 }), fc.stringMatching(/^[ab/]{0,2}$/), fc.boolean(), (keys, maxKeys, prefix, rollUp) => {
        const delimiter = rollUp ? '/' : undefined;
        const pages = allPages(keys, { prefix, maxKeys, ...(delimiter === undefined ? {} : { delimiter }) });
        expect(pages).toEqual(expected(keys, prefix, delimiter));
      }),
    );
  });

  it('starts after start-after and orders keys by their UTF-8 bytes', () => {
    const entries = ['a', 'b', '\u{1F600}', '\uFFFD'].sort(compareKeys).map((key) => ({ key }));
    expect(entries.map((e) => e.key)).toEqual(['a', 'b', '\uFFFD', '\u{1F600}']);
    expect(listPage(entries, { prefix: '', maxKeys: 10, startAfter: 'a' }).contents.map((e: { key: string }) => e.key)).toEqual(['b', '\uFFFD', '\u{1F600}']);
  });

  it('refuses a continuation token it did not issue', () => {
    expect(() => listPage([{ key: 'a' }], { prefix: '', maxKeys: 1, continuationToken: 'nonsense' })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});
