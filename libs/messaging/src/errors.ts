import { MediaError, NotFoundError, type MediaErrorOptions } from '@mediaflow/domain';

/** A queue name that the broker was not configured with. */
export class UnknownQueueError extends NotFoundError {
  constructor(name: string, options?: MediaErrorOptions) {
    super(`no queue named "${name}" is defined`, { ...options, details: { queue: name, ...options?.details } });
  }
}

/** The queue's database was closed; open the queues again to go on. */
export class QueueClosedError extends MediaError {
  constructor(message = 'the queue database is closed', options?: MediaErrorOptions) {
    super('internal', message, options);
  }
}

/** The queue database was written by a newer Mediaflow (a schema version this code does not know). */
export class QueueSchemaError extends MediaError {
  constructor(message: string, options?: MediaErrorOptions) {
    super('internal', message, options);
  }
}
