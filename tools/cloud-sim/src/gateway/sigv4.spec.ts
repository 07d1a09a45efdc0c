import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, SourceData } from '@smithy/types';
import { canonicalPath, decodeAwsChunked, isSigned, verifySignature, type SignedHttpRequest, type SigningSecret } from './sigv4.js';

/** A SHA-256 for the SDK's signer, from node:crypto (HMAC when given a secret). */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

const KEY: SigningSecret & { accessKeyId: string; sessionToken: string } = {
  accessKeyId: 'ASIAEXAMPLEKEY000001',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-of-the-api-function',
  expiration: new Date('2026-03-01T13:00:00Z'),
};
const NOW = new Date('2026-03-01T12:00:00Z');
const lookup = (id: string): SigningSecret | undefined => (id === KEY.accessKeyId ? KEY : undefined);

function signer(service: string, options: { secret?: string; uriEscapePath?: boolean } = {}): SignatureV4 {
  return new SignatureV4({
    service,
    region: 'us-east-1',
    sha256: NodeSha256,
    uriEscapePath: options.uriEscapePath ?? service !== 's3',
    credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: options.secret ?? KEY.secretAccessKey, sessionToken: KEY.sessionToken },
  });
}

const strict = (value: string): string => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The request as it arrives on the wire: the path as the SDK sent it, query encoded, header names lower-case. */
function toWire(request: HttpRequest): SignedHttpRequest {
  const query = Object.entries(request.query ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${strict(name)}=${strict(v ?? '')}`))
    .join('&');
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body as string | Uint8Array);
  return { method: request.method, url: query === '' ? request.path : `${request.path}?${query}`, headers, body };
}

function dynamoRequest(body = '{"TableName":"media"}'): HttpRequest {
  return {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: '/',
    query: {},
    headers: {
      host: '127.0.0.1:4566',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  };
}

function s3Request(path: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path, query: {}, headers: { host: '127.0.0.1:4566' }, ...extra };
}

async function signed(service: string, request: HttpRequest, options: { secret?: string; uriEscapePath?: boolean; at?: Date } = {}) {
  return toWire((await signer(service, options).sign(request, { signingDate: options.at ?? NOW })) as HttpRequest);
}

describe('verifySignature (header auth)', () => {
  it('accepts a request the SDK signer signed and names its key, service and region', async () => {
    const wire = await signed('dynamodb', dynamoRequest());
    expect(isSigned(wire)).toBe(true);
    expect(verifySignature(wire, lookup, NOW)).toEqual({ ok: true, accessKeyId: KEY.accessKeyId, service: 'dynamodb', region: 'us-east-1', presigned: false });
  });

  it('refuses a tampered body, a tampered signed header and a tampered path', async () => {
    const wire = await signed('dynamodb', dynamoRequest());
    const tampered: SignedHttpRequest[] = [
      { ...wire, body: Buffer.from('{"TableName":"other"}') },
      { ...wire, headers: { ...wire.headers, 'x-amz-target': 'DynamoDB_20120810.DeleteItem' } },
      { ...wire, url: '/admin' },
    ];
    for (const request of tampered) expect(verifySignature(request, lookup, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', service: 'dynamodb' });
  });

  it('ignores headers that were not signed', async () => {
    const wire = await signed('dynamodb', dynamoRequest());
    expect(verifySignature({ ...wire, headers: { ...wire.headers, 'x-forwarded-for': '10.0.0.1' } }, lookup, NOW).ok).toBe(true);
  });

  it('refuses a signature made with the wrong secret', async () => {
    const wire = await signed('dynamodb', dynamoRequest(), { secret: 'not-the-secret' });
    expect(verifySignature(wire, lookup, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses unknown keys, a missing or wrong session token, and expired credentials', async () => {
    const wire = await signed('dynamodb', dynamoRequest());
    expect(verifySignature(wire, () => undefined, NOW)).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
    const { ['x-amz-security-token']: _token, ...withoutToken } = wire.headers;
    expect(verifySignature({ ...wire, headers: withoutToken }, lookup, NOW)).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
    expect(verifySignature({ ...wire, headers: { ...wire.headers, 'x-amz-security-token': 'forged' } }, lookup, NOW)).toMatchObject({
      ok: false,
      code: 'InvalidAccessKeyId',
    });
    const expired = { ...KEY, expiration: new Date('2026-03-01T11:59:00Z') };
    expect(verifySignature(wire, () => expired, NOW)).toMatchObject({ ok: false, code: 'ExpiredToken' });
  });

  it('refuses a request signed more than 15 minutes away from now, either way', async () => {
    const later = new Date(NOW.getTime() + 16 * 60_000);
    const earlier = new Date(NOW.getTime() - 16 * 60_000);
    expect(verifySignature(await signed('dynamodb', dynamoRequest(), { at: earlier }), lookup, NOW)).toMatchObject({ ok: false, code: 'RequestTimeTooSkewed' });
    expect(verifySignature(await signed('dynamodb', dynamoRequest(), { at: later }), lookup, NOW)).toMatchObject({ ok: false, code: 'RequestTimeTooSkewed' });
    expect(verifySignature(await signed('dynamodb', dynamoRequest(), { at: new Date(NOW.getTime() - 14 * 60_000) }), lookup, NOW).ok).toBe(true);
  });

  it('checks a literal x-amz-content-sha256 against the body and accepts UNSIGNED-PAYLOAD as stated', async () => {
    const body = 'jpeg bytes';
    const literal = await signed('s3', s3Request('/originals/a.jpg', { method: 'PUT', body, headers: { host: '127.0.0.1:4566' } }));
    expect(literal.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(verifySignature(literal, lookup, NOW).ok).toBe(true);
    expect(verifySignature({ ...literal, body: Buffer.from('other bytes') }, lookup, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });

    const unsigned = await signed(
      's3',
      s3Request('/originals/a.jpg', { method: 'PUT', body, headers: { host: '127.0.0.1:4566', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
    );
    expect(verifySignature({ ...unsigned, body: Buffer.from('any bytes at all') }, lookup, NOW).ok).toBe(true);
  });

  it('takes the aws-chunked framing off a STREAMING-UNSIGNED-PAYLOAD-TRAILER upload and hands over the trailers', async () => {
    const framed = '5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';
    const wire = await signed(
      's3',
      s3Request('/originals/b.txt', {
        method: 'PUT',
        headers: {
          host: '127.0.0.1:4566',
          'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': '11',
          'x-amz-trailer': 'x-amz-checksum-crc32',
        },
      }),
    );
    const check = verifySignature({ ...wire, body: Buffer.from(framed) }, lookup, NOW);
    expect(check).toMatchObject({ ok: true, payload: { trailers: { 'x-amz-checksum-crc32': 'DUoRhQ==' } } });
    expect(check.ok && check.payload?.body.toString()).toBe('hello world');
    expect(verifySignature({ ...wire, body: Buffer.from('5\r\nhel') }, lookup, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('verifies the chain of chunk signatures of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload', async () => {
    const wire = await signed(
      's3',
      s3Request('/originals/c.txt', {
        method: 'PUT',
        headers: { host: '127.0.0.1:4566', 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked' },
      }),
    );
    const seed = /Signature=([0-9a-f]+)/.exec(wire.headers['authorization'] ?? '')?.[1] ?? '';
    const amzDate = wire.headers['x-amz-date'] ?? '';
    const hex = (data: string): string => createHash('sha256').update(data).digest('hex');
    const chunkSignature = (previous: string, data: string): Promise<string> =>
      signer('s3').sign(
        ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`, previous, hex(''), hex(data)].join('\n'),
        { signingDate: NOW },
      );
    const first = await chunkSignature(seed, 'hello world');
    const last = await chunkSignature(first, '');
    const framed = (data: string) => `b;chunk-signature=${first}\r\n${data}\r\n0;chunk-signature=${last}\r\n\r\n`;

    const check = verifySignature({ ...wire, body: Buffer.from(framed('hello world')) }, lookup, NOW);
    expect(check.ok && check.payload?.body.toString()).toBe('hello world');
    expect(verifySignature({ ...wire, body: Buffer.from(framed('hello WORLD')) }, lookup, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });
});

describe('verifySignature (presigned URLs)', () => {
  // As the S3 request presigner does: the payload is declared unsigned and hoisted into the query.
  const presign = (path: string, expiresIn: number, at: Date = NOW) =>
    signer('s3')
      .presign(s3Request(path, { headers: { host: '127.0.0.1:4566', 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } }), { signingDate: at, expiresIn })
      .then((request) => toWire(request as HttpRequest));

  it('accepts a valid presigned GET', async () => {
    const wire = await presign('/originals/a.jpg', 900);
    expect(wire.url).toContain('X-Amz-Signature=');
    expect(wire.headers['authorization']).toBeUndefined();
    expect(isSigned(wire)).toBe(true);
    expect(verifySignature(wire, lookup, new Date(NOW.getTime() + 899_000))).toEqual({
      ok: true,
      accessKeyId: KEY.accessKeyId,
      service: 's3',
      region: 'us-east-1',
      presigned: true,
    });
  });

  it("answers S3's AccessDenied 'Request has expired' once X-Amz-Date + X-Amz-Expires is past", async () => {
    const wire = await presign('/originals/a.jpg', 60);
    expect(verifySignature(wire, lookup, new Date(NOW.getTime() + 61_000))).toEqual({
      ok: false,
      code: 'AccessDenied',
      message: 'Request has expired',
      service: 's3',
      accessKeyId: KEY.accessKeyId,
    });
  });

  it('refuses a presigned URL whose key or query was changed', async () => {
    const wire = await presign('/originals/a.jpg', 900);
    expect(verifySignature({ ...wire, url: wire.url.replace('/a.jpg', '/b.jpg') }, lookup, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(verifySignature({ ...wire, url: wire.url.replace('X-Amz-Expires=900', 'X-Amz-Expires=901') }, lookup, NOW)).toMatchObject({
      ok: false,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('refuses presigned parameters that are missing or out of range', async () => {
    const wire = await presign('/originals/a.jpg', 900);
    const without = { ...wire, url: wire.url.replace(/X-Amz-SignedHeaders=[^&]*&?/, '') };
    expect(verifySignature(without, lookup, NOW)).toMatchObject({ ok: false, code: 'AuthorizationQueryParametersError' });
    const tooLong = { ...wire, url: wire.url.replace('X-Amz-Expires=900', 'X-Amz-Expires=604801') };
    expect(verifySignature(tooLong, lookup, NOW)).toMatchObject({ ok: false, code: 'AuthorizationQueryParametersError' });
  });
});

describe('canonical paths', () => {
  // The SDK puts the key on the wire encoded once; S3 signs exactly that, other services encode it again.
  const key = `/media/${strict('my photo été 🎉.jpg')}`;

  it('signs an S3 key with spaces and unicode without double encoding', async () => {
    const wire = await signed('s3', s3Request(key));
    expect(wire.url).toBe('/media/my%20photo%20%C3%A9t%C3%A9%20%F0%9F%8E%89.jpg');
    expect(verifySignature(wire, lookup, NOW).ok).toBe(true);
    expect(canonicalPath(wire.url, true)).toBe(wire.url);
  });

  it('refuses an S3 request signed as if the path were encoded twice', async () => {
    const wire = await signed('s3', s3Request(key), { uriEscapePath: true });
    expect(verifySignature(wire, lookup, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('encodes the path twice for other services, as their signers do', async () => {
    const wire = await signed('mediaconvert', s3Request(`/2017-08-29/jobs/${strict('job id')}`));
    expect(verifySignature(wire, lookup, NOW).ok).toBe(true);
    expect(canonicalPath('/2017-08-29/jobs/job%20id', false)).toBe('/2017-08-29/jobs/job%2520id');
    expect(canonicalPath('/a/./b/../c/', false)).toBe('/a/c/');
  });
});

describe('decodeAwsChunked', () => {
  it('reads chunk signatures and an empty trailer section', () => {
    const decoded = decodeAwsChunked(Buffer.from('3;chunk-signature=abc\r\nabc\r\n0;chunk-signature=def\r\n\r\n'));
    expect(decoded?.body.toString()).toBe('abc');
    expect(decoded?.chunks.map((c) => c.signature)).toEqual(['abc', 'def']);
    expect(decoded?.trailers).toEqual({});
  });

  it('rejects a chunk shorter than its declared size', () => {
    expect(decodeAwsChunked(Buffer.from('a\r\nabc\r\n0\r\n'))).toBeUndefined();
  });
});
