import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { ArchiveJobMessageSchema, MediaError, parseOrThrow, type ArchiveJobQueue } from '@mediaflow/domain';
import { SNSClient } from '@aws-sdk/client-sns';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LambdaEnv } from './config.js';

/** What SigV4 signs with: the function's role session (the SDK's default chain in Lambda). */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SqsArchiveJobQueueOptions {
  /** The archive queue's URL (`ARCHIVE_QUEUE_URL`). */
  queueUrl: string;
  region: string;
  /** SQS's endpoint; `https://sqs.<region>.amazonaws.com` when omitted (an emulator's otherwise). */
  endpoint?: string | undefined;
  /** Resolved per message, so that rotated role credentials are picked up (the SDK's provider memoizes). */
  credentials: () => Promise<SigningCredentials>;
  /** How long one send may take before it is abandoned (the API answers within 15 s). */
  timeoutMs?: number;
  /** The HTTP client; the global `fetch` by default. */
  fetch?: typeof fetch;
}

/** SQS's answer to a send it refused or could not take: its error code and message. */
export class ArchiveQueueError extends MediaError {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string,
    options: { cause?: unknown } = {},
  ) {
    super('internal', message, options);
  }
}

/** node:crypto's SHA-256 and HMAC-SHA256 in the shape the signer asks for (`Checksum`). */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  update(data: Uint8Array | string): void {
    this.hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : ArrayBuffer.isView(this.secret) ? new Uint8Array(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength) : new Uint8Array(this.secret);
    return createHmac('sha256', key);
  }
}

const JSON_1_0 = 'application/x-amz-json-1.0';

/**
 * The cloud's {@link ArchiveJobQueue}: one SQS `SendMessage` per archive asked for, whose body is
 * `{ ownerId, archiveId }` (what the archive function's `buildArchive` reads). It speaks the AWS
 * JSON 1.0 protocol the SDK's SQS client speaks, signed with SigV4 (`@smithy/signature-v4`, the
 * SDK's own signer), because the workspace carries no `@aws-sdk/client-sqs`: one operation did not
 * justify it. The body's MD5 SQS answers with is checked, as the SDK checks it.
 *
 * @example
 * const jobs = new SqsArchiveJobQueue({ queueUrl: env.ARCHIVE_QUEUE_URL, region: env.AWS_REGION, credentials: () => sns.config.credentials() });
 * await jobs.enqueue({ ownerId, archiveId });
 */
export class SqsArchiveJobQueue implements ArchiveJobQueue {
  private readonly signer: SignatureV4;
  private readonly endpoint: URL;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: SqsArchiveJobQueueOptions) {
    this.endpoint = new URL(options.endpoint ?? `https://sqs.${options.region}.amazonaws.com/`);
    this.signer = new SignatureV4({ service: 'sqs', region: options.region, credentials: options.credentials, sha256: Sha256 });
    this.fetch = options.fetch ?? fetch;
  }

  async enqueue(job: { ownerId: string; archiveId: string }): Promise<void> {
    const message = JSON.stringify(parseOrThrow(ArchiveJobMessageSchema, job, 'archive job'));
    const body = JSON.stringify({ QueueUrl: this.options.queueUrl, MessageBody: message });
    const { endpoint } = this;
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
      path: endpoint.pathname,
      query: {},
      headers: { host: endpoint.host, 'content-type': JSON_1_0, 'x-amz-target': 'AmazonSQS.SendMessage' },
      body,
    });
    let response: Response;
    try {
      response = await this.fetch(endpoint, {
        method: 'POST',
        headers: Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')),
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (error) {
      throw new ArchiveQueueError(`the archive queue could not be reached: ${error instanceof Error ? error.message : String(error)}`, 0, 'NetworkError', { cause: error });
    }
    const text = await response.text();
    const answer = parseAnswer(text);
    if (!response.ok) {
      const code = response.headers.get('x-amzn-query-error')?.split(';')[0] ?? String(answer['__type'] ?? 'Unknown').split('#').pop() ?? 'Unknown';
      throw new ArchiveQueueError(`SQS refused the archive job (${response.status} ${code}): ${String(answer['message'] ?? answer['Message'] ?? text.slice(0, 200))}`, response.status, code);
    }
    const md5 = createHash('md5').update(message, 'utf8').digest('hex');
    if (answer['MD5OfMessageBody'] !== md5) {
      throw new ArchiveQueueError(`SQS answered MD5 ${String(answer['MD5OfMessageBody'])} for a message whose MD5 is ${md5}`, response.status, 'ChecksumMismatch');
    }
  }
}

function parseAnswer(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The function's role credentials as the SDK's clients resolve them (its default provider chain,
 * memoized and refreshed), for a signer that is not an SDK client. A client is made only for its
 * resolved provider: it opens no connection.
 */
export function sdkCredentials(config: Pick<LambdaEnv, 'AWS_REGION'>): () => Promise<SigningCredentials> {
  const client = new SNSClient({ region: config.AWS_REGION });
  return () => client.config.credentials();
}

/**
 * Where the api function has zips built away from the request, when `ARCHIVE_QUEUE_URL` names the
 * archive queue: with it the API mounts the download and export routes, which answer `202` and
 * queue `{ ownerId, archiveId }` for the archive function. None without the variable (no routes).
 * SQS is reached at the SDK's endpoint override when one is set (an emulator), as the SDK would.
 */
export function archiveJobsFor(config: LambdaEnv, credentials: () => Promise<SigningCredentials> = sdkCredentials(config)): SqsArchiveJobQueue | undefined {
  if (config.ARCHIVE_QUEUE_URL === undefined) return undefined;
  return new SqsArchiveJobQueue({ queueUrl: config.ARCHIVE_QUEUE_URL, region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL_SQS ?? config.AWS_ENDPOINT_URL, credentials });
}

