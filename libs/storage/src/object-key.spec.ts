import { ValidationError } from '@mediaflow/domain';
import { assertSafeKeyPrefix, assertSafeObjectKey, objectKeyProblem } from './object-key.js';

describe('object keys', () => {
  it.each(['originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV', 'renditions/a/b/hls/720p.m3u8', 'a', '..a/b..', 'ü/é', 'a b/c'])('accepts %j', (key) => {
    expect(objectKeyProblem(key)).toBeUndefined();
    expect(() => assertSafeObjectKey(key)).not.toThrow();
  });

  it.each([
    ['', 'is empty'],
    ['../x', 'has a dot segment'],
    ['a/../../x', 'has a dot segment'],
    ['a/./b', 'has a dot segment'],
    ['/etc/passwd', 'is absolute'],
    ['a\\b', 'contains a control character or a backslash'],
    ['a\u0000b', 'contains a control character or a backslash'],
    ['a\nb', 'contains a control character or a backslash'],
    ['a//b', 'has an empty segment'],
    ['a/', 'has an empty segment'],
    ['a\ud800', 'is not well-formed Unicode'],
    ['x'.repeat(1025), 'is longer than 1024 bytes'],
    ['é'.repeat(513), 'is longer than 1024 bytes'],
  ])('refuses %j: %s', (key, problem) => {
    expect(objectKeyProblem(key)).toBe(problem);
    expect(() => assertSafeObjectKey(key)).toThrow(ValidationError);
  });

  it('accepts prefixes that are the start of a safe key', () => {
    for (const prefix of ['', 'a', 'a/', 'renditions/alice/01J', 'a/..b', 'a/..']) expect(() => assertSafeKeyPrefix(prefix)).not.toThrow();
  });

  it('refuses prefixes that could climb out or never match', () => {
    for (const prefix of ['../', '/', '/etc', 'a//', 'a/../b', 'a\\', '\u0000']) expect(() => assertSafeKeyPrefix(prefix)).toThrow(ValidationError);
  });
});
