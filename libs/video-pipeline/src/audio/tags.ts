import type { AudioTags, CoverArt } from './types.js';

/** The subset of music-metadata's `common` tags Mediaflow reads. */
export interface CommonTags {
  title?: string | undefined;
  artist?: string | undefined;
  artists?: readonly string[] | undefined;
  album?: string | undefined;
  genre?: readonly string[] | undefined;
  year?: number | undefined;
  date?: string | undefined;
}

/** The subset of music-metadata's `IPicture` Mediaflow reads. */
export interface EmbeddedPicture {
  format: string;
  data: Uint8Array;
  type?: string | undefined;
}

const TEXT_LIMIT = 512;
const GENRE_LIMIT = 128;

/**
 * Tag text as shown to people: control characters (tags are a classic place for terminal escapes
 * and NULs left by fixed-width ID3v1 fields) become spaces, runs of spaces collapse, and the result
 * is cut to `max` characters without splitting a surrogate pair. Empty becomes `undefined`.
 */
export function cleanTagText(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const cleaned = value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return undefined;
  const chars = Array.from(cleaned);
  return chars.length <= max ? cleaned : chars.slice(0, max).join('').trimEnd();
}

function yearOf(tags: CommonTags): number | undefined {
  const fromDate = /^\s*(\d{4})/.exec(tags.date ?? '')?.[1];
  const year = tags.year ?? (fromDate === undefined ? undefined : Number(fromDate));
  return year !== undefined && Number.isInteger(year) && year > 0 && year <= 9999 ? year : undefined;
}

/**
 * Maps a file's tags to `MediaFacts.audio`: title, artist (the joined artists when there is no
 * single artist tag), album, genre (several genres joined with ", ") and year (from the date tag
 * when there is no year).
 *
 * @example
 * tagsFromCommon({ title: ' Song\u0000', genre: ['Rock', 'Pop'], date: '1999-05-01' });
 * // { title: 'Song', genre: 'Rock, Pop', year: 1999 }
 */
export function tagsFromCommon(common: CommonTags): AudioTags {
  const tags: AudioTags = {};
  const title = cleanTagText(common.title, TEXT_LIMIT);
  const artist = cleanTagText(common.artist ?? common.artists?.join(', '), TEXT_LIMIT);
  const album = cleanTagText(common.album, TEXT_LIMIT);
  const genres = [...new Set((common.genre ?? []).map((g) => cleanTagText(g, GENRE_LIMIT)).filter((g) => g !== undefined))];
  const genre = cleanTagText(genres.join(', '), GENRE_LIMIT);
  const year = yearOf(common);
  if (title !== undefined) tags.title = title;
  if (artist !== undefined) tags.artist = artist;
  if (album !== undefined) tags.album = album;
  if (genre !== undefined) tags.genre = genre;
  if (year !== undefined) tags.year = year;
  return tags;
}

/**
 * The picture to use as cover art: the front cover when the file marks one, else the first
 * picture. Pictures that are empty or larger than `maxBytes` are skipped, so one oversized
 * attachment does not hide a proper cover behind it.
 */
export function pickCover(pictures: readonly EmbeddedPicture[] | undefined, maxBytes: number): CoverArt | undefined {
  const usable = (pictures ?? []).filter((p) => p.data.length > 0 && p.data.length <= maxBytes);
  const chosen = usable.find((p) => p.type === 'Cover (front)') ?? usable[0];
  if (chosen === undefined) return undefined;
  return { bytes: chosen.data, declaredType: chosen.format === '' ? undefined : chosen.format };
}
