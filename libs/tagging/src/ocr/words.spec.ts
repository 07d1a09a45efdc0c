import { TEXT_MAX_LENGTH } from '@mediaflow/domain';
import { cutAtWord, DEFAULT_KEEP_WORDS, keepWords } from './words.js';

const w = (text: string, confidence = 95) => ({ text, confidence });

describe('keepWords', () => {
  it('keeps sure words of two letters or digits or more, line by line, their outer punctuation trimmed', () => {
    const lines = [
      [w('Harbour'), w('Street'), w('"Market",')],
      [w('Open'), w('a'), w('7'), w('19:30'), w('&')],
      [],
      [w('Tn', 0), w('SEE)', 21), w('kiosk', 59), w('blue', 60)],
    ];
    expect(keepWords(lines, DEFAULT_KEEP_WORDS)).toBe('Harbour Street Market\nOpen 19:30\nblue');
  });

  it('reads nothing out of noise: short, unsure fragments', () => {
    const noise = [[w('Ghali', 13), w('a', 2), w('oo', 6)], [w('Tn', 0), w('a', 20)], [w('SEE)', 21)]];
    expect(keepWords(noise, DEFAULT_KEEP_WORDS)).toBe('');
  });

  it('keeps letters of any script and collapses spaces inside a word the engine split oddly', () => {
    expect(keepWords([[w('Zürich'), w('東京'), w('ca fé')]], DEFAULT_KEEP_WORDS)).toBe('Zürich 東京 café');
  });

  it('cuts a long reading at the length limit on a word boundary', () => {
    const line = Array.from({ length: 2000 }, (_, i) => w(`word${i}`));
    const text = keepWords([line], DEFAULT_KEEP_WORDS);
    expect(text.length).toBeLessThanOrEqual(TEXT_MAX_LENGTH);
    expect(text.length).toBeGreaterThan(TEXT_MAX_LENGTH - 12);
    expect(text.split(' ').every((word) => /^word\d+$/.test(word))).toBe(true);
  });
});

describe('cutAtWord', () => {
  it('leaves a text that fits, and cuts at the last space or line break that fits', () => {
    expect(cutAtWord('open daily', 10)).toBe('open daily');
    expect(cutAtWord('open daily from 7', 12)).toBe('open daily');
    expect(cutAtWord('open\ndaily from', 11)).toBe('open\ndaily');
    expect(cutAtWord('open daily', 4)).toBe('open');
    expect(cutAtWord('Donaudampfschiff', 5)).toBe('Donau');
  });
});
