import { classifyIsoMedia, ftypBrands, type IsoMediaType, type MediaKind } from '@mediaflow/domain';

/** How many leading bytes `sniff` needs to decide. */
export const SNIFF_BYTES = 4096;

export interface SniffResult {
  kind: MediaKind;
  mime: string;
  /** The canonical extension for this type (for download names), without a dot. */
  ext: string;
  /** Set when the content must not be stored or served at all, with the reason shown to the user. */
  rejected?: string;
}

const ascii = (bytes: Uint8Array, start: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(start, start + length));

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  signature.every((b, i) => bytes[offset + i] === b);

function accept(kind: MediaKind, mime: string, ext: string): SniffResult {
  return { kind, mime, ext };
}

function reject(mime: string, reason: string): SniffResult {
  return { kind: 'other', mime, ext: 'bin', rejected: reason };
}

/** ISO base media by its `ftyp` brands, as the image pipeline reads them too (`classifyIsoMedia`). */
const ISO_MEDIA: Readonly<Record<IsoMediaType, SniffResult>> = {
  avif: accept('image', 'image/avif', 'avif'),
  heic: accept('image', 'image/heic', 'heic'),
  heif: accept('image', 'image/heif', 'heif'),
  mov: accept('video', 'video/quicktime', 'mov'),
  m4a: accept('audio', 'audio/mp4', 'm4a'),
  '3gp': accept('video', 'video/3gpp', '3gp'),
  cr3: accept('other', 'image/x-canon-cr3', 'cr3'),
  mp4: accept('video', 'video/mp4', 'mp4'),
};

function sniffIsoBmff(bytes: Uint8Array): SniffResult | undefined {
  const brands = ftypBrands(bytes);
  return brands ? { ...ISO_MEDIA[classifyIsoMedia(brands)] } : undefined;
}

function sniffRiff(bytes: Uint8Array): SniffResult | undefined {
  if (ascii(bytes, 0, 4) !== 'RIFF') return undefined;
  const form = ascii(bytes, 8, 4);
  if (form === 'WEBP') return accept('image', 'image/webp', 'webp');
  if (form === 'WAVE') return accept('audio', 'audio/wav', 'wav');
  if (form === 'AVI ') return accept('video', 'video/x-msvideo', 'avi');
  return accept('other', 'application/octet-stream', 'bin');
}

function sniffOgg(bytes: Uint8Array): SniffResult {
  const head = ascii(bytes, 0, Math.min(bytes.length, 128));
  if (head.includes('theora')) return accept('video', 'video/ogg', 'ogv');
  if (head.includes('OpusHead')) return accept('audio', 'audio/ogg; codecs=opus', 'opus');
  return accept('audio', 'audio/ogg', 'ogg');
}

function sniffMatroska(bytes: Uint8Array): SniffResult {
  // The EBML header names the DocType within its first few dozen bytes.
  const head = ascii(bytes, 0, Math.min(bytes.length, 64));
  if (head.includes('webm')) return accept('video', 'video/webm', 'webm');
  return accept('video', 'video/x-matroska', 'mkv');
}

function isMp3Frame(bytes: Uint8Array, offset: number): boolean {
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  // Frame sync (11 bits), a real MPEG version and layer III, a bitrate index that is not "bad".
  return bytes[offset] === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x18) !== 0x08 && (b1 & 0x06) === 0x02 && (b2 & 0xf0) !== 0xf0;
}

/**
 * Source that a web server runs rather than serves, given a name it maps to an interpreter
 * (`shell.php.jpg` is enough for some): PHP (`<?php`, the short echo `<?=`), ASP/JSP (a `<%@`
 * directive), server-side includes (`<!--#exec`) and ColdFusion tags. Each is markup that prose
 * and web pages do without.
 */
const SERVER_TAG = /<\?(php\b|=)|<%@|<!--#\s*(exec|include|echo|config|set|printenv|fsize|flastmod|if)\b|<cf(script|execute|file|http|object|include|invoke|query|module|output|set)\b/i;

/**
 * ASP/JSP/ERB blocks (`<% ... %>`) and PHP's short tags (`<? ... ?>`, where a server has them on):
 * an opening alone also turns up in prose ("fewer than <% of", "a <? b"), so only one closed
 * later counts.
 */
const SERVER_BLOCKS: readonly (readonly [RegExp, string])[] = [
  [/<%/, '%>'],
  [/<\?\s/, '?>'],
];

function isServerScript(text: string): boolean {
  if (SERVER_TAG.test(text)) return true;
  return SERVER_BLOCKS.some(([open, close]) => {
    const at = text.search(open);
    return at >= 0 && text.includes(close, at + 2);
  });
}

/** A PHP open tag is five bytes no photo or recording carries by chance, so it is looked for in binary heads too. */
const PHP_OPEN_TAG = /<\?php\b/i;

const SERVER_SCRIPT_REASON = 'server-side scripts (PHP, ASP, JSP and the like) are not accepted';

/** Text that a browser or a converter would treat as active content. */
function sniffText(bytes: Uint8Array): SniffResult | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(trimPartialUtf8(bytes));
  } catch {
    return undefined;
  }
  if (text.includes('\u0000')) return undefined;
  // First, so that an HTML or SVG page carrying server code says so.
  if (isServerScript(text)) return reject('text/x-server-script', SERVER_SCRIPT_REASON);
  const head = text.replace(/^\ufeff/, '').trimStart().slice(0, 1024).toLowerCase();
  if (head.startsWith('#!')) return reject('text/x-script', 'scripts are not accepted');
  if (head.startsWith('#extm3u')) return reject('application/vnd.apple.mpegurl', 'media playlists are not accepted (they can point at other files)');
  if (head.startsWith('ffconcat')) return reject('text/plain', 'ffmpeg concat scripts are not accepted');
  if (/^v=0\r?\n/.test(head) && /\n(o|s|c|m)=/.test(head)) return reject('application/sdp', 'SDP session descriptions are not accepted');
  if (head.startsWith('%!')) return reject('application/postscript', 'PostScript is not accepted');
  if (/^push\s+graphic-context|^viewbox\s/.test(head)) return reject('image/x-mvg', 'ImageMagick vector scripts are not accepted');
  const lowered = text.toLowerCase();
  if (/<svg[\s>]/.test(lowered)) return reject('image/svg+xml', 'SVG is not accepted (it can carry scripts)');
  if (/^<(!doctype\s+html|html|head|body|script|iframe|object|embed|meta|link|style|title|a\s|div|p>|img|form|table)/.test(head) || /<script[\s>]/.test(lowered)) {
    return reject('text/html', 'HTML is not accepted');
  }
  if (head.startsWith('<?xml') || /<!doctype\s|<!entity\s/.test(head)) return reject('application/xml', 'XML is not accepted (entities can read files)');
  if (head.startsWith('{\\rtf')) return accept('document', 'application/rtf', 'rtf');
  return accept('document', 'text/plain; charset=utf-8', 'txt');
}

/** Drops a multi-byte UTF-8 sequence cut off at the end of a sniffing window. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  for (let i = 1; i <= 3 && end - i >= 0; i += 1) {
    const b = bytes[end - i] ?? 0;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > i) end -= i;
    break;
  }
  return bytes.subarray(0, end);
}

/**
 * BDAV MPEG-TS (`.m2ts`, AVCHD camcorders' `.mts`): 192-byte packets, a 4-byte arrival timestamp
 * before each 0x47 sync byte. The timestamp can be anything, so three packets' sync bytes in a row
 * are required before the bytes are taken for one.
 */
function isM2ts(bytes: Uint8Array): boolean {
  return bytes.length >= 3 * 192 && [4, 196, 388].every((at) => bytes[at] === 0x47);
}

/**
 * Decides what content really is from its first bytes ({@link SNIFF_BYTES} are enough), never from
 * a name or a declared Content-Type. Active content (HTML, SVG, XML, scripts, server-side scripts,
 * playlists, PostScript, executables) is rejected; documents and archives are kept as opaque
 * attachments.
 *
 * @example
 * sniff(firstBytes) // { kind: 'image', mime: 'image/jpeg', ext: 'jpg' }
 */
export function sniff(bytes: Uint8Array): SniffResult {
  const result = sniffFormat(bytes);
  // A PHP shell behind an image's signature (`GIF89a<?php`, a JPEG comment) or in a text that is not
  // UTF-8. Documents and archives are exempt: they are never served inline, and an archive of a
  // website's code is legitimate.
  if (result.rejected === undefined && result.kind !== 'document' && PHP_OPEN_TAG.test(latin1(bytes.subarray(0, SNIFF_BYTES)))) {
    return reject('application/x-httpd-php', SERVER_SCRIPT_REASON);
  }
  return result;
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

function sniffFormat(bytes: Uint8Array): SniffResult {
  if (bytes.length === 0) return reject('application/x-empty', 'the file is empty');
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return accept('image', 'image/jpeg', 'jpg');
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return accept('image', 'image/png', 'png');
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return accept('image', 'image/gif', 'gif');
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return accept('image', 'image/tiff', 'tiff');
  const riff = sniffRiff(bytes);
  if (riff) return riff;
  const iso = sniffIsoBmff(bytes);
  if (iso) return iso;
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return sniffMatroska(bytes);
  if (ascii(bytes, 0, 4) === 'OggS') return sniffOgg(bytes);
  if (ascii(bytes, 0, 4) === 'fLaC') return accept('audio', 'audio/flac', 'flac');
  if (ascii(bytes, 0, 3) === 'ID3' || isMp3Frame(bytes, 0)) return accept('audio', 'audio/mpeg', 'mp3');
  if (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf6) === 0xf0) return accept('audio', 'audio/aac', 'aac');
  if (ascii(bytes, 0, 4) === 'FORM' && ['AIFF', 'AIFC'].includes(ascii(bytes, 8, 4))) return accept('audio', 'audio/aiff', 'aiff');
  if (bytes[0] === 0x47 && (bytes.length < 189 || bytes[188] === 0x47)) return accept('video', 'video/mp2t', 'ts');
  if (isM2ts(bytes)) return accept('video', 'video/mp2t', 'm2ts');
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0xba])) return accept('video', 'video/mpeg', 'mpg');
  if (ascii(bytes, 0, 3) === 'FLV') return accept('video', 'video/x-flv', 'flv');
  if (ascii(bytes, 0, 5) === '%PDF-') return accept('document', 'application/pdf', 'pdf');
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return accept('document', 'application/zip', 'zip');
  if (startsWith(bytes, [0x1f, 0x8b])) return accept('document', 'application/gzip', 'gz');
  if (startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return accept('document', 'application/x-7z-compressed', '7z');
  if (ascii(bytes, 0, 4) === 'Rar!') return accept('document', 'application/vnd.rar', 'rar');
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return accept('document', 'application/x-ole-storage', 'doc');
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return reject('application/x-executable', 'executables are not accepted');
  if (ascii(bytes, 0, 2) === 'MZ') return reject('application/x-msdownload', 'executables are not accepted');
  if ([[0xfe, 0xed, 0xfa, 0xce], [0xfe, 0xed, 0xfa, 0xcf], [0xcf, 0xfa, 0xed, 0xfe], [0xce, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe]].some((s) => startsWith(bytes, s))) {
    return reject('application/x-mach-binary', 'executables are not accepted');
  }
  if (startsWith(bytes, [0x00, 0x61, 0x73, 0x6d])) return reject('application/wasm', 'executables are not accepted');
  if (startsWith(bytes, [0xc5, 0xd0, 0xd3, 0xc6])) return reject('application/postscript', 'PostScript is not accepted');
  if (ascii(bytes, 0, 2) === 'BM') return accept('other', 'image/bmp', 'bmp');
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return accept('other', 'image/jxl', 'jxl');
  if (ascii(bytes, 0, 4) === '8BPS') return accept('other', 'image/vnd.adobe.photoshop', 'psd');
  return sniffText(bytes) ?? accept('other', 'application/octet-stream', 'bin');
}
