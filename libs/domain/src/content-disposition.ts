/** Lone UTF-16 surrogates: they have no UTF-8 form, so `encodeURIComponent` would throw on them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * RFC 5987 `ext-value`: the UTF-8 bytes percent-encoded, except letters, digits and `!-._~`.
 * `encodeURIComponent` also leaves `'()*` alone, which `attr-char` does not allow.
 */
function encodeExtValue(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A `Content-Disposition` that makes browsers download instead of display (RFC 6266), with the
 * file name twice: `filename*` carries it exactly, as UTF-8 (RFC 5987); `filename` is a plain
 * ASCII fallback for clients that ignore `filename*`, in which every character outside printable
 * ASCII, and `"`, `\` and `%`, becomes `_` (one per character). So:
 *
 * - non-ASCII (`é`, `😀`): `_` in the fallback, UTF-8 percent-encoded in `filename*`;
 * - `"` and `\`: `_` in the fallback (no quoted-string escapes, which clients read differently);
 * - control characters (CR, LF, NUL, ...): `_` in the fallback, percent-encoded in `filename*`, so
 *   no name can end the header or start another;
 * - `%`: `_` in the fallback, since some clients percent-decode `filename` (RFC 6266 appendix D),
 *   and `%25` in `filename*`;
 * - a lone UTF-16 surrogate (no UTF-8 form): U+FFFD in `filename*`.
 *
 * @example
 * attachmentDisposition('Café menu.pdf');
 * // attachment; filename="Caf_ menu.pdf"; filename*=UTF-8''Caf%C3%A9%20menu.pdf
 */
export function attachmentDisposition(filename: string): string {
  const wellFormed = filename.replace(LONE_SURROGATE, '\ufffd');
  const fallback = wellFormed.replace(/[^\x20-\x7e]|["\\%]/gu, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(wellFormed)}`;
}
