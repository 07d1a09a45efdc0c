import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * AWS Signature Version 4 verification, computed independently of the SDK's signer: the gateway
 * rebuilds the canonical request from what arrived on the wire and compares signatures, so a
 * function that signs with the wrong secret, a stale token or a tampered body is refused as AWS
 * would refuse it.
 */

export type SignatureFailureCode =
  | 'SignatureDoesNotMatch'
  | 'InvalidAccessKeyId'
  | 'ExpiredToken'
  | 'AccessDenied'
  | 'RequestTimeTooSkewed'
  | 'AuthorizationQueryParametersError'
  | 'AuthorizationHeaderMalformed';

/** A request as the gateway received it. */
export interface SignedHttpRequest {
  method: string;
  /** Path and query exactly as sent (Node's `req.url`). */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** What the verifier needs to know about an access key id. */
export interface SigningSecret {
  secretAccessKey: string;
  /** Temporary credentials must be presented with their session token. */
  sessionToken?: string;
  expiration?: Date;
}

/** The payload after the `aws-chunked` framing was taken off (S3 uploads of streams). */
export interface DecodedPayload {
  body: Buffer;
  /** Trailing headers sent after the last chunk (`x-amz-checksum-crc32`, ...), lower-case names. */
  trailers: Record<string, string>;
}

export type SignatureCheck =
  | { ok: true; accessKeyId: string; service: string; region: string; presigned: boolean; payload?: DecodedPayload }
  | { ok: false; code: SignatureFailureCode; message: string; service?: string; accessKeyId?: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';

/** Whether the request carries any SigV4 signature (header or presigned query). */
export function isSigned(request: Pick<SignedHttpRequest, 'url' | 'headers'>): boolean {
  if (request.headers['authorization'] !== undefined) return true;
  return rawQueryPairs(splitUrl(request.url).query).some(([name]) => name === 'X-Amz-Algorithm');
}

/** The signing name in the request's credential scope, when it can be read at all. */
export function credentialScopeService(request: Pick<SignedHttpRequest, 'url' | 'headers'>): string | undefined {
  const auth = request.headers['authorization'];
  const credential =
    auth !== undefined
      ? parseAuthorizationHeader(auth)?.params.get('Credential')
      : queryValue(rawQueryPairs(splitUrl(request.url).query), 'X-Amz-Credential');
  return credential?.split('/')[3];
}

interface Parsed {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  sessionToken: string | undefined;
  presigned: boolean;
  expiresSeconds: number;
}

type Failure = Extract<SignatureCheck, { ok: false }>;

const fail = (code: SignatureFailureCode, message: string, parsed?: Partial<Parsed>): Failure => ({
  ok: false,
  code,
  message,
  ...(parsed?.service !== undefined ? { service: parsed.service } : {}),
  ...(parsed?.accessKeyId !== undefined ? { accessKeyId: parsed.accessKeyId } : {}),
});

/**
 * Verifies a SigV4 signature in the `Authorization` header or in presigned query parameters.
 * `now` is the verifier's clock: header signatures more than 15 minutes away from it and presigned
 * URLs past `X-Amz-Date + X-Amz-Expires` are refused.
 *
 * @example
 * const check = verifySignature(request, (id) => registry.lookup(id), new Date());
 * if (!check.ok) return errorShape(check.code, check.message);
 */
export function verifySignature(
  request: SignedHttpRequest,
  lookup: (accessKeyId: string) => SigningSecret | undefined,
  now: Date,
): SignatureCheck {
  const { path, query } = splitUrl(request.url);
  const pairs = rawQueryPairs(query);
  const parsed = request.headers['authorization'] !== undefined ? parseHeaderAuth(request.headers) : parsePresigned(pairs);
  if (!('signature' in parsed)) return parsed;

  const secret = lookup(parsed.accessKeyId);
  if (secret === undefined) {
    return fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', parsed);
  }
  if (secret.sessionToken !== undefined && parsed.sessionToken !== secret.sessionToken) {
    return fail('InvalidAccessKeyId', 'The security token included in the request is invalid.', parsed);
  }
  if (secret.expiration !== undefined && secret.expiration.getTime() <= now.getTime()) {
    return fail('ExpiredToken', 'The provided token has expired.', parsed);
  }

  const signedAt = parseAmzDate(parsed.amzDate);
  if (signedAt === undefined) {
    return parsed.presigned
      ? fail('AuthorizationQueryParametersError', `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`, parsed)
      : fail('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header', parsed);
  }
  if (parsed.amzDate.slice(0, 8) !== parsed.shortDate) {
    return fail(
      parsed.presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed',
      `Invalid credential date "${parsed.shortDate}". This date is not the same as X-Amz-Date: "${parsed.amzDate.slice(0, 8)}".`,
      parsed,
    );
  }
  if (parsed.presigned) {
    if (signedAt.getTime() + parsed.expiresSeconds * 1000 < now.getTime()) {
      return fail('AccessDenied', 'Request has expired', parsed);
    }
  } else if (Math.abs(signedAt.getTime() - now.getTime()) > MAX_SKEW_MS) {
    return fail('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', parsed);
  }

  const payloadHash = claimedPayloadHash(request, pairs, parsed);
  const s3 = parsed.service === 's3';
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(path, s3),
    canonicalQuery(pairs, parsed.presigned),
    parsed.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers[name])}\n`).join(''),
    parsed.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${parsed.shortDate}/${parsed.region}/${parsed.service}/aws4_request`;
  const stringToSign = [ALGORITHM, parsed.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(secret.secretAccessKey, parsed.shortDate, parsed.region, parsed.service);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (!sameHex(expected, parsed.signature)) {
    return fail(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      parsed,
    );
  }

  const ok = { ok: true as const, accessKeyId: parsed.accessKeyId, service: parsed.service, region: parsed.region, presigned: parsed.presigned };
  if (payloadHash === UNSIGNED_PAYLOAD) return ok;
  if (payloadHash === STREAMING_UNSIGNED_TRAILER) {
    const payload = decodeAwsChunked(request.body);
    if (payload === undefined) return fail('SignatureDoesNotMatch', 'The aws-chunked payload is malformed.', parsed);
    return { ...ok, payload };
  }
  if (payloadHash === STREAMING_SIGNED) {
    const payload = decodeAwsChunked(request.body);
    if (payload === undefined || !chunkSignaturesValid(payload, key, parsed.amzDate, scope, parsed.signature)) {
      return fail('SignatureDoesNotMatch', 'A chunk signature of the aws-chunked payload does not match.', parsed);
    }
    return { ...ok, payload: { body: payload.body, trailers: payload.trailers } };
  }
  if (payloadHash.startsWith('STREAMING-')) {
    return fail('SignatureDoesNotMatch', `The simulator does not accept x-amz-content-sha256 "${payloadHash}".`, parsed);
  }
  if (payloadHash !== sha256Hex(request.body)) {
    return fail('SignatureDoesNotMatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", parsed);
  }
  return ok;
}

function parseHeaderAuth(headers: Record<string, string>): Parsed | Failure {
  const header = headers['authorization'] ?? '';
  const auth = parseAuthorizationHeader(header);
  if (auth === undefined || auth.algorithm !== ALGORITHM) {
    return fail('AuthorizationHeaderMalformed', `Unsupported Authorization header; only ${ALGORITHM} is accepted.`);
  }
  const credential = auth.params.get('Credential');
  const signedHeaders = auth.params.get('SignedHeaders');
  const signature = auth.params.get('Signature');
  const scope = credential === undefined ? undefined : parseScope(credential);
  if (scope === undefined || signedHeaders === undefined || signature === undefined) {
    return fail('AuthorizationHeaderMalformed', `The authorization header is malformed: '${header}'.`);
  }
  const amzDate = headers['x-amz-date'];
  if (amzDate === undefined) return fail('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header', scope);
  return {
    ...scope,
    signedHeaders: signedHeaders.split(';').map((name) => name.trim().toLowerCase()),
    signature,
    amzDate,
    sessionToken: headers['x-amz-security-token'],
    presigned: false,
    expiresSeconds: 0,
  };
}

function parsePresigned(pairs: Array<[string, string]>): Parsed | Failure {
  const get = (name: string): string | undefined => queryValue(pairs, name);
  const algorithm = get('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) {
    return fail('AuthorizationQueryParametersError', `X-Amz-Algorithm only supports "${ALGORITHM}"`);
  }
  const credential = get('X-Amz-Credential');
  const scope = credential === undefined ? undefined : parseScope(credential);
  const amzDate = get('X-Amz-Date');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  const expires = get('X-Amz-Expires');
  if (scope === undefined || amzDate === undefined || signedHeaders === undefined || signature === undefined || expires === undefined) {
    return fail(
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      scope,
    );
  }
  const expiresSeconds = /^\d+$/.test(expires) ? Number(expires) : Number.NaN;
  if (!(expiresSeconds >= 0 && expiresSeconds <= MAX_PRESIGNED_SECONDS)) {
    return fail('AuthorizationQueryParametersError', 'X-Amz-Expires must be between 0 and 604800 seconds', scope);
  }
  return {
    ...scope,
    signedHeaders: signedHeaders.split(';').map((name) => name.trim().toLowerCase()),
    signature,
    amzDate,
    sessionToken: get('X-Amz-Security-Token'),
    presigned: true,
    expiresSeconds,
  };
}

function parseAuthorizationHeader(header: string): { algorithm: string; params: Map<string, string> } | undefined {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  if (space < 0) return undefined;
  const params = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return { algorithm: trimmed.slice(0, space), params };
}

function parseScope(credential: string): Pick<Parsed, 'accessKeyId' | 'shortDate' | 'region' | 'service'> | undefined {
  const parts = credential.split('/');
  const [accessKeyId, shortDate, region, service, terminator] = parts;
  if (parts.length !== 5 || terminator !== 'aws4_request' || !accessKeyId || !shortDate || !region || !service) return undefined;
  return { accessKeyId, shortDate, region, service };
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The payload hash the signer used: S3 states it in `x-amz-content-sha256`, other services hash the body. */
function claimedPayloadHash(request: SignedHttpRequest, pairs: Array<[string, string]>, parsed: Parsed): string {
  if (parsed.presigned) {
    const stated = queryValue(pairs, 'X-Amz-Content-Sha256');
    if (stated !== undefined) return stated;
    // S3 presigned URLs never cover the body; other services' query signatures do.
    return parsed.service === 's3' ? UNSIGNED_PAYLOAD : sha256Hex(request.body);
  }
  return request.headers['x-amz-content-sha256'] ?? sha256Hex(request.body);
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function rawQueryPairs(query: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}

function queryValue(pairs: Array<[string, string]>, name: string): string | undefined {
  return pairs.find(([key]) => key === name)?.[1];
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters is percent-encoded. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * S3 signs the path as sent (each segment encoded once). Every other service normalizes the path and
 * encodes it a second time, so `%20` on the wire is `%2520` in the canonical request.
 */
export function canonicalPath(path: string, s3: boolean): string {
  const raw = path === '' ? '/' : path;
  if (s3) return raw.split('/').map((segment) => encode(decode(segment))).join('/');
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(encode(encode(decode(segment))));
  }
  const trailing = segments.length > 0 && raw.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

function canonicalQuery(pairs: Array<[string, string]>, presigned: boolean): string {
  return pairs
    .filter(([name]) => !(presigned && name === 'X-Amz-Signature'))
    .map(([name, value]): [string, string] => [encode(name), encode(value)])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function canonicalHeaderValue(value: string | undefined): string {
  return (value ?? '').replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const date = createHmac('sha256', `AWS4${secret}`).update(shortDate).digest();
  const inRegion = createHmac('sha256', date).update(region).digest();
  const inService = createHmac('sha256', inRegion).update(service).digest();
  return createHmac('sha256', inService).update('aws4_request').digest();
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

interface Chunk {
  data: Buffer;
  signature: string | undefined;
}

/**
 * Takes the `aws-chunked` framing off a body: `<hex size>[;chunk-signature=..]\r\n<data>\r\n`
 * repeated, a zero-size chunk, then optional trailing headers. Undefined when the framing is broken.
 */
export function decodeAwsChunked(body: Buffer): (DecodedPayload & { chunks: Chunk[] }) | undefined {
  const chunks: Chunk[] = [];
  let position = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', position);
    if (lineEnd < 0) return undefined;
    const [sizeText = '', ...extensions] = body.subarray(position, lineEnd).toString('latin1').split(';');
    if (!/^[0-9a-fA-F]+$/.test(sizeText.trim())) return undefined;
    const size = Number.parseInt(sizeText.trim(), 16);
    const signature = extensions.find((e) => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length);
    const start = lineEnd + 2;
    if (size === 0) {
      chunks.push({ data: Buffer.alloc(0), signature });
      position = start;
      break;
    }
    const end = start + size;
    if (end + 2 > body.length || body.subarray(end, end + 2).toString('latin1') !== '\r\n') return undefined;
    chunks.push({ data: body.subarray(start, end), signature });
    position = end + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of body.subarray(position).toString('utf8').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) return undefined;
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(chunks.map((c) => c.data)), trailers, chunks };
}

function chunkSignaturesValid(
  payload: { chunks: Chunk[] },
  key: Buffer,
  amzDate: string,
  scope: string,
  seedSignature: string,
): boolean {
  let previous = seedSignature.toLowerCase();
  for (const chunk of payload.chunks) {
    if (chunk.signature === undefined) return false;
    const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, sha256Hex(chunk.data)].join('\n');
    const expected = createHmac('sha256', key).update(toSign).digest('hex');
    if (!sameHex(expected, chunk.signature)) return false;
    previous = expected;
  }
  return true;
}
