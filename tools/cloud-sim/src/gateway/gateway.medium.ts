import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsRequest, AwsResponse, ServiceHandler, SimEvent } from '../types.js';
import { CredentialRegistry, type IssuedCredentials } from './credentials.js';
import { startGateway, type Gateway } from './gateway.js';

const ROLE = 'arn:aws:iam::123456789012:role/Mediaflow-dev-UploadRole';

/** An S3 stand-in that records what reached it and answers like a successful PutObject / GetObject. */
function recordingS3(received: AwsRequest[]): ServiceHandler {
  return {
    authorizations: (request) =>
      request.method === 'OPTIONS' ? [] : [{ action: request.method === 'PUT' ? 's3:PutObject' : 's3:GetObject', resource: `arn:aws:s3:::${request.path.slice(1)}` }],
    handle: async (request): Promise<AwsResponse> => {
      received.push(request);
      if (request.path.includes('explode')) throw new Error('the handler broke');
      return { status: 200, headers: { etag: '"abc"', 'content-type': 'text/plain' }, body: request.method === 'GET' ? 'stored bytes' : '' };
    },
    denied: (_request, message) => ({
      status: 403,
      headers: { 'content-type': 'application/xml' },
      body: `<Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`,
    }),
  };
}

describe('gateway', () => {
  const received: AwsRequest[] = [];
  const events: SimEvent[] = [];
  const registry = new CredentialRegistry();
  let gateway: Gateway;
  let creds: IssuedCredentials;
  let s3: S3Client;

  beforeAll(async () => {
    gateway = await startGateway({
      credentials: registry,
      services: { s3: recordingS3(received) },
      authorize: (principal, auth) =>
        principal.type === 'role' && !auth.resource.includes('private')
          ? { allowed: true, reason: 'identity policy allows' }
          : { allowed: false, reason: 'no statement allows' },
      log: (event) => events.push(event),
    });
    creds = registry.issue({ roleArn: ROLE, sessionName: 'upload' });
    s3 = new S3Client({ endpoint: gateway.url, region: 'us-east-1', forcePathStyle: true, credentials: creds, maxAttempts: 1 });
  });

  afterAll(async () => {
    s3.destroy();
    await gateway.close();
  });

  beforeEach(() => {
    received.length = 0;
    events.length = 0;
  });

  it('issues credentials in the shape STS uses and resolves them back to the role session', () => {
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.secretAccessKey).toHaveLength(40);
    expect(registry.lookup(creds.accessKeyId)).toMatchObject({ roleArn: ROLE, sessionName: 'upload', sessionToken: creds.sessionToken });
    expect(registry.lookup('ASIANOTISSUED0000000')).toBeUndefined();
  });

  it('hands S3 a buffered PutObject with the role principal, the path as sent and the body', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'originals/my photo é.jpg', Body: Buffer.from('jpeg bytes') }));
    const [request] = received;
    expect(request).toMatchObject({
      service: 's3',
      method: 'PUT',
      path: '/media/originals/my%20photo%20%C3%A9.jpg',
      principal: { type: 'role', roleArn: ROLE, sessionName: 'upload', accessKeyId: creds.accessKeyId },
    });
    expect(request?.body.toString()).toBe('jpeg bytes');
  });

  it('takes the aws-chunked framing off a streamed PutObject and passes the checksum trailer as a header', async () => {
    const body = Readable.from([Buffer.from('first part, '), Buffer.from('second part')]);
    await s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'originals/stream.txt', Body: body, ContentLength: 23 }));
    const [request] = received;
    expect(request?.body.toString()).toBe('first part, second part');
    expect(request?.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(request?.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(request?.headers['content-encoding']).toBeUndefined();
    expect(request?.headers['content-length']).toBe('23');
  });

  it('serves a presigned GET from the S3 request presigner and refuses it once expired', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'media', Key: 'thumbs/a b.jpg' }), { expiresIn: 60 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('stored bytes');

    const late = await startGateway({
      credentials: registry,
      services: { s3: recordingS3(received) },
      authorize: () => ({ allowed: true, reason: 'allowed' }),
      log: () => undefined,
      now: () => new Date(Date.now() + 120_000),
    });
    try {
      const expired = await fetch(url.replace(gateway.url, late.url));
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
    } finally {
      await late.close();
    }
  });

  it('answers a bad signature in S3 XML and logs it', async () => {
    const forged = new S3Client({
      endpoint: gateway.url,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { ...creds, secretAccessKey: 'not-the-secret-not-the-secret-not-the-se' },
    });
    try {
      const error = await forged.send(new PutObjectCommand({ Bucket: 'media', Key: 'a', Body: 'x' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3ServiceException);
      expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    } finally {
      forged.destroy();
    }
    expect(received).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ kind: 'denied', source: 'gateway' })]);
  });

  it('routes unsigned requests to S3 as anonymous, where IAM decides', async () => {
    const preflight = await fetch(`${gateway.url}/media/a.jpg`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173' } });
    expect(preflight.status).toBe(200);
    expect(received[0]?.principal).toEqual({ type: 'anonymous' });

    const unsigned = await fetch(`${gateway.url}/media/a.jpg`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('User: anonymous is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::media/a.jpg');
    expect(received).toHaveLength(1);
  });

  it("answers a browser's preflight of a presigned URL as a preflight, not as a badly signed call", async () => {
    const presigned = '/media/a.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAX%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00';
    const before = received.length;
    const preflight = await fetch(`${gateway.url}${presigned}`, { method: 'OPTIONS', headers: { origin: 'https://d1.cloudfront.net', 'access-control-request-method': 'PUT' } });
    expect(preflight.status).toBe(200);
    expect(received.slice(before).map((r) => [r.method, r.principal])).toEqual([['OPTIONS', { type: 'anonymous' }]]);
  });

  it('denies through the handler and counts calls per key and action', async () => {
    const error = await s3.send(new GetObjectCommand({ Bucket: 'private', Key: 'x' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(gateway.calls.entries()).toContainEqual({
      accessKeyId: creds.accessKeyId,
      principal: `${ROLE}/upload`,
      action: 's3:GetObject',
      allowed: expect.any(Number),
      denied: 1,
    });
    expect(gateway.calls.format()).toContain(`s3:GetObject  ${ROLE}/upload`);
  });

  it('turns a handler exception into a 500 in the service shape and keeps serving', async () => {
    const error = await s3.send(new GetObjectCommand({ Bucket: 'media', Key: 'explode' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'invoke-error', message: expect.stringContaining('the handler broke') }));
    await s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'after', Body: 'still up' }));
    expect(received.at(-1)?.body.toString()).toBe('still up');
  });

  it('answers a service the stage does not emulate in that protocol (SNS query XML)', async () => {
    const sns = new SNSClient({ endpoint: gateway.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
    try {
      const error = await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'InvalidAction', $metadata: { httpStatusCode: 400 } });
    } finally {
      sns.destroy();
    }
    expect(events).toContainEqual(expect.objectContaining({ kind: 'dropped', message: expect.stringContaining("'sns'") }));
  });
});
