/**
 * `@mediaflow/messaging`: the event bus and queue consumer used by the local stack. The durable
 * SQLite queue is at `@mediaflow/messaging/sqlite`, so code that does not use it does not load it.
 */
export { DEFAULT_RETRY_BACKOFF, retryDelaySeconds, type RetryBackoff } from './backoff.js';
export { correlated, correlationIdOf, currentCorrelationId, isCorrelationId, withCorrelationId } from './correlation.js';
export { QueueClosedError, QueueSchemaError, UnknownQueueError } from './errors.js';
export { matchesPolicy, type FilterPolicy } from './filter-policy.js';
export { LocalEventBus, type Subscription } from './local-event-bus.js';
export {
  PollingConsumer,
  type ConsumerErrorContext,
  type ConsumerErrorStage,
  type PollingConsumerOptions,
} from './polling-consumer.js';
export {
  canChangeVisibility,
  isGroupedQueue,
  type AtomicSendGroup,
  type GroupedQueue,
  type GroupSend,
  type VisibilityExtendable,
} from './types.js';
