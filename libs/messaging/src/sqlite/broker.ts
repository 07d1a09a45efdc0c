import { systemClock, ValidationError, type Clock } from '@mediaflow/domain';
import { UnknownQueueError } from '../errors.js';
import type { AtomicSendGroup, GroupSend } from '../types.js';
import { validateDefinitions, type QueueDefinition, type QueueDefinitions } from './definitions.js';
import { Notifier } from './notifier.js';
import { SqliteQueue, type QueueContext } from './queue.js';
import { QueueStore } from './store.js';

export interface SqliteQueueOptions {
  /** Where visibility timeouts and delays take the time from (default: the system clock). */
  clock?: Clock;
  /**
   * How often an idle long poll looks at the database (default 100 ms). Sends in this process
   * wake pollers at once; this bounds how late a send by another process is seen.
   */
  pollIntervalMs?: number;
  /** How long a statement waits for another process's write lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * `full` (default) syncs every commit to disk, so an acknowledged send survives a power cut;
   * `normal` survives a process crash only, and is faster.
   */
  synchronous?: 'normal' | 'full';
}

/**
 * Many named queues in one SQLite file (WAL mode), each with its own settings. Dead-letter queues
 * are queues of the same file, so moving a message there is one transaction. Several brokers (in
 * this process or others) may open the same file: every claim is one `UPDATE ... RETURNING` inside
 * `BEGIN IMMEDIATE`, so a message is never handed to two receivers at once.
 *
 * @example
 * const broker = openQueues('.mediaflow/queues.db', {
 *   image: { visibilityTimeoutSeconds: 120, maxReceives: 5, deadLetter: 'image-dlq' },
 *   'image-dlq': { visibilityTimeoutSeconds: 30 },
 * });
 * await broker.queue('image').send(JSON.stringify(event), { attributes: { kind: 'image' } });
 */
export class SqliteQueueBroker<Name extends string = string> implements AtomicSendGroup {
  private readonly store: QueueStore;
  private readonly notifier = new Notifier();
  private readonly queues = new Map<string, SqliteQueue>();
  private isClosed = false;

  constructor(
    /** The database file (created when missing). */
    readonly path: string,
    definitions: QueueDefinitions<Name>,
    options: SqliteQueueOptions = {},
  ) {
    validateDefinitions(definitions);
    const pollIntervalMs = options.pollIntervalMs ?? 100;
    if (!(pollIntervalMs > 0)) throw new ValidationError('pollIntervalMs must be positive', [{ path: 'pollIntervalMs', message: 'must be > 0' }]);
    this.store = new QueueStore(path, { busyTimeoutMs: options.busyTimeoutMs ?? 5000, synchronous: options.synchronous ?? 'full' });
    const context: QueueContext = {
      store: this.store,
      notifier: this.notifier,
      clock: options.clock ?? systemClock,
      pollIntervalMs,
      sendGroup: this,
      isClosed: () => this.isClosed,
    };
    for (const [name, definition] of Object.entries<QueueDefinition>(definitions)) {
      this.queues.set(name, new SqliteQueue(name, { ...definition }, context));
    }
  }

  /** The names of the defined queues. */
  get names(): Name[] {
    return [...this.queues.keys()] as Name[];
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The queue with this name; throws `UnknownQueueError` for a name that was not defined. */
  queue(name: Name): SqliteQueue {
    const queue = this.queues.get(name);
    if (!queue) throw new UnknownQueueError(name);
    return queue;
  }

  /**
   * Sends to several queues of this broker in one transaction: all messages are stored or none.
   * Every queue must come from this broker.
   */
  async sendAtomically(sends: readonly GroupSend[]): Promise<string[]> {
    const first = sends[0];
    if (!first) return [];
    const messages = sends.map((s) => this.own(s.queue).newMessage(s.body, s.options ?? {}));
    return this.own(first.queue).storeMessages(messages);
  }

  /**
   * Moves up to `max` messages that are not in flight from one queue to another, oldest first, in
   * one transaction (for `mediaflow dlq redrive`). Moved messages start again with receive count 0
   * and are visible at once. Returns how many moved.
   */
  async redrive(from: Name, to: Name, max?: number): Promise<number> {
    return this.queue(from).redriveTo(this.queue(to), max);
  }

  /**
   * Closes the database. Long polls in progress end with no messages; later calls on the queues
   * throw `QueueClosedError`. Idempotent.
   */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.notifier.notifyAll();
    this.store.close();
  }

  private own(queue: unknown): SqliteQueue {
    if (queue instanceof SqliteQueue && this.queues.get(queue.name) === queue) return queue;
    throw new ValidationError('every queue of an atomic send must belong to this broker', [{ path: 'queue', message: 'not from this broker' }]);
  }
}

/**
 * Opens (creating when needed) the queue database at `path` with these queues.
 *
 * @example
 * const broker = openQueues(path, { work: { visibilityTimeoutSeconds: 30, maxReceives: 5, deadLetter: 'dlq' }, dlq: { visibilityTimeoutSeconds: 30 } });
 * const work = broker.queue('work');
 */
export function openQueues<Name extends string>(
  path: string,
  definitions: QueueDefinitions<Name>,
  options: SqliteQueueOptions = {},
): SqliteQueueBroker<Name> {
  return new SqliteQueueBroker(path, definitions, options);
}
