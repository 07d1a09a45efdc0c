import { S3Error } from './errors.js';

/** A request body with its aws-chunked framing removed, and the trailing headers it carried. */
export interface DecodedBody {
  body: Buffer;
  /** Lower-case trailer names (`x-amz-checksum-crc32`) to their values. */
  trailers: Record<string, string>;
  /** `Content-Encoding` without `aws-chunked`: what the object is stored with, if anything. */
  contentEncoding: string | undefined;
}

/**
 * Whether the body is aws-chunked: the SDK sends streamed bodies so, announced by the encoding
 * or by a `STREAMING-...` payload hash (signed chunks may come without the encoding header).
 */
export function isAwsChunked(headers: Record<string, string>): boolean {
  const encodings = (headers['content-encoding'] ?? '').split(',').map((e) => e.trim().toLowerCase());
  return encodings.includes('aws-chunked') || (headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
}

function remainingEncoding(headers: Record<string, string>): string | undefined {
  const rest = (headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e.toLowerCase() !== 'aws-chunked');
  return rest.length === 0 ? undefined : rest.join(', ');
}

function lineEnd(raw: Buffer, from: number): number {
  const end = raw.indexOf('\r\n', from);
  if (end < 0) throw new S3Error('IncompleteBody', { message: 'The aws-chunked body ended inside a chunk header.' });
  return end;
}

/**
 * Removes the aws-chunked framing (`<hex size>[;chunk-signature=...]\r\n<data>\r\n ... 0\r\n<trailers>\r\n`)
 * when the request uses it, and checks the decoded size against `x-amz-decoded-content-length`.
 * Chunk signatures are not checked here: the gateway owns signature checks.
 */
export function decodeBody(headers: Record<string, string>, raw: Buffer): DecodedBody {
  if (!isAwsChunked(headers)) return { body: raw, trailers: {}, contentEncoding: headers['content-encoding'] };
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let at = 0;
  for (;;) {
    const end = lineEnd(raw, at);
    const sizeText = raw.subarray(at, end).toString('latin1').split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new S3Error('InvalidArgument', { message: `Invalid aws-chunked chunk size "${sizeText}".` });
    const size = Number.parseInt(sizeText, 16);
    at = end + 2;
    if (size === 0) break;
    if (at + size + 2 > raw.length || raw.toString('latin1', at + size, at + size + 2) !== '\r\n') {
      throw new S3Error('IncompleteBody', { message: 'An aws-chunked chunk is shorter than its declared size.' });
    }
    chunks.push(raw.subarray(at, at + size));
    at += size + 2;
  }
  // Trailers: `name:value` lines up to an empty line or the end of the body.
  while (at < raw.length) {
    const end = raw.indexOf('\r\n', at);
    const line = raw.toString('utf8', at, end < 0 ? raw.length : end);
    at = end < 0 ? raw.length : end + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = Buffer.concat(chunks);
  const declared = headers['x-amz-decoded-content-length'];
  if (declared !== undefined && Number(declared) !== body.length) {
    throw new S3Error('IncompleteBody', { message: `The decoded body has ${body.length} bytes, not the ${declared} declared.` });
  }
  return { body, trailers, contentEncoding: remainingEncoding(headers) };
}
