import { normalizeTagName } from './tags.js';

describe('normalizeTagName', () => {
  it.each([
    ['Dog', 'dog'],
    ['  Golden   Retriever ', 'golden retriever'],
    ['#sunset', 'sunset'],
    ['Rock & Roll', 'rock & roll'],
    ['ＴＯＫＹＯ', 'tokyo'],
    ['Café', 'café'],
    ['b-52', 'b-52'],
    ['x'.repeat(80), 'x'.repeat(64)],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeTagName(raw)).toBe(expected);
  });

  it.each(['', '   ', '!!!', '<>', '---'])('gives nothing usable for %j', (raw) => {
    expect(normalizeTagName(raw)).toBeUndefined();
  });
});
