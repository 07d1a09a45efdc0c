/**
 * The stage's messaging: SQS queues, SNS topics, EventBridge rules and Lambda's SQS event-source
 * mappings, built from the template's specs and wired to each other.
 */
import type { EventRuleSpec, EventSourceMappingSpec, QueueSpec, SubscriptionSpec, TopicSpec } from '../specs.js';
import type { Invoker, ServiceHandler, SimAccount, SimLog } from '../types.js';
import { Activity } from './activity.js';
import { ChangeSignal, systemClock, waitForChange, type MessagingClock } from './clock.js';
import { createEventsHandler, EventBuses, type PutEventsEntry, type PutEventsResult } from './events.js';
import { EventSourcePollers } from './event-sources.js';
import { createSnsHandler, SnsTopics, type AuthorizeDelivery, type DeliveryOptions } from './sns.js';
import { createSqsHandler } from './sqs.js';
import { SqsQueues } from './sqs-queues.js';

export { Activity } from './activity.js';
export { ChangeSignal, ManualClock, systemClock, type MessagingClock } from './clock.js';
export { compileObjectPattern, type ContentValue } from './content-filter.js';
export { PatternError, SqsError, UnknownQueueError } from './errors.js';
export { compileEventPattern, type EventMatcher } from './event-pattern.js';
export {
  batchOutcome,
  DEFAULT_MAPPING_CONCURRENCY,
  EventSourcePollers,
  toSqsRecord,
  type BatchOutcome,
  type SqsEventRecord,
  type SqsRecordAttribute,
} from './event-sources.js';
export { createEventsHandler, EventBuses, schedulePeriodMs, type EventEnvelope, type PutEventsEntry, type PutEventsResult, type PutEventsResultEntry } from './events.js';
export {
  attributeValues,
  compileFilterPolicy,
  type FilterPolicyScope,
  type MessageAttribute,
  type MessageAttributes,
  type MessageFilter,
} from './filter-policy.js';
export { createSnsHandler, SnsError, SnsTopics, type AuthorizeDelivery, type DeliveryOptions, type PublishInput } from './sns.js';
export { createSqsHandler } from './sqs.js';
export {
  SqsQueues,
  type EnqueueOptions,
  type EnqueueResult,
  type QueueDepth,
  type ReceivedMessage,
  type ReceiveOptions,
  type StoredMessageView,
} from './sqs-queues.js';

export interface MessagingOptions {
  queues: readonly QueueSpec[];
  topics: readonly TopicSpec[];
  subscriptions: readonly SubscriptionSpec[];
  rules: readonly EventRuleSpec[];
  mappings: readonly EventSourceMappingSpec[];
  invoker: Invoker;
  /** Decides from the endpoint's resource policy whether a service may deliver (see `AuthorizeDelivery`). */
  authorizeDelivery: AuthorizeDelivery;
  account: SimAccount;
  log: SimLog;
  clock?: MessagingClock;
  /** Multiplies EventBridge's retry backoff; tests pass a small number. */
  retryBackoffScale?: number;
}

export interface Messaging {
  sqs: ServiceHandler;
  sns: ServiceHandler;
  events: ServiceHandler;
  /** The queues' internal API, for S3 notifications, the MediaConvert stand-in and tests. */
  queues: SqsQueues;
  topics: SnsTopics;
  putEvents(entries: readonly PutEventsEntry[]): PutEventsResult;
  /** Runs a scheduled rule now (by name, ARN or logical id), as when its time comes; returns the event's id. */
  runSchedule(rule: string): string;
  /** Starts the event-source pollers and the scheduled rules' timers. */
  start(): void;
  /** Stops polling, lets received batches finish, and abandons pending EventBridge retries. */
  stop(): Promise<void>;
  /**
   * Resolves once every queue that is not a dead-letter queue is empty (nothing visible, in flight or
   * delayed) and no batch, SNS function delivery or EventBridge delivery is under way. It waits through
   * visibility timeouts on the clock, so with the pollers stopped a non-empty queue keeps it waiting.
   */
  idle(signal?: AbortSignal): Promise<void>;
  /** How many messages each dead-letter queue (redrive target or rule target's DLQ) holds. */
  deadLetterCounts(): Record<string, number>;
}

/** When nothing is scheduled, how long `idle()` sleeps between checks if no change wakes it. */
const IDLE_RECHECK_MS = 60_000;

/**
 * Builds the stage's messaging from its specs.
 *
 * @throws PatternError when a filter policy or event pattern uses what the simulator does not emulate.
 * @example
 * const messaging = createMessaging({ ...stage, invoker, authorizeDelivery, account: DEFAULT_ACCOUNT, log });
 * gateway.register('sqs', messaging.sqs);
 * messaging.start();
 */
export function createMessaging(options: MessagingOptions): Messaging {
  const clock = options.clock ?? systemClock;
  const changes = new ChangeSignal();
  const activity = new Activity(changes);
  const queues = new SqsQueues(options.queues, { clock, log: options.log, changes });
  const shared: DeliveryOptions = { queues, invoker: options.invoker, authorizeDelivery: options.authorizeDelivery, account: options.account, log: options.log, clock, activity };
  const topics = new SnsTopics({ ...shared, topics: options.topics, subscriptions: options.subscriptions });
  const buses = new EventBuses({
    ...shared,
    rules: options.rules,
    ...(options.retryBackoffScale === undefined ? {} : { retryBackoffScale: options.retryBackoffScale }),
  });
  const pollers = new EventSourcePollers({ mappings: options.mappings, queues, invoker: options.invoker, account: options.account, log: options.log, activity });

  const deadLetterQueues = new Set<string>();
  for (const queue of options.queues) if (queue.redrive) deadLetterQueues.add(queue.redrive.deadLetterTargetArn);
  for (const rule of options.rules) for (const target of rule.targets) if (target.deadLetterArn) deadLetterQueues.add(target.deadLetterArn);
  const drained = options.queues.map((queue) => queue.arn).filter((arn) => !deadLetterQueues.has(arn));

  function settled(): boolean {
    if (activity.pending > 0) return false;
    return drained.every((arn) => {
      const depth = queues.depth(arn);
      return depth.visible + depth.inFlight + depth.delayed === 0;
    });
  }

  return {
    sqs: createSqsHandler({ queues, account: options.account }),
    sns: createSnsHandler(topics),
    events: createEventsHandler(buses),
    queues,
    topics,
    putEvents: (entries) => buses.putEvents(entries),
    runSchedule: (rule) => buses.runSchedule(rule),
    start() {
      pollers.start();
      buses.startSchedules();
    },
    async stop() {
      buses.stop();
      await pollers.stop();
    },
    async idle(signal) {
      while (!settled() && !signal?.aborted) {
        const now = clock.now();
        const next = drained.map((arn) => queues.nextVisibleAt(arn)).filter((at): at is number => at !== undefined);
        const wait = next.length > 0 ? Math.max(1, Math.min(...next) - now) : IDLE_RECHECK_MS;
        await waitForChange(clock, changes, wait, signal);
      }
    },
    deadLetterCounts() {
      const counts: Record<string, number> = {};
      for (const arn of deadLetterQueues) {
        if (!queues.has(arn)) continue;
        const depth = queues.depth(arn);
        counts[arn] = depth.visible + depth.inFlight + depth.delayed;
      }
      return counts;
    },
  };
}
