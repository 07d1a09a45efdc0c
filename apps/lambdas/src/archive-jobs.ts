import { createHash } from 'node:crypto';
import { ArchiveJobMessageSchema, parseOrThrow, type ArchiveJobQueue } from '@mediaflow/domain';
import { currentCorrelationId } from '@mediaflow/messaging';
import { AwsCallError, AwsJsonCaller, refusalMessage, sdkCredentials, type AwsJsonAnswer, type AwsServiceOptions, type SigningCredentials } from './aws-json.js';
import type { LambdaEnv } from './config.js';

/** SQS's endpoint defaults to `https://sqs.<region>.amazonaws.com`. */
export interface SqsArchiveJobQueueOptions extends AwsServiceOptions {
  /** The archive queue's URL (`ARCHIVE_QUEUE_URL`). */
  queueUrl: string;
}

/** SQS's answer to a send it refused or could not take: its error code and message. */
export class ArchiveQueueError extends AwsCallError {}

const JSON_1_0 = 'application/x-amz-json-1.0';

/**
 * The cloud's {@link ArchiveJobQueue}: one SQS `SendMessage` per archive asked for, whose body is
 * `{ ownerId, archiveId, correlationId }` (what the archive function's `buildArchive` reads; the
 * asking request's id, when it runs in one, so the archive function's lines carry it). It speaks the AWS
 * JSON 1.0 protocol the SDK's SQS client speaks, signed with SigV4 (`@smithy/signature-v4`, the
 * SDK's own signer), because the workspace carries no `@aws-sdk/client-sqs`: one operation did not
 * justify it. The body's MD5 SQS answers with is checked, as the SDK checks it.
 *
 * @example
 * const jobs = new SqsArchiveJobQueue({ queueUrl: env.ARCHIVE_QUEUE_URL, region: env.AWS_REGION, credentials: () => sns.config.credentials() });
 * await jobs.enqueue({ ownerId, archiveId });
 */
export class SqsArchiveJobQueue implements ArchiveJobQueue {
  private readonly sqs: AwsJsonCaller;

  constructor(private readonly options: SqsArchiveJobQueueOptions) {
    this.sqs = new AwsJsonCaller({
      service: 'sqs',
      region: options.region,
      endpoint: options.endpoint ?? `https://sqs.${options.region}.amazonaws.com/`,
      contentType: JSON_1_0,
      credentials: options.credentials,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
    });
  }

  async enqueue(job: { ownerId: string; archiveId: string }): Promise<void> {
    const correlationId = currentCorrelationId();
    const message = JSON.stringify(parseOrThrow(ArchiveJobMessageSchema, correlationId === undefined ? job : { ...job, correlationId }, 'archive job'));
    let answer: AwsJsonAnswer;
    try {
      answer = await this.sqs.call('AmazonSQS.SendMessage', JSON.stringify({ QueueUrl: this.options.queueUrl, MessageBody: message }));
    } catch (error) {
      throw new ArchiveQueueError(`the archive queue could not be reached: ${error instanceof Error ? error.message : String(error)}`, 0, 'NetworkError', { cause: error });
    }
    if (!answer.ok) {
      throw new ArchiveQueueError(`SQS refused the archive job (${answer.status} ${answer.errorCode}): ${refusalMessage(answer)}`, answer.status, answer.errorCode);
    }
    const md5 = createHash('md5').update(message, 'utf8').digest('hex');
    if (answer.body['MD5OfMessageBody'] !== md5) {
      throw new ArchiveQueueError(`SQS answered MD5 ${String(answer.body['MD5OfMessageBody'])} for a message whose MD5 is ${md5}`, answer.status, 'ChecksumMismatch');
    }
  }
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

