/** RFC 5987 `ext-value` encoding: percent-encoded UTF-8, including the characters RFC 3986 leaves alone. */
function encodeExtValue(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A `Content-Disposition` that makes browsers download instead of display, with the file name both
 * as a plain ASCII fallback and as UTF-8 (RFC 6266), so no name can break out of the header.
 *
 * @example
 * attachmentDisposition('Café menu.pdf');
 * // attachment; filename="Caf_ menu.pdf"; filename*=UTF-8''Caf%C3%A9%20menu.pdf
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}
