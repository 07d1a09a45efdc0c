/**
 * The simulator's shared vocabulary. Every emulated service receives an authenticated `AwsRequest`,
 * names what IAM must allow for it (`Authorization`), and answers an `AwsResponse`. The gateway
 * (`gateway/`) does the signature check and the IAM decision between the two, so a service never
 * sees a call its caller's role does not allow.
 */

/** The account, region and partition the stage pretends to live in. */
export interface SimAccount {
  accountId: string;
  region: string;
  partition: string;
}

export const DEFAULT_ACCOUNT: SimAccount = { accountId: '123456789012', region: 'us-east-1', partition: 'aws' };

/** Condition keys and their values for one request (`aws:SourceArn`, `s3:prefix`, ...). */
export type ConditionContext = Record<string, string | string[] | boolean | number | undefined>;

/** Who makes a call. */
export type Principal =
  /** A function (or the MediaConvert job) acting with a role from the template. */
  | { type: 'role'; roleArn: string; sessionName: string; accessKeyId: string }
  /** An AWS service acting on its own behalf (CloudFront through OAC, SNS delivering to SQS, S3 notifying). */
  | { type: 'service'; service: string; sourceArn?: string; sourceAccount?: string }
  /** No signature at all (a browser's CORS preflight, an unsigned GET). */
  | { type: 'anonymous' };

/** One thing IAM must allow: `s3:PutObject` on `arn:aws:s3:::bucket/originals/a.jpg`. */
export interface Authorization {
  action: string;
  resource: string;
  context?: ConditionContext;
}

/** A parsed, signature-checked request to an emulated AWS service. */
export interface AwsRequest {
  /** The SigV4 signing name (`s3`, `dynamodb`, `sns`, `sqs`, `mediaconvert`, `rekognition`, `events`). */
  service: string;
  method: string;
  /** The path without the query, percent-decoded segments kept as sent. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
  principal: Principal;
}

export interface AwsResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** An emulated service behind the gateway. */
export interface ServiceHandler {
  /** Everything IAM must allow before `handle` runs (CreateJob also needs `iam:PassRole`, ...). */
  authorizations(request: AwsRequest): Authorization[] | Promise<Authorization[]>;
  handle(request: AwsRequest): Promise<AwsResponse>;
  /**
   * How this service's protocol spells a refusal: an XML `<Error><Code>AccessDenied</Code>` for
   * S3/SNS, a JSON `__type` for the JSON protocols.
   */
  denied(request: AwsRequest, message: string): AwsResponse;
}

/** Invokes a function of the stage as Lambda would. */
export interface Invoker {
  /**
   * `RequestResponse` waits for the result; `Event` queues it (asynchronous invocation, retried per the
   * function's EventInvokeConfig). A function error comes back as `error`, never a throw.
   */
  invoke(functionName: string, event: unknown, options?: { type?: 'RequestResponse' | 'Event' }): Promise<InvokeResult>;
}

export interface InvokeResult {
  result?: unknown;
  error?: { errorType: string; errorMessage: string; trace?: string[] };
  /** Wall time of the invocation in milliseconds. */
  durationMs?: number;
}

/** A line for the stage's log: what was denied, what was dropped, what went to a dead-letter queue. */
export interface SimEvent {
  kind: 'denied' | 'dead-letter' | 'dropped' | 'invoke-error' | 'info';
  source: string;
  message: string;
  detail?: Record<string, unknown>;
}

export type SimLog = (event: SimEvent) => void;
