/** The longest display name kept, in characters (extension included). */
export const MAX_DISPLAY_NAME_LENGTH = 200;

const FALLBACK_NAME = 'untitled';

// C0/C1 controls and DEL; bidi embeddings, overrides and isolates; zero-width and BOM characters.
// Any of them can make a name lie about itself ("gpj.exe" shown as "exe.jpg") or break headers.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/gu;

// Characters that Windows forbids in file names; they would break a download's save dialog.
const RESERVED_CHARS = /[<>:"|?*]/g;

// Device names that Windows treats specially whatever the extension (CON, CON.txt, ...).
const RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** A UTF-16 surrogate without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Turns a name supplied by a client into one that is safe to show and to offer as a download name.
 * It never becomes part of an object key; this is for people, not for paths.
 *
 * - Unicode NFKC first, so fullwidth dots and slashes become ASCII ones and get handled below.
 * - Path parts dropped: only what follows the last `/` or `\` is kept.
 * - Control, bidi-override and zero-width characters removed; Windows-reserved characters replaced.
 * - Leading dots (hidden files, `..`) and trailing dots/spaces removed; device names prefixed.
 * - Capped at {@link MAX_DISPLAY_NAME_LENGTH} characters, keeping the extension when it is short.
 * - Whatever is left empty becomes `untitled`.
 *
 * @example
 * sanitizeDisplayName('../../etc/passwd'); // 'passwd'
 * sanitizeDisplayName('photo\u202Egpj.exe'); // 'photogpj.exe'
 */
export function sanitizeDisplayName(raw: string): string {
  // A lone surrogate (not a character: JSON and the API carry them, UTF-8 cannot) becomes U+FFFD.
  let name = raw.replace(LONE_SURROGATE, '\uFFFD').normalize('NFKC');
  name = name.replace(INVISIBLE, '');
  const lastSep = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  if (lastSep >= 0) name = name.slice(lastSep + 1);
  name = name.replace(RESERVED_CHARS, '_');
  name = name.replace(/\s+/gu, ' ');
  name = name.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
  if (RESERVED_NAMES.test(name)) name = `_${name}`;
  name = capLength(name, MAX_DISPLAY_NAME_LENGTH);
  return name.length > 0 ? name : FALLBACK_NAME;
}

function capLength(name: string, max: number): string {
  const chars = Array.from(name); // by code point, so a surrogate pair is never split
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(name.slice(dot)) : [];
  if (ext.length > 1 && ext.length <= 16) {
    const stem = chars.slice(0, chars.length - ext.length);
    return (stem.slice(0, max - ext.length).join('') + ext.join('')).replace(/[\s.]+(?=\.[^.]*$)/u, '');
  }
  return chars.slice(0, max).join('').replace(/[\s.]+$/u, '');
}
