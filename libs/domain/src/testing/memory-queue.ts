import { randomUUID } from 'node:crypto';
import { ConflictError } from '../errors.js';
import { systemClock, type Clock } from '../ids.js';
import type { MessageAttributes, MessageQueue, ReceivedMessage, ReceiveOptions, SendOptions } from '../ports.js';

export interface QueueSettings {
  /** Default visibility timeout after a receive. */
  visibilityTimeoutSeconds: number;
  /** After this many receives without an ack, the next receive moves the message to `deadLetter`. */
  maxReceives: number;
  /** Where exhausted messages go; without one they are dropped after `maxReceives`. */
  deadLetter?: MessageQueue;
}

interface Entry {
  id: string;
  body: string;
  attributes: MessageAttributes;
  sentAt: Date;
  visibleAt: number;
  receiveCount: number;
  receipt: string | undefined;
}

/**
 * A queue in memory with SQS semantics (visibility timeout, receive count, dead-letter redrive,
 * delay, batch receive, long poll). Time comes from a Clock so tests can jump past timeouts.
 */
export class InMemoryQueue implements MessageQueue {
  private readonly entries: Entry[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly settings: QueueSettings = { visibilityTimeoutSeconds: 30, maxReceives: 5 },
    private readonly clock: Clock = systemClock,
  ) {}

  async send(body: string, options: SendOptions = {}): Promise<string> {
    const now = this.clock.now();
    const entry: Entry = {
      id: randomUUID(),
      body,
      attributes: { ...(options.attributes ?? {}) },
      sentAt: now,
      visibleAt: now.getTime() + (options.delaySeconds ?? 0) * 1000,
      receiveCount: 0,
      receipt: undefined,
    };
    this.entries.push(entry);
    this.wake();
    return entry.id;
  }

  async receive(options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + (options.waitTimeSeconds ?? 0) * 1000;
    for (;;) {
      const received = await this.receiveNow(options);
      if (received.length > 0 || Date.now() >= deadline) return received;
      await this.waitForSend(deadline - Date.now());
    }
  }

  private async receiveNow(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const max = Math.max(1, Math.min(options.maxMessages ?? 1, 10));
    const visibility = (options.visibilityTimeoutSeconds ?? this.settings.visibilityTimeoutSeconds) * 1000;
    const out: ReceivedMessage[] = [];
    for (const entry of [...this.entries]) {
      if (out.length >= max) break;
      const now = this.clock.now().getTime();
      if (entry.visibleAt > now) continue;
      if (entry.receiveCount >= this.settings.maxReceives) {
        this.remove(entry);
        if (this.settings.deadLetter) await this.settings.deadLetter.send(entry.body, { attributes: entry.attributes });
        continue;
      }
      entry.receiveCount += 1;
      entry.receipt = randomUUID();
      entry.visibleAt = now + visibility;
      out.push({
        id: entry.id,
        body: entry.body,
        attributes: { ...entry.attributes },
        receiptHandle: entry.receipt,
        receiveCount: entry.receiveCount,
        sentAt: entry.sentAt,
      });
    }
    return out;
  }

  async ack(receiptHandle: string): Promise<void> {
    const entry = this.byReceipt(receiptHandle);
    this.remove(entry);
  }

  async release(receiptHandle: string, delaySeconds = 0): Promise<void> {
    const entry = this.byReceipt(receiptHandle);
    entry.receipt = undefined;
    entry.visibleAt = this.clock.now().getTime() + delaySeconds * 1000;
    this.wake();
  }

  async depth(): Promise<{ visible: number; inFlight: number; delayed: number }> {
    const now = this.clock.now().getTime();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const e of this.entries) {
      if (e.visibleAt <= now) visible += 1;
      else if (e.receipt !== undefined) inFlight += 1;
      else delayed += 1;
    }
    return { visible, inFlight, delayed };
  }

  private byReceipt(receiptHandle: string): Entry {
    const now = this.clock.now().getTime();
    const entry = this.entries.find((e) => e.receipt === receiptHandle);
    // A receipt is only good while the message is still invisible to others.
    if (!entry || entry.visibleAt <= now) throw new ConflictError('receipt handle is no longer valid');
    return entry;
  }

  private remove(entry: Entry): void {
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.entries.splice(index, 1);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves on the next send or release, or after a short tick (a delay may have run out). */
  private waitForSend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, 50)));
      this.waiters.push(done);
    });
  }
}
