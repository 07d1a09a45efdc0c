import { cleanTagText, pickCover, tagsFromCommon } from './tags.js';

describe('tagsFromCommon', () => {
  it('maps title, artist, album, genre and year', () => {
    expect(tagsFromCommon({ title: 'Song', artist: 'Band', album: 'Record', genre: ['Rock'], year: 2001 })).toEqual({
      title: 'Song',
      artist: 'Band',
      album: 'Record',
      genre: 'Rock',
      year: 2001,
    });
  });

  it('gives an empty object for a file without tags', () => {
    expect(tagsFromCommon({})).toEqual({});
  });

  it('joins several genres and artists, dropping duplicates and blanks', () => {
    expect(tagsFromCommon({ artists: ['A', 'B'], genre: ['Rock', ' ', 'Pop', 'Rock'] })).toEqual({ artist: 'A, B', genre: 'Rock, Pop' });
  });

  it('takes the year from the date when there is no year tag, and drops impossible years', () => {
    expect(tagsFromCommon({ date: '1999-05-01' }).year).toBe(1999);
    expect(tagsFromCommon({ year: 0 }).year).toBeUndefined();
    expect(tagsFromCommon({ year: 20_011 }).year).toBeUndefined();
    expect(tagsFromCommon({ date: 'spring' }).year).toBeUndefined();
  });

  it('cuts text to what the domain stores', () => {
    const tags = tagsFromCommon({ title: 'x'.repeat(600), genre: ['g'.repeat(200)] });
    expect(tags.title).toHaveLength(512);
    expect(tags.genre).toHaveLength(128);
  });
});

describe('cleanTagText', () => {
  it('removes control characters and padding left by ID3v1', () => {
    expect(cleanTagText('  Title\u0000\u0000\u0000 ', 100)).toBe('Title');
    expect(cleanTagText('a\u001b[31mred\nline', 100)).toBe('a [31mred line');
  });

  it('never splits a surrogate pair', () => {
    expect(cleanTagText('ab\u{1F3B5}cd', 3)).toBe('ab\u{1F3B5}');
  });

  it('treats blank as absent', () => {
    expect(cleanTagText(' \u0000 ', 10)).toBeUndefined();
    expect(cleanTagText(undefined, 10)).toBeUndefined();
  });
});

describe('pickCover', () => {
  const picture = (size: number, type?: string) => ({ format: 'image/jpeg', data: new Uint8Array(size).fill(1), type });

  it('prefers the front cover and falls back to the first picture', () => {
    expect(pickCover([picture(3, 'Artist'), picture(5, 'Cover (front)')], 100)?.bytes).toHaveLength(5);
    expect(pickCover([picture(3, 'Artist'), picture(5, 'Leaflet page')], 100)?.bytes).toHaveLength(3);
  });

  it('skips pictures over the size limit and empty ones', () => {
    expect(pickCover([picture(500, 'Cover (front)'), picture(0), picture(7)], 100)?.bytes).toHaveLength(7);
    expect(pickCover([picture(500)], 100)).toBeUndefined();
    expect(pickCover(undefined, 100)).toBeUndefined();
  });

  it('keeps the declared type', () => {
    expect(pickCover([{ format: 'image/png', data: new Uint8Array([1]) }], 10)).toEqual({ bytes: new Uint8Array([1]), declaredType: 'image/png' });
  });
});
