import { classifyIsoMedia, CorruptMediaError, ftypBrands, UnsupportedMediaError } from '@mediaflow/domain';
import type { InputFormat, SniffResult } from './types.js';

const MIME: Readonly<Record<InputFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  heic: 'image/heic',
  tiff: 'image/tiff',
};

/** The content type of each input format. */
export function mimeOf(format: InputFormat): string {
  return MIME[format];
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < Math.min(end, bytes.length); i++) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

/** AVIF, and HEIF/HEIC (libheif decodes both), by the brands the ingest reads too (`classifyIsoMedia`). */
function sniffFtyp(bytes: Uint8Array): InputFormat | undefined {
  const brands = ftypBrands(bytes);
  if (!brands) return undefined;
  const type = classifyIsoMedia(brands);
  if (type === 'avif') return 'avif';
  if (type === 'heic' || type === 'heif') return 'heic';
  return undefined;
}

/** Names formats we recognise but refuse, so that the error says what the file was. */
function nameUnsupported(bytes: Uint8Array): string | undefined {
  // Bytes are read as Latin-1, so a UTF-8 byte-order mark shows as three characters.
  const head = ascii(bytes, 0, 512).replace(/^(\xEF\xBB\xBF|\uFEFF)?\s*/, '');
  if (head.startsWith('%PDF')) return 'PDF';
  if (/^<(\?xml|svg|!DOCTYPE svg|!--)/i.test(head) || /<svg[\s>]/i.test(head)) return 'SVG/XML';
  if (startsWith(bytes, [0x42, 0x4d])) return 'BMP';
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return 'ICO';
  if (startsWith(bytes, [0x38, 0x42, 0x50, 0x53])) return 'PSD';
  if (startsWith(bytes, [0xff, 0x0a]) || ascii(bytes, 4, 8) === 'JXL ') return 'JPEG XL';
  if (ascii(bytes, 4, 8) === 'jP  ' || startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return 'JPEG 2000';
  if (ascii(bytes, 4, 8) === 'ftyp') return `ISO media (${ascii(bytes, 8, 12).trim() || 'unknown brand'})`;
  return undefined;
}

/**
 * The input format told by the bytes alone; never by a file name or a declared content type.
 * Returns `undefined` for anything that is not one of the accepted inputs.
 */
export function detectFormat(bytes: Uint8Array): InputFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  const six = ascii(bytes, 0, 6);
  if (six === 'GIF87a' || six === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  return sniffFtyp(bytes);
}

/**
 * Identifies an image from its first bytes and refuses everything that is not an accepted input
 * (SVG, PDF and other formats that can carry scripts or external references included).
 *
 * @throws CorruptMediaError for empty input; UnsupportedMediaError for any other format.
 * @example
 * sniffImage(bytes); // { format: 'jpeg', mime: 'image/jpeg' }
 */
export function sniffImage(bytes: Uint8Array): SniffResult {
  if (bytes.length === 0) throw new CorruptMediaError('the input is empty');
  const format = detectFormat(bytes);
  if (format === undefined) {
    const name = nameUnsupported(bytes);
    throw new UnsupportedMediaError(
      name === undefined ? 'not a supported image format' : `${name} is not a supported image format`,
      { details: { detected: name ?? 'unknown' } },
    );
  }
  return { format, mime: mimeOf(format) };
}
