import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Edge compression as CloudFront does it: only when the behaviour has `Compress`, the cache policy
 * lets the encoding into the cache key, the viewer accepts it, the origin did not encode the body
 * already, the content type is one CloudFront compresses, and the body is 1,000 to 10,000,000 bytes.
 */

export type EdgeEncoding = 'br' | 'gzip';

export const MIN_COMPRESSIBLE_BYTES = 1_000;
export const MAX_COMPRESSIBLE_BYTES = 10_000_000;

/** The media types CloudFront compresses (besides any `text/*` type). */
const COMPRESSIBLE_TYPES: ReadonlySet<string> = new Set([
  'application/dash+xml',
  'application/eot',
  'application/font',
  'application/font-sfnt',
  'application/javascript',
  'application/json',
  'application/opentype',
  'application/otf',
  'application/pkcs7-mime',
  'application/protobuf',
  'application/rss+xml',
  'application/truetype',
  'application/ttf',
  'application/vnd.apple.mpegurl',
  'application/vnd.mapbox-vector-tile',
  'application/vnd.ms-fontobject',
  'application/wasm',
  'application/xhtml+xml',
  'application/xml',
  'application/x-font-opentype',
  'application/x-font-truetype',
  'application/x-font-ttf',
  'application/x-httpd-cgi',
  'application/x-javascript',
  'application/x-mpegurl',
  'application/x-opentype',
  'application/x-otf',
  'application/x-perl',
  'application/x-ttf',
  'font/eot',
  'font/opentype',
  'font/otf',
  'font/ttf',
  'image/svg+xml',
]);

export function isCompressibleType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type.startsWith('text/') || COMPRESSIBLE_TYPES.has(type);
}

/**
 * The encoding the cache key and the origin see for a viewer's `Accept-Encoding`: Brotli when both
 * the policy and the viewer allow it, else gzip, else none. An encoding with `q=0` is refused.
 */
export function normalizeAcceptEncoding(acceptEncoding: string | undefined, allowed: { gzip: boolean; brotli: boolean }): EdgeEncoding | undefined {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    if (name && (q === undefined || Number.parseFloat(q.slice(2)) > 0)) accepted.add(name);
  }
  if (allowed.brotli && accepted.has('br')) return 'br';
  if (allowed.gzip && (accepted.has('gzip') || accepted.has('*'))) return 'gzip';
  return undefined;
}

/** Whether a response of this shape is compressed at the edge. */
export function shouldCompress(response: { status: number; headers: Readonly<Record<string, string>>; body: Buffer }): boolean {
  return (
    response.status === 200 &&
    response.headers['content-encoding'] === undefined &&
    isCompressibleType(response.headers['content-type']) &&
    response.body.length >= MIN_COMPRESSIBLE_BYTES &&
    response.body.length <= MAX_COMPRESSIBLE_BYTES
  );
}

export function compress(body: Buffer, encoding: EdgeEncoding): Buffer {
  return encoding === 'br' ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : gzipSync(body);
}
