/**
 * The stage's SQS queues, in memory: visibility timeouts, delays, retention, long polls and redrive to
 * the dead-letter queue, with the semantics of standard queues. The JSON protocol in `sqs.ts`, the SNS
 * deliverer, S3 notifications and the event-source poller all go through this one store.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { QueueSpec } from '../specs.js';
import type { SimLog } from '../types.js';
import { ChangeSignal, systemClock, waitForChange, type MessagingClock } from './clock.js';
import { SqsError, UnknownQueueError } from './errors.js';
import type { MessageAttributes } from './filter-policy.js';
import { md5Hex, md5OfMessageAttributes } from './sqs-messages.js';

/** A message as a receiver gets it. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  /** System attributes: `ApproximateReceiveCount`, `SentTimestamp`, `SenderId`, ... as strings. */
  attributes: Record<string, string>;
  messageAttributes: MessageAttributes;
}

/** A message at rest, for reports and tests (`deadLetters`, `peek`). */
export interface StoredMessageView {
  messageId: string;
  body: string;
  messageAttributes: MessageAttributes;
  receiveCount: number;
  sentTimestamp: number;
  deadLetterSourceArn?: string;
}

export interface EnqueueOptions {
  messageAttributes?: MessageAttributes;
  /** Overrides the queue's `DelaySeconds`. */
  delaySeconds?: number;
  /** Who sent it, as `SenderId` shows it (a role id and session, or the sending service's id). */
  senderId?: string;
}

export interface EnqueueResult {
  messageId: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
}

export interface ReceiveOptions {
  /** 1 to 10; default 1. */
  maxMessages?: number;
  /** Long poll: wait up to this long for a first message; default the queue's `ReceiveMessageWaitTimeSeconds`. */
  waitTimeSeconds?: number;
  /** Overrides the queue's visibility timeout for these messages. */
  visibilityTimeoutSeconds?: number;
  /** Ends a long poll early (the poller stopping). */
  signal?: AbortSignal;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: MessageAttributes;
  md5OfMessageAttributes?: string;
  senderId: string;
  sentTimestamp: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  receiptHandle?: string;
  deadLetterSourceArn?: string;
}

interface Queue {
  spec: QueueSpec;
  /** In arrival order; a standard queue makes no promise of order, so this one is as good as any. */
  messages: Map<string, StoredMessage>;
  lastPurge?: number;
}

export interface SqsQueuesOptions {
  clock?: MessagingClock;
  log?: SimLog;
  /** Shared with the other messaging parts so long polls and `idle()` wake on any change. */
  changes?: ChangeSignal;
}

const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_WAIT_SECONDS = 20;
const PURGE_INTERVAL_MS = 60_000;

export class SqsQueues {
  readonly clock: MessagingClock;
  readonly changes: ChangeSignal;
  private readonly log: SimLog;
  private readonly queues = new Map<string, Queue>();

  constructor(specs: readonly QueueSpec[], options: SqsQueuesOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.changes = options.changes ?? new ChangeSignal();
    this.log = options.log ?? (() => undefined);
    for (const spec of specs) this.queues.set(spec.arn, { spec, messages: new Map() });
    for (const { spec } of this.queues.values()) {
      if (spec.redrive && !this.queues.has(spec.redrive.deadLetterTargetArn)) throw new UnknownQueueError(spec.redrive.deadLetterTargetArn);
    }
  }

  /** Every queue's spec, in the stage's order. */
  specs(): QueueSpec[] {
    return [...this.queues.values()].map((queue) => queue.spec);
  }

  has(queueArn: string): boolean {
    return this.queues.has(queueArn);
  }

  spec(queueArn: string): QueueSpec {
    return this.queue(queueArn).spec;
  }

  /** The ARN of the queue a URL names: the stage's own URL, or any endpoint ending in `/{account}/{name}`. */
  arnOfUrl(url: string): string | undefined {
    for (const { spec } of this.queues.values()) if (spec.url === url) return spec.arn;
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      return undefined;
    }
    const [account, name] = path.split('/').filter(Boolean).slice(-2);
    for (const { spec } of this.queues.values()) {
      if (spec.name === name && spec.arn.split(':')[4] === account) return spec.arn;
    }
    return undefined;
  }

  arnOfName(name: string, accountId?: string): string | undefined {
    for (const { spec } of this.queues.values()) {
      if (spec.name === name && (accountId === undefined || spec.arn.split(':')[4] === accountId)) return spec.arn;
    }
    return undefined;
  }

  /** Sends a message, as SendMessage does once the caller is allowed. */
  enqueue(queueArn: string, body: string, options: EnqueueOptions = {}): EnqueueResult {
    const queue = this.queue(queueArn);
    const now = this.clock.now();
    const messageAttributes = { ...(options.messageAttributes ?? {}) };
    const delaySeconds = options.delaySeconds ?? queue.spec.delaySeconds;
    const md5Attributes = md5OfMessageAttributes(messageAttributes);
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      messageAttributes,
      ...(md5Attributes === undefined ? {} : { md5OfMessageAttributes: md5Attributes }),
      senderId: options.senderId ?? 'AIDASIMULATEDSENDER',
      sentTimestamp: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    queue.messages.set(message.messageId, message);
    this.changes.notify();
    return { messageId: message.messageId, md5OfBody: message.md5OfBody, ...(md5Attributes === undefined ? {} : { md5OfMessageAttributes: md5Attributes }) };
  }

  /**
   * Receives up to `maxMessages`, long-polling until at least one is visible or the wait ends. A
   * message already received `maxReceiveCount` times goes to the dead-letter queue instead, at this
   * receive, as SQS does.
   */
  async receive(queueArn: string, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const queue = this.queue(queueArn);
    const max = options.maxMessages ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'InvalidParameterValue', 'MaxNumberOfMessages must be between 1 and 10.');
    }
    const wait = options.waitTimeSeconds ?? queue.spec.receiveWaitTimeSeconds;
    if (!(wait >= 0 && wait <= MAX_WAIT_SECONDS)) {
      throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'InvalidParameterValue', 'WaitTimeSeconds must be between 0 and 20.');
    }
    const visibility = options.visibilityTimeoutSeconds ?? queue.spec.visibilityTimeoutSeconds;
    checkVisibility(visibility);
    const deadline = this.clock.now() + wait * 1000;
    for (;;) {
      const taken = this.take(queue, max, visibility);
      const now = this.clock.now();
      if (taken.length > 0 || now >= deadline || options.signal?.aborted) return taken;
      const nextVisible = this.nextVisible(queue);
      const until = nextVisible === undefined ? deadline : Math.min(deadline, nextVisible);
      await waitForChange(this.clock, this.changes, until - now, options.signal);
    }
  }

  /** Deletes the message this receipt handle was last given for; an older handle deletes nothing. */
  deleteMessage(queueArn: string, receiptHandle: string): boolean {
    const queue = this.queue(queueArn);
    const message = this.byHandle(queue, receiptHandle);
    if (message?.receiptHandle !== receiptHandle) return false;
    queue.messages.delete(message.messageId);
    this.changes.notify();
    return true;
  }

  /** Sets an in-flight message's visibility timeout, counted from now (0 makes it visible at once). */
  changeVisibility(queueArn: string, receiptHandle: string, seconds: number): void {
    const queue = this.queue(queueArn);
    checkVisibility(seconds);
    const message = this.byHandle(queue, receiptHandle);
    const now = this.clock.now();
    if (message?.receiptHandle !== receiptHandle || message.visibleAt <= now) {
      throw new SqsError(
        'com.amazonaws.sqs#MessageNotInflight',
        'AWS.SimpleQueueService.MessageNotInflight',
        'The message referred to is not in flight.',
      );
    }
    message.visibleAt = now + seconds * 1000;
    this.changes.notify();
  }

  purge(queueArn: string): void {
    const queue = this.queue(queueArn);
    const now = this.clock.now();
    if (queue.lastPurge !== undefined && now - queue.lastPurge < PURGE_INTERVAL_MS) {
      throw new SqsError(
        'com.amazonaws.sqs#PurgeQueueInProgress',
        'AWS.SimpleQueueService.PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${queue.spec.name} is allowed every 60 seconds.`,
        403,
      );
    }
    queue.lastPurge = now;
    queue.messages.clear();
    this.changes.notify();
  }

  depth(queueArn: string): QueueDepth {
    const queue = this.queue(queueArn);
    this.expire(queue);
    const now = this.clock.now();
    const depth: QueueDepth = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of queue.messages.values()) {
      if (message.visibleAt <= now) depth.visible += 1;
      else if (message.receiveCount > 0) depth.inFlight += 1;
      else depth.delayed += 1;
    }
    return depth;
  }

  /** When the next invisible message of the queue becomes visible, if any is waiting. */
  nextVisibleAt(queueArn: string): number | undefined {
    return this.nextVisible(this.queue(queueArn));
  }

  private nextVisible(queue: Queue): number | undefined {
    const now = this.clock.now();
    let next: number | undefined;
    for (const message of queue.messages.values()) {
      if (message.visibleAt > now && (next === undefined || message.visibleAt < next)) next = message.visibleAt;
    }
    return next;
  }

  /** The messages sitting in the dead-letter queue of `queueArn` (its redrive target) that came from it. */
  deadLetters(queueArn: string): StoredMessageView[] {
    const target = this.queue(queueArn).spec.redrive?.deadLetterTargetArn;
    if (target === undefined) return [];
    return this.peek(target).filter((message) => message.deadLetterSourceArn === queueArn);
  }

  /** A queue's messages, without receiving them. */
  peek(queueArn: string): StoredMessageView[] {
    const queue = this.queue(queueArn);
    this.expire(queue);
    return [...queue.messages.values()].map((message) => ({
      messageId: message.messageId,
      body: message.body,
      messageAttributes: message.messageAttributes,
      receiveCount: message.receiveCount,
      sentTimestamp: message.sentTimestamp,
      ...(message.deadLetterSourceArn === undefined ? {} : { deadLetterSourceArn: message.deadLetterSourceArn }),
    }));
  }

  /** Whether a receipt handle is one this store issued (for the protocol's `ReceiptHandleIsInvalid`). */
  isWellFormedHandle(receiptHandle: string): boolean {
    return decodeHandle(receiptHandle) !== undefined;
  }

  private queue(queueArn: string): Queue {
    const queue = this.queues.get(queueArn);
    if (!queue) throw new UnknownQueueError(queueArn);
    return queue;
  }

  private byHandle(queue: Queue, receiptHandle: string): StoredMessage | undefined {
    const messageId = decodeHandle(receiptHandle);
    if (messageId === undefined) {
      throw new SqsError('com.amazonaws.sqs#ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`);
    }
    return queue.messages.get(messageId);
  }

  private expire(queue: Queue): void {
    const oldest = this.clock.now() - queue.spec.messageRetentionSeconds * 1000;
    for (const message of queue.messages.values()) {
      if (message.sentTimestamp <= oldest) queue.messages.delete(message.messageId);
    }
  }

  private take(queue: Queue, max: number, visibilitySeconds: number): ReceivedMessage[] {
    this.expire(queue);
    const now = this.clock.now();
    const taken: ReceivedMessage[] = [];
    for (const message of [...queue.messages.values()]) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      const redrive = queue.spec.redrive;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(queue, message, redrive.deadLetterTargetArn);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.visibleAt = now + visibilitySeconds * 1000;
      message.receiptHandle = encodeHandle(message.messageId);
      taken.push(received(message));
    }
    return taken;
  }

  private moveToDeadLetterQueue(queue: Queue, message: StoredMessage, targetArn: string): void {
    queue.messages.delete(message.messageId);
    const target = this.queue(targetArn);
    // The message keeps its id and its first enqueue time (retention counts from it, as in SQS);
    // its receive count starts again in the dead-letter queue.
    const moved: StoredMessage = {
      messageId: message.messageId,
      body: message.body,
      md5OfBody: message.md5OfBody,
      messageAttributes: message.messageAttributes,
      ...(message.md5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: message.md5OfMessageAttributes }),
      senderId: message.senderId,
      sentTimestamp: message.sentTimestamp,
      visibleAt: this.clock.now(),
      receiveCount: 0,
      deadLetterSourceArn: queue.spec.arn,
    };
    target.messages.set(moved.messageId, moved);
    this.log({
      kind: 'dead-letter',
      source: 'sqs',
      message: `message ${message.messageId} moved from ${queue.spec.name} to ${target.spec.name} after ${message.receiveCount} receives`,
      detail: { messageId: message.messageId, queueArn: queue.spec.arn, deadLetterQueueArn: targetArn, receiveCount: message.receiveCount },
    });
    this.changes.notify();
  }
}

function checkVisibility(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_SECONDS) {
    throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'InvalidParameterValue', `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`);
  }
}

function received(message: StoredMessage): ReceivedMessage {
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentTimestamp),
    SenderId: message.senderId,
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
  };
  if (message.deadLetterSourceArn !== undefined) attributes['DeadLetterQueueSourceArn'] = message.deadLetterSourceArn;
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle as string,
    body: message.body,
    md5OfBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: message.md5OfMessageAttributes }),
    attributes,
    messageAttributes: message.messageAttributes,
  };
}

/** A receipt handle names its message and this receive: `base64url(messageId:random)`. */
function encodeHandle(messageId: string): string {
  return Buffer.from(`${messageId}:${randomBytes(24).toString('base64url')}`).toString('base64url');
}

function decodeHandle(receiptHandle: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(receiptHandle)) return undefined;
  const [messageId, token] = Buffer.from(receiptHandle, 'base64url').toString().split(':');
  return messageId && token ? messageId : undefined;
}
