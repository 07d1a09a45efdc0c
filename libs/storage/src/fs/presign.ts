import { createHmac, timingSafeEqual } from 'node:crypto';
import { attachmentDisposition, ForbiddenError, ValidationError } from '@mediaflow/domain';
import { objectKeyProblem } from '../object-key.js';

/** The path under the local server's base URL where presigned object requests arrive. */
export const PRESIGNED_PATH = '/_local/objects/';

/** The longest a presigned URL may live, as on S3 (7 days). */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

const MIN_SECRET_BYTES = 32;

/** What a presigned URL allows, as signed. */
export interface PresignedGrant {
  method: 'GET' | 'PUT';
  key: string;
  expiresAt: Date;
  /** PUT: the `Content-Type` the request must carry (and the object gets). */
  contentType?: string;
  /** PUT: the exact body length allowed; pass it as `maxBytes` and check the stored size. */
  contentLength?: number;
  /** GET: serve as an attachment with this file name. */
  downloadFilename?: string;
  /** Multipart part uploads: the upload and the part number (1-based). */
  uploadId?: string;
  partNumber?: number;
}

/** A verified grant, with the `Content-Disposition` to send for a download. */
export interface VerifiedPresigned extends PresignedGrant {
  contentDisposition?: string;
}

/** A request to check: its URL (absolute, or the path and query as a server sees them) and method. */
export interface PresignedRequestToVerify {
  url: string | URL;
  /** The HTTP method used; when given it must be the signed one. */
  method?: string;
}

function secretBytes(secret: string | Uint8Array): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new ValidationError(`the presigning secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return bytes;
}

/**
 * Every signed field in a fixed order, JSON-encoded so that no value can be crafted to look like
 * another field (keys and file names may contain any separator).
 */
function canonical(grant: PresignedGrant): string {
  return JSON.stringify([
    'mediaflow-local-presign-v1',
    grant.method,
    grant.key,
    Math.floor(grant.expiresAt.getTime() / 1000),
    grant.contentType ?? null,
    grant.contentLength ?? null,
    grant.downloadFilename ?? null,
    grant.uploadId ?? null,
    grant.partNumber ?? null,
  ]);
}

function signature(grant: PresignedGrant, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(canonical(grant)).digest();
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** The expiry of a URL signed now for `seconds`, on a whole second (the URL carries seconds). */
export function presignExpiry(now: Date, seconds: number): Date {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
    throw new ValidationError(`expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}`, [
      { path: 'expiresInSeconds', message: 'out of range' },
    ]);
  }
  return new Date((Math.floor(now.getTime() / 1000) + seconds) * 1000);
}

/**
 * Signs grants as URLs to the local server:
 * `{baseUrl}/_local/objects/{key}?method=PUT&expires=...&ct=...&len=...&sig=...`.
 * The HMAC-SHA256 signature covers the method, key, expiry and every limit.
 */
export class UrlSigner {
  private readonly secret: Buffer;
  private readonly base: string;

  constructor(baseUrl: string, secret: string | Uint8Array) {
    this.secret = secretBytes(secret);
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch (cause) {
      throw new ValidationError(`baseUrl is not a URL: ${baseUrl}`, [], { cause });
    }
    if (parsed.search !== '' || parsed.hash !== '') throw new ValidationError('baseUrl may not have a query or fragment');
    this.base = parsed.href.replace(/\/+$/, '');
  }

  sign(grant: PresignedGrant): string {
    const params = new URLSearchParams();
    params.set('method', grant.method);
    params.set('expires', String(Math.floor(grant.expiresAt.getTime() / 1000)));
    if (grant.contentType !== undefined) params.set('ct', grant.contentType);
    if (grant.contentLength !== undefined) params.set('len', String(grant.contentLength));
    if (grant.downloadFilename !== undefined) params.set('dl', grant.downloadFilename);
    if (grant.uploadId !== undefined) params.set('upload', grant.uploadId);
    if (grant.partNumber !== undefined) params.set('part', String(grant.partNumber));
    params.set('sig', signature(grant, this.secret).toString('base64url'));
    return `${this.base}${PRESIGNED_PATH}${encodeKey(grant.key)}?${params.toString()}`;
  }
}

const KNOWN_PARAMS = new Set(['method', 'expires', 'ct', 'len', 'dl', 'upload', 'part', 'sig']);

function forbidden(reason: string): ForbiddenError {
  return new ForbiddenError(`presigned URL refused: ${reason}`, { details: { reason } });
}

function integerParam(value: string | undefined, maxDigits: number, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!new RegExp(`^[0-9]{1,${maxDigits}}$`).test(value)) throw forbidden(`malformed ${name}`);
  return Number(value);
}

function parseUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  try {
    // A server sees only the path and query; the host is not part of what is signed.
    return new URL(url, 'http://localhost');
  } catch {
    throw forbidden('malformed URL');
  }
}

/**
 * Checks a presigned URL made by `FsObjectStore` or `FsMultipartUploads` with the same secret, and
 * returns what it grants. The local HTTP server calls this before it reads or writes anything,
 * then enforces the grant: `contentLength` as the body size, `contentType` as the request's type.
 *
 * Throws `ForbiddenError` for a URL that is malformed, tampered with (any signed field changed),
 * expired at `now`, or used with another method than the signed one.
 *
 * @example
 * const grant = verifyPresigned({ url: req.url, method: req.method }, secret);
 * if (grant.uploadId !== undefined && grant.partNumber !== undefined) {
 *   await uploads.putPart(grant.key, grant.uploadId, grant.partNumber, req);
 * } else {
 *   await store.put(grant.key, req, { maxBytes: grant.contentLength ?? limit, contentType: grant.contentType });
 * }
 */
export function verifyPresigned(
  request: string | URL | PresignedRequestToVerify,
  secret: string | Uint8Array,
  now: Date = new Date(),
): VerifiedPresigned {
  const key = secretBytes(secret);
  const target = typeof request === 'string' || request instanceof URL ? { url: request } : request;
  const url = parseUrl(target.url);

  const at = url.pathname.indexOf(PRESIGNED_PATH);
  if (at < 0) throw forbidden('not a presigned object URL');
  let objectKey: string;
  try {
    objectKey = url.pathname
      .slice(at + PRESIGNED_PATH.length)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
  } catch {
    throw forbidden('malformed key');
  }

  const single = (name: string): string | undefined => {
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw forbidden(`repeated ${name}`);
    return values[0];
  };
  for (const name of url.searchParams.keys()) if (!KNOWN_PARAMS.has(name)) throw forbidden(`unknown parameter ${name}`);

  const method = single('method');
  if (method !== 'GET' && method !== 'PUT') throw forbidden('malformed method');
  const expires = integerParam(single('expires'), 12, 'expiry');
  if (expires === undefined) throw forbidden('no expiry');
  const sig = single('sig');
  if (sig === undefined || !/^[A-Za-z0-9_-]{43}$/.test(sig)) throw forbidden('malformed signature');

  const grant: PresignedGrant = { method, key: objectKey, expiresAt: new Date(expires * 1000) };
  const contentType = single('ct');
  if (contentType !== undefined) grant.contentType = contentType;
  const contentLength = integerParam(single('len'), 16, 'length');
  if (contentLength !== undefined) grant.contentLength = contentLength;
  const downloadFilename = single('dl');
  if (downloadFilename !== undefined) grant.downloadFilename = downloadFilename;
  const uploadId = single('upload');
  if (uploadId !== undefined) grant.uploadId = uploadId;
  const partNumber = integerParam(single('part'), 5, 'part number');
  if (partNumber !== undefined) grant.partNumber = partNumber;

  const expected = signature(grant, key);
  const given = Buffer.from(sig, 'base64url');
  if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) throw forbidden('bad signature');
  if (now.getTime() >= grant.expiresAt.getTime()) throw forbidden('expired');
  if (target.method !== undefined && target.method.toUpperCase() !== method) throw forbidden('wrong method');
  // Only valid keys are ever signed; this guards against a leaked secret being used to escape.
  if (objectKeyProblem(objectKey) !== undefined) throw forbidden('invalid key');

  const verified: VerifiedPresigned = { ...grant };
  if (downloadFilename !== undefined) verified.contentDisposition = attachmentDisposition(downloadFilename);
  return verified;
}
