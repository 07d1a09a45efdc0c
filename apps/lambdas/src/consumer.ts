import { parseKey, type ReceivedMessage } from '@mediaflow/domain';
import type { CoreDeps, ServiceDeps } from '@mediaflow/media-service';
import { currentCorrelationId, withCorrelationId } from '@mediaflow/messaging';
import { sqsBatchHandler } from '@mediaflow/messaging/aws';
import type { HandlerOptions, WorkerHandler } from '@mediaflow/workers';
import type { Context, S3Event, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Runtime } from './composition.js';
import { toLogger } from './observability.js';

/** Builds a queue handler from a step's deps, as `@mediaflow/workers` does. */
export type WorkerFactory<D extends CoreDeps = ServiceDeps> = (deps: D, options: HandlerOptions) => WorkerHandler;

/** What a message says about its item before it is handled: keys for the log lines, the metrics' kind. */
export interface MessageFacts {
  mediaId?: string;
  kind?: string;
  /** The id the producer gave the request (S3's `x-amz-request-id`). */
  requestId?: string;
}

/** A domain event's item and kind (`media.uploaded` and `media.processed` both carry `data.kind`). */
export function eventFacts(message: ReceivedMessage): MessageFacts {
  try {
    const event = JSON.parse(message.body) as { mediaId?: unknown; data?: { kind?: unknown } };
    const facts: MessageFacts = {};
    if (typeof event.mediaId === 'string') facts.mediaId = event.mediaId;
    if (typeof event.data?.kind === 'string') facts.kind = event.data.kind;
    return facts;
  } catch {
    return {};
  }
}

/** An S3 notification's object keys arrive URL-encoded, with `+` for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The created objects of an S3 notification (S3's test event and other event types: none). */
export function objectsCreated(body: string): { key: string; size?: number; requestId?: string }[] {
  const event = JSON.parse(body) as Partial<S3Event>;
  return (event.Records ?? [])
    .filter((record) => record.eventSource === 'aws:s3' && record.eventName.startsWith('ObjectCreated:'))
    .map((record) => {
      const object: { key: string; size?: number; requestId?: string } = { key: decodeS3Key(record.s3.object.key) };
      if (typeof record.s3.object.size === 'number') object.size = record.s3.object.size;
      const requestId = record.responseElements?.['x-amz-request-id'];
      if (requestId) object.requestId = requestId;
      return object;
    });
}

/** The item and S3 request of a message carrying an S3 notification. */
export function s3Facts(message: ReceivedMessage): MessageFacts {
  try {
    const [first] = objectsCreated(message.body);
    if (!first) return {};
    const parsed = parseKey(first.key);
    return { ...(parsed ? { mediaId: parsed.mediaId } : {}), ...(first.requestId ? { requestId: first.requestId } : {}) };
  } catch {
    return {};
  }
}

export interface ConsumerOptions {
  /** The metrics' kind when neither the message nor the handler tell it. */
  kind: string;
  /** Read the message's facts (default: a domain event's). */
  facts?: (message: ReceivedMessage) => MessageFacts;
  /** Run each message through Powertools Idempotency (default true); for steps idempotent by themselves, false. */
  idempotent?: boolean;
}

/**
 * An SQS-triggered function around a worker handler: partial batch failures (only the records
 * that threw are retried), each domain event at most once, one log child per record carrying the
 * SQS message id, the item and kind, and metrics per record. A record's correlation id is the one
 * its event carries (the API request's id, passed on from event to event); a message that carries
 * none (an S3 notification) starts one: S3's id of the upload's request, else the message id. The
 * events the record causes carry it on.
 */
export function queueConsumer<D extends CoreDeps>(
  runtime: Runtime<D>,
  make: WorkerFactory<D>,
  options: ConsumerOptions,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const { deps, config, telemetry } = runtime;
  const readFacts = options.facts ?? eventFacts;
  const perRecord = async (message: ReceivedMessage): Promise<void> => {
    const facts = readFacts(message);
    const correlationId = currentCorrelationId() ?? facts.requestId ?? message.id;
    let kind = facts.kind;
    const logger = telemetry.logger.createChild();
    logger.setCorrelationId(correlationId);
    logger.appendPersistentKeys({
      messageId: message.id,
      receiveCount: message.receiveCount,
      ...(facts.mediaId ? { mediaId: facts.mediaId } : {}),
      ...(facts.requestId ? { s3RequestId: facts.requestId } : {}),
    });
    const log = toLogger(logger);
    // Built per record so its log lines carry this record's keys, even when records run in parallel.
    const handler = make(deps, {
      maxReceives: config.MAX_RECEIVES,
      log: (entry) => {
        if (typeof entry['kind'] === 'string') kind = entry['kind'];
        log(entry);
      },
    });
    await withCorrelationId(correlationId, () => telemetry.measure(() => kind ?? options.kind, () => handler(message)));
  };
  const batch = sqsBatchHandler(options.idempotent === false ? perRecord : runtime.once(perRecord));
  return telemetry.wrap(() => undefined, batch);
}
