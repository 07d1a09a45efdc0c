import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SNSClient } from '@aws-sdk/client-sns';
import { MediaError } from '@mediaflow/domain';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LambdaEnv } from './config.js';

/** What SigV4 signs with: the function's role session (the SDK's default chain in Lambda). */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** node:crypto's SHA-256 and HMAC-SHA256 in the shape the signer asks for (`Checksum`). */
export class Sha256 {
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

/**
 * The function's role credentials as the SDK's clients resolve them (its default provider chain,
 * memoized and refreshed), for a signer that is not an SDK client. A client is made only for its
 * resolved provider: it opens no connection.
 */
export function sdkCredentials(config: Pick<LambdaEnv, 'AWS_REGION'>): () => Promise<SigningCredentials> {
  const client = new SNSClient({ region: config.AWS_REGION });
  return () => client.config.credentials();
}

/** Where and how a single-operation caller reaches its service (what its constructor takes besides its own settings). */
export interface AwsServiceOptions {
  region: string;
  /** The service's endpoint; its regional one when omitted (an emulator's otherwise). */
  endpoint?: string | undefined;
  /** Resolved per call, so that rotated role credentials are picked up (the SDK's provider memoizes). */
  credentials: () => Promise<SigningCredentials>;
  /** How long one call may take before it is abandoned (the API answers within 15 s). */
  timeoutMs?: number;
  /** The HTTP client; the global `fetch` by default. */
  fetch?: typeof fetch;
}

/** A service's answer to a call it refused or could not take: the HTTP status (0: no answer) and its error code. */
export class AwsCallError extends MediaError {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string,
    options: { cause?: unknown } = {},
  ) {
    super('internal', message, options);
  }
}

export interface AwsJsonCallerOptions {
  /** The service's signing name (`sqs`, `cognito-idp`). */
  service: string;
  region: string;
  /** Where the service answers (its regional endpoint, or an emulator's). */
  endpoint: string;
  /** `application/x-amz-json-1.0` or `-1.1`, as the service speaks. */
  contentType: string;
  /** Resolved per call, so that rotated role credentials are picked up (the SDK's provider memoizes). */
  credentials: () => Promise<SigningCredentials>;
  /** How long one call may take before it is abandoned (the API answers within 15 s). Default 5 s. */
  timeoutMs?: number | undefined;
  /** The HTTP client; the global `fetch` by default. */
  fetch?: typeof fetch | undefined;
}

/** A call's answer: the HTTP status, the service's error code when it refused, and its JSON body. */
export interface AwsJsonAnswer {
  ok: boolean;
  status: number;
  /** The error code of a refusal (`UserNotFoundException`, `QueueDoesNotExist`...); `Unknown` when it names none. */
  errorCode: string;
  /** The body as an object (`{}` when it is not one), and as text for a message. */
  body: Record<string, unknown>;
  text: string;
}

/** The service could not be reached (or did not answer in time): nothing is known of the call. */
export class AwsUnreachableError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'AwsUnreachableError';
  }
}

/**
 * One AWS JSON-protocol operation at a time (`POST /` with `X-Amz-Target`), signed with SigV4 by
 * `@smithy/signature-v4` (the SDK's own signer): what an SDK client would send, for the single
 * operations the functions call on services whose clients the workspace does not carry.
 *
 * @example
 * const sqs = new AwsJsonCaller({ service: 'sqs', region, endpoint: 'https://sqs.eu-west-1.amazonaws.com/', contentType: 'application/x-amz-json-1.0', credentials });
 * const answer = await sqs.call('AmazonSQS.SendMessage', JSON.stringify({ QueueUrl, MessageBody }));
 */
export class AwsJsonCaller {
  private readonly signer: SignatureV4;
  private readonly endpoint: URL;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: AwsJsonCallerOptions) {
    this.endpoint = new URL(options.endpoint);
    this.signer = new SignatureV4({ service: options.service, region: options.region, credentials: options.credentials, sha256: Sha256 });
    this.fetch = options.fetch ?? fetch;
  }

  /** Sends `body` to the operation `target`; throws {@link AwsUnreachableError} when no answer came. */
  async call(target: string, body: string): Promise<AwsJsonAnswer> {
    const { endpoint } = this;
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
      path: endpoint.pathname,
      query: {},
      headers: { host: endpoint.host, 'content-type': this.options.contentType, 'x-amz-target': target },
      body,
    });
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(endpoint, {
        method: 'POST',
        headers: Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')),
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      text = await response.text();
    } catch (error) {
      throw new AwsUnreachableError(`${this.options.service} could not be reached: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const parsed = parseObject(text);
    return { ok: response.ok, status: response.status, errorCode: response.ok ? '' : errorCodeOf(response, parsed), body: parsed, text };
  }
}

/** A refusal's message, as the service words it (or the start of its body). */
export function refusalMessage(answer: AwsJsonAnswer): string {
  return String(answer.body['message'] ?? answer.body['Message'] ?? answer.text.slice(0, 200));
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The error code of a refusal: SQS's query-compatible header, else the JSON `__type` (which may be
 * `namespace#Code` and carry `:` details) or the `x-amzn-errortype` header.
 */
function errorCodeOf(response: Response, body: Record<string, unknown>): string {
  const query = response.headers.get('x-amzn-query-error')?.split(';')[0];
  if (query !== undefined && query !== '') return query;
  const named = body['__type'] ?? response.headers.get('x-amzn-errortype');
  if (typeof named !== 'string' || named === '') return 'Unknown';
  const code = named.split('#').pop()?.split(':')[0];
  return code === undefined || code === '' ? 'Unknown' : code;
}
