import fc from 'fast-check';
import { ANY, matchTokens, parseGlob, tokensToText, wildcardMatch, type VariableResolver } from './glob.js';

/** The meaning of an IAM wildcard written as a regular expression, to check the scanner against. */
function referenceRegex(pattern: string, ignoreCase: boolean): RegExp {
  const body = Array.from(pattern)
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'isu' : 'su');
}

describe('wildcardMatch', () => {
  it.each([
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get*', 's3:PutObject', false],
    ['s3:GetObjec?', 's3:GetObject', true],
    ['s3:GetObjec?', 's3:GetObjects', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['*/originals/*', 'bucket/originals/o/a/b.jpg', true],
    ['a**', 'a', true],
  ])('%j against %j is %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it('is case-sensitive unless asked otherwise', () => {
    expect(wildcardMatch('s3:get*', 's3:GetObject')).toBe(false);
    expect(wildcardMatch('s3:get*', 's3:GetObject', { ignoreCase: true })).toBe(true);
  });

  it('treats ? as one code point, not one UTF-16 unit', () => {
    expect(wildcardMatch('photo-?.jpg', 'photo-📷.jpg')).toBe(true);
  });

  it('agrees with a regular expression on arbitrary patterns and values', () => {
    const alphabet = fc.constantFrom('a', 'B', 'b', '/', ':', '.', '*', '?');
    const text = fc.array(alphabet, { maxLength: 12 }).map((chars) => chars.join(''));
    const value = fc.array(fc.constantFrom('a', 'b', 'B', '/', ':', '.', '*'), { maxLength: 16 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, value, fc.boolean(), (pattern, candidate, ignoreCase) => {
        expect(wildcardMatch(pattern, candidate, { ignoreCase })).toBe(referenceRegex(pattern, ignoreCase).test(candidate));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches every value built by filling the wildcards of a pattern', () => {
    const piece = fc.array(fc.constantFrom('x', 'y', '/'), { maxLength: 4 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, piece), { minLength: 1, maxLength: 5 }), (parts) => {
        const pattern = parts.map(([literal]) => literal).join('*');
        const value = parts.map(([literal, filler], index) => (index < parts.length - 1 ? literal + filler : literal)).join('');
        expect(wildcardMatch(pattern, value)).toBe(true);
      }),
    );
  });
});

describe('parseGlob with policy variables', () => {
  const resolver: VariableResolver = (key: string) => (key.toLowerCase() === 'aws:sourceaccount' ? '123456789012' : undefined);

  it('substitutes a known key as literal text', () => {
    const tokens = parseGlob('arn:aws:sns:*:${aws:SourceAccount}:topic', resolver);
    expect(tokens && matchTokens(tokens, 'arn:aws:sns:us-east-1:123456789012:topic')).toBe(true);
    expect(tokens && matchTokens(tokens, 'arn:aws:sns:us-east-1:999999999999:topic')).toBe(false);
  });

  it('never turns a substituted value into a wildcard', () => {
    const starResolver: VariableResolver = () => '*';
    const tokens = parseGlob('a/${s3:prefix}', starResolver);
    expect(tokens).toEqual(['a', '/', '*']);
    expect(tokens && matchTokens(tokens, 'a/anything')).toBe(false);
  });

  it('reads ${*}, ${?} and ${$} as literal characters', () => {
    const tokens = parseGlob('a${*}b${?}${$}*', resolver);
    expect(tokens).toEqual(['a', '*', 'b', '?', '$', ANY]);
    expect(tokens && tokensToText(tokens)).toBe('a*b?$*');
  });

  it('uses the default of an absent key, and matches nothing without one', () => {
    expect(parseGlob("home/${aws:username, 'guest'}/*", resolver)?.slice(0, 11).join('')).toBe('home/guest/');
    expect(parseGlob('home/${aws:username}/*', resolver)).toBeUndefined();
  });

  it('keeps ${...} as text when variables are off or the syntax is not a variable', () => {
    expect(parseGlob('a/${aws:username}')).toEqual(Array.from('a/${aws:username}'));
    expect(parseGlob('a/${not a key}', resolver)).toEqual(Array.from('a/${not a key}'));
    expect(parseGlob('a/${unclosed', resolver)).toEqual(Array.from('a/${unclosed'));
  });
});
