import type { ImageInspection, MediaFacts } from '@mediaflow/domain';
import ExifReader from 'exifreader';

/** EXIF facts the pipeline keeps, and the position it keeps apart so that callers can drop it. */
export interface ExifFacts {
  capturedAt?: string;
  camera?: NonNullable<MediaFacts['camera']>;
  exposure?: NonNullable<MediaFacts['exposure']>;
  gps?: NonNullable<ImageInspection['gps']>;
}

/**
 * EXIF tags by their EXIF names (`Make`, `DateTimeOriginal`, `CreateDate` for the digitised date,
 * `ISO`), numbers and strings as stored, rationals divided, with the GPS position already signed by
 * its references as `latitude`/`longitude`: what {@link exifTagsToFacts} reads.
 */
export type ExifTags = Record<string, unknown>;

const MAX_TEXT = 128;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Control characters and NUL padding are common in camera strings and useless to show.
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length === 0 ? undefined : clean.slice(0, MAX_TEXT);
}

function positive(value: unknown): number | undefined {
  const n = Array.isArray(value) ? value[0] : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

function offset(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([+-])(\d{2}):?(\d{2})\s*$/.exec(value);
  if (m === null) return undefined;
  const [, sign, hh, mm] = m;
  if (Number(hh) > 14 || Number(mm) > 59) return undefined;
  return `${sign}${hh}:${mm}`;
}

/**
 * An EXIF date (`YYYY:MM:DD HH:MM:SS`, local wall-clock time) as an ISO 8601 date-time. EXIF
 * dates carry no zone unless an `OffsetTime*` tag gives one; without it the wall-clock time is
 * written as UTC, which keeps the time the camera showed (what people search by).
 *
 * @example
 * exifDateToIso('2023:05:06 07:08:09', '+02:00'); // '2023-05-06T07:08:09+02:00'
 */
export function exifDateToIso(value: unknown, zone?: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Rejects 0000:00:00 placeholders and impossible dates such as 31 February (Date rolls them over).
  if (y < 1800 || y > 2200 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset(zone) ?? 'Z'}`;
}

function gpsOf(tags: ExifTags): ExifFacts['gps'] {
  const { latitude, longitude } = tags;
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    return undefined;
  }
  const altitude = tags['GPSAltitude'];
  const ref = tags['GPSAltitudeRef'];
  const below = (ref instanceof Uint8Array ? ref[0] : ref) === 1;
  return typeof altitude === 'number' && Number.isFinite(altitude)
    ? { latitude, longitude, altitude: below ? -altitude : altitude }
    : { latitude, longitude };
}

/**
 * Maps EXIF tags to Mediaflow's facts: capture time, camera, lens, exposure, and (apart) GPS.
 * Pure; empty strings, zero values and impossible dates are left out rather than stored.
 */
export function exifTagsToFacts(tags: ExifTags): ExifFacts {
  const out: ExifFacts = {};
  const capturedAt =
    exifDateToIso(tags['DateTimeOriginal'], tags['OffsetTimeOriginal'] ?? tags['OffsetTime']) ??
    exifDateToIso(tags['CreateDate'], tags['OffsetTimeDigitized'] ?? tags['OffsetTime']);
  if (capturedAt !== undefined) out.capturedAt = capturedAt;

  const make = text(tags['Make']);
  const model = text(tags['Model']);
  const lens = text(tags['LensModel']) ?? text(tags['Lens']);
  const camera: NonNullable<MediaFacts['camera']> = {};
  if (make !== undefined) camera.make = make;
  if (model !== undefined) camera.model = model;
  if (lens !== undefined) camera.lens = lens;
  if (Object.keys(camera).length > 0) out.camera = camera;

  const exposure: NonNullable<MediaFacts['exposure']> = {};
  const iso = positive(tags['ISO']);
  const fNumber = positive(tags['FNumber']);
  const exposureTime = positive(tags['ExposureTime']);
  const focalLength = positive(tags['FocalLength']);
  if (iso !== undefined) exposure.iso = iso;
  if (fNumber !== undefined) exposure.fNumber = fNumber;
  if (exposureTime !== undefined) exposure.exposureTime = exposureTime;
  if (focalLength !== undefined) exposure.focalLength = focalLength;
  if (Object.keys(exposure).length > 0) out.exposure = exposure;

  const gps = gpsOf(tags);
  if (gps !== undefined) out.gps = gps;
  return out;
}

const EXIF_PREFIX = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00];

/** The EXIF tags the pipeline reads; the parser skips every other one. */
const READ_TAGS = [
  'Make',
  'Model',
  'LensModel',
  'DateTimeOriginal',
  'DateTimeDigitized',
  'OffsetTime',
  'OffsetTimeOriginal',
  'OffsetTimeDigitized',
  'ISOSpeedRatings',
  'FNumber',
  'ExposureTime',
  'FocalLength',
  'GPSLatitude',
  'GPSLatitudeRef',
  'GPSLongitude',
  'GPSLongitudeRef',
  'GPSAltitude',
  'GPSAltitudeRef',
];

/** Tags stored as fractions (RATIONAL): `[numerator, denominator]` pairs. */
const RATIONAL_TAGS = new Set(['FNumber', 'ExposureTime', 'FocalLength', 'GPSAltitude']);

/**
 * One stored value as a plain string or number: text up to its first NUL (a list of strings gives
 * its first), a fraction divided, a list of numbers its first (ISO is stored as one or more).
 */
function plain(name: string, value: unknown): unknown {
  if (RATIONAL_TAGS.has(name)) {
    const pair = Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'number' && typeof pair[1] === 'number') return pair[1] === 0 ? undefined : pair[0] / pair[1];
    return undefined;
  }
  return Array.isArray(value) ? value[0] : value;
}

/** TIFF field types' sizes in bytes (1 BYTE ... 12 DOUBLE); unknown types count as bytes. */
const FIELD_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8];
/** The tags read, by number: IFD0 and the Exif IFD, then the GPS IFD. */
const READ_TAG_IDS = new Set([271, 272, 42036, 36867, 36868, 36880, 36881, 36882, 34855, 33437, 33434, 37386]);
const READ_GPS_TAG_IDS = new Set([1, 2, 3, 4, 5, 6]);
const EXIF_IFD_POINTER = 34665;
const GPS_IFD_POINTER = 34853;
/** No tag read here is longer: a camera name or a date is tens of bytes. */
const MAX_READ_TAG_BYTES = 4096;

/**
 * Whether a TIFF structure (an EXIF block without its prefix, or a TIFF file) has a tag the parser
 * would read whose value is implausibly long. The parser builds such values a character at a time
 * and cannot be interrupted (a 16 MiB camera name took seconds and a gigabyte), so such a block is
 * not given to it. Reads only the IFD entries (IFD0, the Exif and GPS IFDs), never a value.
 */
export function hasOversizedTag(tiff: Uint8Array): boolean {
  if (tiff.length < 8) return false;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return false;
  const u16 = (at: number) => (at + 2 <= tiff.length ? view.getUint16(at, little) : 0);
  const u32 = (at: number) => (at + 4 <= tiff.length ? view.getUint32(at, little) : 0);
  const oversized = (ifd: number, wanted: Set<number>, follow: boolean): boolean => {
    if (ifd < 8 || ifd + 2 > tiff.length) return false;
    const entries = Math.min(u16(ifd), Math.floor((tiff.length - ifd - 2) / 12));
    for (let i = 0; i < entries; i += 1) {
      const at = ifd + 2 + i * 12;
      const tag = u16(at);
      const bytes = (FIELD_SIZE[u16(at + 2)] ?? 1) * u32(at + 4);
      if (wanted.has(tag) && bytes > MAX_READ_TAG_BYTES) return true;
      if (follow && tag === EXIF_IFD_POINTER && oversized(u32(at + 8), READ_TAG_IDS, false)) return true;
      if (follow && tag === GPS_IFD_POINTER && oversized(u32(at + 8), READ_GPS_TAG_IDS, false)) return true;
    }
    return false;
  };
  return oversized(u32(4), READ_TAG_IDS, true);
}

/** The parser's answer in {@link ExifTags} form (the names and shapes `exifTagsToFacts` reads). */
function toExifTags(result: { exif?: Record<string, { value?: unknown }>; gps?: { Latitude?: unknown; Longitude?: unknown } }): ExifTags {
  const exif = result.exif ?? {};
  const value = (name: string): unknown => plain(name, exif[name]?.value);
  const names: Record<string, string> = { CreateDate: 'DateTimeDigitized', ISO: 'ISOSpeedRatings' };
  const tags: ExifTags = {};
  for (const name of ['Make', 'Model', 'LensModel', 'DateTimeOriginal', 'CreateDate', 'OffsetTime', 'OffsetTimeOriginal', 'OffsetTimeDigitized', 'ISO', 'FNumber', 'ExposureTime', 'FocalLength', 'GPSAltitude', 'GPSAltitudeRef']) {
    const v = value(names[name] ?? name);
    if (v !== undefined) tags[name] = v;
  }
  const { Latitude: latitude, Longitude: longitude } = result.gps ?? {};
  if (typeof latitude === 'number' && typeof longitude === 'number') Object.assign(tags, { latitude, longitude });
  return tags;
}

/**
 * Reads EXIF facts from a raw EXIF block (as sharp's `metadata().exif` returns it, with or
 * without the `Exif\0\0` prefix) or from a whole TIFF file. The parser is ExifReader (pure
 * JavaScript, maintained), reading only the tags above.
 *
 * A damaged EXIF block must not cost the user their upload: the picture is still good, so a
 * block the parser cannot read gives no EXIF facts instead of an error.
 */
export async function readExif(block: Uint8Array): Promise<ExifFacts> {
  const tiff = EXIF_PREFIX.every((b, i) => block[i] === b) ? block.subarray(EXIF_PREFIX.length) : block;
  if (hasOversizedTag(tiff)) return {};
  let result;
  try {
    result = ExifReader.load(Buffer.from(tiff.buffer, tiff.byteOffset, tiff.byteLength), {
      expanded: true,
      includeUnknown: false,
      includeTags: { exif: READ_TAGS, gps: true },
    });
  } catch {
    return {};
  }
  return exifTagsToFacts(toExifTags(result as Parameters<typeof toExifTags>[0]));
}
