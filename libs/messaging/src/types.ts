import type { MessageQueue, SendOptions } from '@mediaflow/domain';

/** One message for {@link AtomicSendGroup.sendAtomically}. */
export interface GroupSend {
  queue: MessageQueue;
  body: string;
  options?: SendOptions;
}

/**
 * A store that can send to several of its queues in one transaction: either every message is
 * stored or none is. The local SQLite broker is one; the event bus uses it so that an event is
 * never delivered to some subscribers and not to others.
 */
export interface AtomicSendGroup {
  /** Sends every message, all or nothing; returns the message ids in the order given. */
  sendAtomically(sends: readonly GroupSend[]): Promise<string[]>;
}

/** A queue that belongs to an {@link AtomicSendGroup}. */
export interface GroupedQueue extends MessageQueue {
  readonly sendGroup: AtomicSendGroup;
}

/**
 * A queue that can change the visibility timeout of a message in flight (SQS
 * `ChangeMessageVisibility`). Not part of the domain port; consumers use it when it is there.
 */
export interface VisibilityExtendable {
  /** Hides the message for `visibilityTimeoutSeconds` from now. A stale receipt throws `ConflictError`. */
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
}

export function isGroupedQueue(queue: MessageQueue): queue is GroupedQueue {
  const group = (queue as Partial<GroupedQueue>).sendGroup;
  return typeof group === 'object' && group !== null && typeof group.sendAtomically === 'function';
}

export function canChangeVisibility(queue: MessageQueue): queue is MessageQueue & VisibilityExtendable {
  return typeof (queue as Partial<VisibilityExtendable>).changeVisibility === 'function';
}
