/**
 * Test doubles for the messaging services: specs shaped like the stage's, an invoker that records
 * calls and answers from a script, and a log that keeps its lines.
 */
import type { EventSourceMappingSpec, QueueSpec, SubscriptionSpec, TopicSpec } from '../specs.js';
import { DEFAULT_ACCOUNT, type Invoker, type InvokeResult, type SimEvent, type SimLog } from '../types.js';

const { accountId, region } = DEFAULT_ACCOUNT;

export function queueSpec(name: string, overrides: Partial<QueueSpec> = {}): QueueSpec {
  return {
    logicalId: `${name}Queue`,
    name,
    arn: `arn:aws:sqs:${region}:${accountId}:${name}`,
    url: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
    fifo: false,
    visibilityTimeoutSeconds: 30,
    messageRetentionSeconds: 345_600,
    delaySeconds: 0,
    receiveWaitTimeSeconds: 0,
    ...overrides,
  };
}

export function topicSpec(name: string): TopicSpec {
  return { logicalId: `${name}Topic`, name, arn: `arn:aws:sns:${region}:${accountId}:${name}` };
}

export function subscriptionSpec(topic: TopicSpec, queue: QueueSpec, overrides: Partial<SubscriptionSpec> = {}): SubscriptionSpec {
  return {
    logicalId: `${queue.name}Subscription`,
    topicArn: topic.arn,
    protocol: 'sqs',
    endpoint: queue.arn,
    filterPolicyScope: 'MessageAttributes',
    rawMessageDelivery: true,
    ...overrides,
  };
}

export function mappingSpec(queue: QueueSpec, functionName: string, overrides: Partial<EventSourceMappingSpec> = {}): EventSourceMappingSpec {
  return {
    logicalId: `${functionName}Mapping`,
    functionName,
    eventSourceArn: queue.arn,
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    reportBatchItemFailures: true,
    enabled: true,
    ...overrides,
  };
}

export interface RecordedInvocation {
  functionName: string;
  event: unknown;
  type: 'RequestResponse' | 'Event' | undefined;
}

/** An invoker that records each call and answers with `respond` (default: success, no result). */
export class ScriptedInvoker implements Invoker {
  readonly calls: RecordedInvocation[] = [];

  constructor(public respond: (call: RecordedInvocation) => InvokeResult | Promise<InvokeResult> = () => ({})) {}

  async invoke(functionName: string, event: unknown, options?: { type?: 'RequestResponse' | 'Event' }): Promise<InvokeResult> {
    const call = { functionName, event, type: options?.type };
    this.calls.push(call);
    return this.respond(call);
  }
}

export function recordingLog(): SimLog & { events: SimEvent[] } {
  const events: SimEvent[] = [];
  return Object.assign((event: SimEvent) => void events.push(event), { events });
}

/** Lets pending promise chains run for `count` macrotask turns (the clock does not move). */
export async function turns(count = 50): Promise<void> {
  for (let turn = 0; turn < count; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Lets pending promise chains run until `done()` holds.
 *
 * @throws Error when it still does not hold after `limit` turns: the state the test waits for never came.
 */
export async function until(done: () => boolean, limit = 500): Promise<void> {
  for (let turn = 0; turn < limit; turn += 1) {
    if (done()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!done()) throw new Error(`not reached after ${limit} turns: ${done.toString()}`);
}
