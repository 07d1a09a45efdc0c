import { AsyncLocalStorage } from 'node:async_hooks';
import { isCorrelationId, type DomainEvent } from '@mediaflow/domain';

export { isCorrelationId };

interface CorrelationScope {
  readonly id: string | undefined;
}

/**
 * The correlation id of the work in progress (a request, a queued job), kept by Node for every
 * asynchronous step that work takes. The event buses read it rather than every use case taking it
 * as a parameter: a correlation id is about where the work came from, which no step decides on.
 */
const scopes = new AsyncLocalStorage<CorrelationScope>();

/**
 * Runs `work` with `id` as the correlation id: the events it publishes on {@link LocalEventBus} or
 * `SnsEventBus` carry it, and loggers can read it with {@link currentCorrelationId}. `undefined`
 * runs it with none (not the caller's): a job is not part of whatever started the consumer.
 *
 * @example
 * await withCorrelationId(requestId, () => next());
 */
export function withCorrelationId<T>(id: string | undefined, work: () => T): T {
  return scopes.run({ id }, work);
}

/** The correlation id of the work in progress, if it has one. */
export function currentCorrelationId(): string | undefined {
  return scopes.getStore()?.id;
}

/**
 * The correlation id a queued message carries on: its `correlationId` (an event's, or an ingest
 * message's), else, for an event that has none, the event's own id, so that what one event causes
 * can still be followed. `undefined` for anything else (an S3 notification, a body that is not JSON).
 */
export function correlationIdOf(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { correlationId, id, type } = parsed as Record<string, unknown>;
  if (isCorrelationId(correlationId)) return correlationId;
  return typeof type === 'string' && isCorrelationId(id) ? id : undefined;
}

/**
 * `event` with the correlation id of the work in progress, unless it already has one (a use case
 * that knows better, an event published again as it was).
 */
export function correlated<E extends DomainEvent>(event: E): E {
  if (event.correlationId !== undefined) return event;
  const id = currentCorrelationId();
  return id === undefined ? event : { ...event, correlationId: id };
}
