/**
 * Lambda's SQS event-source mappings: each mapping long-polls its queue, gathers batches (up to
 * `batchSize`, waiting at most the batching window to fill one), invokes its function with the
 * records in Lambda's shape, and deletes what the function handled, honouring partial batch
 * responses. What is not deleted comes back after the visibility timeout, and SQS's redrive moves it
 * to the dead-letter queue after `maxReceiveCount` receives.
 */
import type { EventSourceMappingSpec } from '../specs.js';
import type { Invoker, InvokeResult, SimAccount, SimLog } from '../types.js';
import type { Activity } from './activity.js';
import { waitForChange } from './clock.js';
import type { MessageAttributes } from './filter-policy.js';
import type { ReceivedMessage, SqsQueues } from './sqs-queues.js';

/** Batches a mapping runs at once when it sets no `MaximumConcurrency` (Lambda starts with five pollers). */
export const DEFAULT_MAPPING_CONCURRENCY = 5;
const LONG_POLL_SECONDS = 20;

/** An SQS record as Lambda hands it to the function. */
export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsRecordAttribute>;
  md5OfMessageAttributes?: string;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsRecordAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

function recordAttributes(attributes: MessageAttributes): Record<string, SqsRecordAttribute> {
  const out: Record<string, SqsRecordAttribute> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    out[name] = {
      ...(attribute.BinaryValue === undefined ? { stringValue: attribute.StringValue ?? '' } : { binaryValue: attribute.BinaryValue.toString('base64') }),
      stringListValues: [],
      binaryListValues: [],
      dataType: attribute.DataType,
    };
  }
  return out;
}

/** A received message as the record of an SQS event. */
export function toSqsRecord(message: ReceivedMessage, queueArn: string, region: string): SqsEventRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: { ...message.attributes },
    messageAttributes: recordAttributes(message.messageAttributes),
    ...(message.md5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: message.md5OfMessageAttributes }),
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** What Lambda does with a batch once the function has returned. */
export type BatchOutcome =
  /** Delete every message except those listed (an empty list: delete all). */
  | { kind: 'partial'; failed: string[] }
  /** Delete nothing: the whole batch comes back after the visibility timeout. */
  | { kind: 'failed'; reason: string };

/**
 * Lambda's reading of a function's answer. Without `ReportBatchItemFailures`, any answer means the
 * whole batch succeeded. With it, `batchItemFailures` names the messages to retry; an empty or absent
 * list (or no answer at all) is success, and an entry without a valid id of this batch fails it all.
 */
export function batchOutcome(result: InvokeResult, messageIds: readonly string[], reportBatchItemFailures: boolean): BatchOutcome {
  if (result.error) return { kind: 'failed', reason: `${result.error.errorType}: ${result.error.errorMessage}` };
  if (!reportBatchItemFailures) return { kind: 'partial', failed: [] };
  const response = result.result;
  if (response === undefined || response === null) return { kind: 'partial', failed: [] };
  if (typeof response !== 'object' || Array.isArray(response)) return { kind: 'failed', reason: 'the function returned a response that is not a batch response' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'partial', failed: [] };
  if (!Array.isArray(failures)) return { kind: 'failed', reason: 'batchItemFailures is not a list' };
  const ids = new Set(messageIds);
  const failed: string[] = [];
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return { kind: 'failed', reason: `batchItemFailures names ${JSON.stringify(id ?? null)}, not a message of the batch` };
    failed.push(id);
  }
  return { kind: 'partial', failed };
}

export interface EventSourcePollersOptions {
  mappings: readonly EventSourceMappingSpec[];
  queues: SqsQueues;
  invoker: Invoker;
  account: SimAccount;
  log: SimLog;
  activity: Activity;
}

/** The pollers of every enabled SQS mapping of the stage. */
export class EventSourcePollers {
  private controller: AbortController | undefined;
  private loops: Array<Promise<void>> = [];

  constructor(private readonly options: EventSourcePollersOptions) {}

  /** The mappings this poller runs (enabled, on a queue of the stage). */
  get mappings(): EventSourceMappingSpec[] {
    return this.options.mappings.filter((mapping) => mapping.enabled && this.options.queues.has(mapping.eventSourceArn));
  }

  get running(): boolean {
    return this.controller !== undefined;
  }

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    for (const mapping of this.options.mappings) {
      if (!mapping.enabled) continue;
      if (!this.options.queues.has(mapping.eventSourceArn)) {
        this.options.log({ kind: 'info', source: 'lambda', message: `mapping ${mapping.logicalId} reads ${mapping.eventSourceArn}, which is not a queue of the stage; not polled` });
        continue;
      }
      this.loops.push(this.poll(mapping, controller.signal));
    }
  }

  /** Stops polling and waits for the batches already received to be handled. */
  async stop(): Promise<void> {
    const controller = this.controller;
    if (!controller) return;
    controller.abort();
    await Promise.all(this.loops);
    this.loops = [];
    this.controller = undefined;
  }

  private async poll(mapping: EventSourceMappingSpec, signal: AbortSignal): Promise<void> {
    const limit = mapping.maximumConcurrency ?? DEFAULT_MAPPING_CONCURRENCY;
    const running = new Set<Promise<void>>();
    while (!signal.aborted) {
      if (running.size >= limit) {
        await Promise.race(running);
        continue;
      }
      let batch: ReceivedMessage[];
      try {
        batch = await this.collect(mapping, signal);
      } catch (error) {
        this.options.log({ kind: 'info', source: 'lambda', message: `mapping ${mapping.logicalId} could not receive: ${String(error)}` });
        return;
      }
      if (batch.length === 0) continue;
      const handled: Promise<void> = this.options.activity.track(this.handle(mapping, batch)).finally(() => running.delete(handled));
      running.add(handled);
    }
    await Promise.all(running);
  }

  /** Receives a batch: what the first long poll returns, topped up until full or the window ends. */
  private async collect(mapping: EventSourceMappingSpec, signal: AbortSignal): Promise<ReceivedMessage[]> {
    const { queues } = this.options;
    const arn = mapping.eventSourceArn;
    const size = Math.max(1, mapping.batchSize);
    const batch = await queues.receive(arn, { maxMessages: Math.min(10, size), waitTimeSeconds: LONG_POLL_SECONDS, signal });
    if (batch.length === 0) return batch;
    const windowEnd = queues.clock.now() + mapping.maximumBatchingWindowSeconds * 1000;
    while (batch.length < size) {
      const more = await queues.receive(arn, { maxMessages: Math.min(10, size - batch.length), waitTimeSeconds: 0 });
      batch.push(...more);
      const remaining = windowEnd - queues.clock.now();
      if (batch.length >= size || remaining <= 0 || signal.aborted) break;
      if (more.length === 0) await waitForChange(queues.clock, queues.changes, remaining, signal);
    }
    return batch;
  }

  private async handle(mapping: EventSourceMappingSpec, batch: ReceivedMessage[]): Promise<void> {
    const { invoker, queues, log, account } = this.options;
    const arn = mapping.eventSourceArn;
    const records = batch.map((message) => toSqsRecord(message, arn, account.region));
    let result: InvokeResult;
    try {
      result = await invoker.invoke(mapping.functionName, { Records: records }, { type: 'RequestResponse' });
    } catch (error) {
      result = { error: { errorType: 'InvokeError', errorMessage: String(error) } };
    }
    const outcome = batchOutcome(
      result,
      batch.map((message) => message.messageId),
      mapping.reportBatchItemFailures,
    );
    if (outcome.kind === 'failed') {
      log({
        kind: 'invoke-error',
        source: 'lambda',
        message: `${mapping.functionName}: batch of ${batch.length} from ${arn} failed (${outcome.reason}); it returns after the visibility timeout`,
        detail: { mapping: mapping.logicalId, messageIds: batch.map((message) => message.messageId) },
      });
      return;
    }
    const failed = new Set(outcome.failed);
    for (const message of batch) {
      if (!failed.has(message.messageId)) queues.deleteMessage(arn, message.receiptHandle);
    }
    if (failed.size > 0) {
      log({
        kind: 'invoke-error',
        source: 'lambda',
        message: `${mapping.functionName}: ${failed.size} of ${batch.length} messages from ${arn} failed; they return after the visibility timeout`,
        detail: { mapping: mapping.logicalId, messageIds: [...failed] },
      });
    }
  }
}
