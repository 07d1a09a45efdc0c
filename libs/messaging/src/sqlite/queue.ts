import { performance } from 'node:perf_hooks';
import {
  ConflictError,
  ValidationError,
  type Clock,
  type MessageAttributes,
  type MessageQueue,
  type ReceivedMessage,
  type ReceiveOptions,
  type SendOptions,
} from '@mediaflow/domain';
import { QueueClosedError } from '../errors.js';
import type { AtomicSendGroup, GroupedQueue, VisibilityExtendable } from '../types.js';
import { checkSeconds, toMillis, type QueueDefinition } from './definitions.js';
import type { Notifier } from './notifier.js';
import type { ClaimRequest, MessageRow, NewMessage, QueueStore } from './store.js';

/** The longest a single receive may wait (SQS allows 20 s). */
const MAX_WAIT_SECONDS = 20;
/** The longest delay of a send or release (SQS allows 15 minutes). */
const MAX_DELAY_SECONDS = 900;
/** At most this many messages per receive, as in SQS. */
const MAX_BATCH = 10;

/** Where a stored message stands right now. */
export type MessageState = 'visible' | 'inFlight' | 'delayed';

/** A stored message as `list` shows it, without receiving it. */
export interface QueuedMessage {
  id: string;
  body: string;
  attributes: MessageAttributes;
  /** Receives in this queue so far (a dead-lettered or redriven message starts again at 0). */
  receiveCount: number;
  sentAt: Date;
  state: MessageState;
  /** When the message came here as a dead letter: from where, after how many receives, and when. */
  deadLetter?: { sourceQueue: string; receiveCount: number; at: Date };
}

export interface ListOptions {
  /** At most this many messages (default 100, at most 1000). */
  limit?: number;
  /** Continue after the message with this id (the last one of the previous page). */
  afterId?: string;
}

/** What a queue needs from its broker; kept narrow so the queue does not own the connection. */
export interface QueueContext {
  readonly store: QueueStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly pollIntervalMs: number;
  readonly sendGroup: AtomicSendGroup;
  isClosed(): boolean;
}

/**
 * One named queue in a SQLite file, with SQS semantics: at-least-once delivery, a visibility
 * timeout after each receive, a receive count, redrive to a dead-letter queue after
 * `maxReceives`, delays, batches of up to 10 and long polls. Get one from
 * {@link SqliteQueueBroker.queue}; several processes may open the same file.
 */
export class SqliteQueue implements MessageQueue, GroupedQueue, VisibilityExtendable {
  /** @internal Created by the broker. */
  constructor(
    readonly name: string,
    private readonly definition: QueueDefinition,
    private readonly context: QueueContext,
  ) {}

  /** The broker: sends to several of its queues can share one transaction (see the event bus). */
  get sendGroup(): AtomicSendGroup {
    return this.context.sendGroup;
  }

  async send(body: string, options: SendOptions = {}): Promise<string> {
    const [id] = this.storeMessages([this.newMessage(body, options)]);
    return id as string;
  }

  async receive(options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const max = Math.max(1, Math.min(Math.trunc(options.maxMessages ?? 1), MAX_BATCH));
    const visibilitySeconds = options.visibilityTimeoutSeconds ?? this.definition.visibilityTimeoutSeconds;
    checkSeconds('visibilityTimeoutSeconds', visibilitySeconds);
    const waitSeconds = options.waitTimeSeconds ?? 0;
    checkSeconds('waitTimeSeconds', waitSeconds, MAX_WAIT_SECONDS);
    const request: ClaimRequest = { queue: this.name, max, visibilityMs: toMillis(visibilitySeconds) };
    const { deadLetter, maxReceives } = this.definition;
    if (deadLetter !== undefined && maxReceives !== undefined) request.deadLetter = { queue: deadLetter, maxReceives };

    const deadline = performance.now() + waitSeconds * 1000;
    for (;;) {
      const received = this.claim(request);
      if (received.length > 0) return received;
      const left = deadline - performance.now();
      if (left <= 0) return [];
      // Woken at once by a send in this process; other processes' sends are seen on the next tick.
      await this.context.notifier.wait(this.name, Math.min(left, this.context.pollIntervalMs));
      // Closing the broker ends long polls quietly, so stopping consumers do not see errors.
      if (this.context.isClosed()) return [];
    }
  }

  async ack(receiptHandle: string): Promise<void> {
    if (!this.store().ack(this.name, receiptHandle, this.now())) throw staleReceipt(this.name);
  }

  async release(receiptHandle: string, delaySeconds = 0): Promise<void> {
    checkSeconds('delaySeconds', delaySeconds, MAX_DELAY_SECONDS);
    const now = this.now();
    if (!this.store().release(this.name, receiptHandle, now, now + toMillis(delaySeconds))) throw staleReceipt(this.name);
    if (delaySeconds === 0) this.context.notifier.notify(this.name);
  }

  /**
   * Hides a message in flight for `visibilityTimeoutSeconds` from now (SQS `ChangeMessageVisibility`),
   * e.g. as a heartbeat while a long handler runs. A stale receipt throws `ConflictError`.
   */
  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    checkSeconds('visibilityTimeoutSeconds', visibilityTimeoutSeconds);
    const now = this.now();
    const visibleAt = now + toMillis(visibilityTimeoutSeconds);
    if (!this.store().changeVisibility(this.name, receiptHandle, now, visibleAt)) throw staleReceipt(this.name);
  }

  async depth(): Promise<{ visible: number; inFlight: number; delayed: number }> {
    return this.store().depth(this.name, this.now());
  }

  /**
   * The stored messages, oldest first, without receiving them (for `mediaflow dlq list`).
   *
   * @example
   * for (const m of await broker.queue('image-dlq').list({ limit: 20 })) console.log(m.id, m.deadLetter?.sourceQueue);
   */
  async list(options: ListOptions = {}): Promise<QueuedMessage[]> {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new ValidationError('limit must be an integer between 1 and 1000', [{ path: 'limit', message: 'must be 1-1000' }]);
    }
    const now = this.now();
    return this.store()
      .list(this.name, limit, options.afterId)
      .map((row) => toQueuedMessage(row, now));
  }

  /** Deletes every message that is not in flight; returns how many. */
  async purge(): Promise<number> {
    return this.store().purge(this.name, this.now());
  }

  /**
   * @internal Moves up to `max` messages that are not in flight to `target` (a queue of the same
   * broker), oldest first, in one transaction; see {@link redrive}.
   */
  redriveTo(target: SqliteQueue, max = Number.MAX_SAFE_INTEGER): number {
    if (!Number.isInteger(max) || max < 0) {
      throw new ValidationError('max must be a non-negative integer', [{ path: 'max', message: 'must be >= 0' }]);
    }
    if (target.context.store !== this.context.store) {
      throw new ValidationError('redrive moves messages within one database: open both queues from the same broker', [
        { path: 'to', message: 'not from the same broker' },
      ]);
    }
    if (target === this) throw new ValidationError('cannot redrive a queue into itself', [{ path: 'to', message: 'same queue' }]);
    const moved = this.store().redrive(this.name, target.name, max, this.now());
    if (moved > 0) this.context.notifier.notify(target.name);
    return moved;
  }

  /** @internal Checks a send and turns it into a row for the store. */
  newMessage(body: string, options: SendOptions): NewMessage {
    const delaySeconds = options.delaySeconds ?? 0;
    checkSeconds('delaySeconds', delaySeconds, MAX_DELAY_SECONDS);
    return { queue: this.name, body, attributes: { ...(options.attributes ?? {}) }, delayMs: toMillis(delaySeconds) };
  }

  /** @internal Stores messages (of any queues of this broker) in one transaction and wakes their pollers. */
  storeMessages(messages: readonly NewMessage[]): string[] {
    const ids = this.store().send(messages, this.now());
    for (const queue of new Set(messages.map((m) => m.queue))) this.context.notifier.notify(queue);
    return ids;
  }

  private claim(request: ClaimRequest): ReceivedMessage[] {
    const { rows, moved } = this.store().claim(request, this.now());
    if (moved > 0 && request.deadLetter) this.context.notifier.notify(request.deadLetter.queue);
    return rows.map(toReceivedMessage);
  }

  private store(): QueueStore {
    if (this.context.isClosed()) throw new QueueClosedError(`queue "${this.name}": the database is closed`);
    return this.context.store;
  }

  private now(): number {
    return this.context.clock.now().getTime();
  }
}

function staleReceipt(queue: string): ConflictError {
  return new ConflictError('receipt handle is no longer valid (acked, timed out or received again)', { details: { queue } });
}

function toReceivedMessage(row: MessageRow): ReceivedMessage {
  return {
    id: row.id,
    body: row.body,
    attributes: parseAttributes(row.attributes),
    receiptHandle: row.receipt ?? '',
    receiveCount: row.receive_count,
    sentAt: new Date(row.sent_at),
  };
}

function toQueuedMessage(row: MessageRow, now: number): QueuedMessage {
  const state: MessageState = row.visible_at <= now ? 'visible' : row.receipt === null ? 'delayed' : 'inFlight';
  const message: QueuedMessage = {
    id: row.id,
    body: row.body,
    attributes: parseAttributes(row.attributes),
    receiveCount: row.receive_count,
    sentAt: new Date(row.sent_at),
    state,
  };
  if (row.dead_letter_source !== null) {
    message.deadLetter = {
      sourceQueue: row.dead_letter_source,
      receiveCount: row.dead_letter_receives ?? 0,
      at: new Date(row.dead_lettered_at ?? row.sent_at),
    };
  }
  return message;
}

/** Attributes were written by `send` as a JSON object of strings; anything else is dropped. */
function parseAttributes(json: string): MessageAttributes {
  const parsed: unknown = JSON.parse(json);
  const attributes: MessageAttributes = {};
  if (typeof parsed === 'object' && parsed !== null) {
    for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') attributes[key] = value;
  }
  return attributes;
}
