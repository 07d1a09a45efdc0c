import { createHash } from 'node:crypto';
import { ValidationError } from '@mediaflow/domain';
import { rejection } from '@mediaflow/domain/testing';
import { correlationIdOf, withCorrelationId } from '@mediaflow/messaging';
import { archiveJobsFor, ArchiveQueueError, SqsArchiveJobQueue } from './archive-jobs.js';
import { loadConfig } from './config.js';
import { GOOD_ENV } from './test-support.js';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/mediaflow-archive';
const JOB = { ownerId: 'alice', archiveId: '01JQ0000000000000000000001' };
const CREDENTIALS = { accessKeyId: 'ASIAEXAMPLEEXAMPLE22', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A fetch that records the request and answers as SQS does (or as `answer` says). */
function sqs(answer: (body: Record<string, unknown>) => Response = (body) => Response.json({ MessageId: 'm-1', MD5OfMessageBody: md5(String(body['MessageBody'])) })) {
  const sent: Sent[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
    sent.push({ url: String(input), headers: init?.headers as Record<string, string>, body });
    return answer(body);
  }) as typeof globalThis.fetch;
  return { sent, fetch };
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

function queue(fetch: typeof globalThis.fetch, endpoint?: string): SqsArchiveJobQueue {
  return new SqsArchiveJobQueue({ queueUrl: QUEUE_URL, region: 'eu-west-1', credentials: async () => CREDENTIALS, fetch, ...(endpoint === undefined ? {} : { endpoint }) });
}

describe('SqsArchiveJobQueue', () => {
  it('sends the job as one SendMessage of the JSON protocol, signed for SQS in the region with the session token', async () => {
    const { sent, fetch } = sqs();
    await queue(fetch).enqueue(JOB);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.url).toBe('https://sqs.eu-west-1.amazonaws.com/');
    expect(request?.body).toEqual({ QueueUrl: QUEUE_URL, MessageBody: JSON.stringify(JOB) });
    expect(request?.headers).toMatchObject({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage', 'x-amz-security-token': 'session-token' });
    expect(request?.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEEXAMPLE22\/\d{8}\/eu-west-1\/sqs\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('carries the asking request\u2019s correlation id in the job, for the archive function\u2019s scope', async () => {
    const { sent, fetch } = sqs();
    await withCorrelationId('JKJaXmPLvHcESHA=', () => queue(fetch).enqueue(JOB));
    const body = String(sent[0]?.body['MessageBody']);
    expect(JSON.parse(body)).toEqual({ ...JOB, correlationId: 'JKJaXmPLvHcESHA=' });
    // What the archive function's batch handler runs the record in.
    expect(correlationIdOf(body)).toBe('JKJaXmPLvHcESHA=');
  });

  it('sends to the endpoint it is given (an emulator\u2019s)', async () => {
    const { sent, fetch } = sqs();
    await queue(fetch, 'http://127.0.0.1:4566').enqueue(JOB);
    expect(sent[0]?.url).toBe('http://127.0.0.1:4566/');
  });

  it('refuses a job that names no archive before sending anything', async () => {
    const { sent, fetch } = sqs();
    expect(await rejection(queue(fetch).enqueue({ ownerId: 'alice', archiveId: 'not-an-id' }))).toBeInstanceOf(ValidationError);
    expect(sent).toEqual([]);
  });

  it('throws what SQS refused, with its error code, and a body SQS did not receive intact', async () => {
    const denied = sqs(() => Response.json({ __type: 'com.amazon.coral.service#AccessDeniedException', message: 'not authorized to perform sqs:SendMessage' }, { status: 400, headers: { 'x-amzn-query-error': 'AccessDenied;Sender' } }));
    const error = await rejection(queue(denied.fetch).enqueue(JOB));
    expect(error).toBeInstanceOf(ArchiveQueueError);
    expect(error).toMatchObject({ status: 400, errorCode: 'AccessDenied', code: 'internal' });
    expect(error.message).toContain('sqs:SendMessage');

    const garbled = sqs(() => Response.json({ MessageId: 'm-1', MD5OfMessageBody: md5('something else') }));
    expect(await rejection(queue(garbled.fetch).enqueue(JOB))).toMatchObject({ errorCode: 'ChecksumMismatch' });

    const unreachable = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    expect(await rejection(queue(unreachable).enqueue(JOB))).toMatchObject({ errorCode: 'NetworkError' });
  });
});

describe('archiveJobsFor', () => {
  const credentials = async () => CREDENTIALS;

  it('queues archives only where ARCHIVE_QUEUE_URL is set (the api function), at the SDK\u2019s endpoint override if any', async () => {
    expect(archiveJobsFor(loadConfig(GOOD_ENV), credentials)).toBeUndefined();
    expect(archiveJobsFor(loadConfig({ ...GOOD_ENV, ARCHIVE_QUEUE_URL: QUEUE_URL }), credentials)).toBeInstanceOf(SqsArchiveJobQueue);
    expect(() => loadConfig({ ...GOOD_ENV, ARCHIVE_QUEUE_URL: 'mediaflow-archive' })).toThrow(/ARCHIVE_QUEUE_URL/);

    const { sent, fetch } = sqs();
    const original = globalThis.fetch;
    globalThis.fetch = fetch;
    try {
      const jobs = archiveJobsFor(loadConfig({ ...GOOD_ENV, ARCHIVE_QUEUE_URL: QUEUE_URL, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324' }), credentials);
      await jobs?.enqueue(JOB);
    } finally {
      globalThis.fetch = original;
    }
    expect(sent[0]?.url).toBe('http://127.0.0.1:9324/');
  });
});
