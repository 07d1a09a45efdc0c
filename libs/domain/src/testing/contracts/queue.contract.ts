import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictError } from '../../errors.js';
import type { MessageQueue } from '../../ports.js';

export interface QueueHarness {
  queue: MessageQueue;
  /** The dead-letter queue `queue` redrives to. */
  deadLetter: MessageQueue;
  /** Moves the queue's clock forward (a manual clock, or a real wait for adapters without one). */
  advance(seconds: number): Promise<void>;
  close?: () => Promise<void>;
}

/** What the harness must configure on `queue`. */
export const QUEUE_CONTRACT_SETTINGS = { visibilityTimeoutSeconds: 30, maxReceives: 3 } as const;

/**
 * The behaviour every MessageQueue adapter must have (SQS semantics). The factory must create a
 * queue with {@link QUEUE_CONTRACT_SETTINGS} whose dead-letter queue is `deadLetter`.
 */
export function queueContract(name: string, create: () => Promise<QueueHarness>): void {
  describe(`MessageQueue contract: ${name}`, () => {
    let h: QueueHarness;

    beforeEach(async () => {
      h = await create();
    });

    afterEach(async () => {
      await h.close?.();
    });

    it('delivers a message with its attributes and deletes it on ack', async () => {
      await h.queue.send('{"n":1}', { attributes: { kind: 'image', type: 'media.uploaded' } });
      const [m] = await h.queue.receive();
      expect(m?.body).toBe('{"n":1}');
      expect(m?.attributes).toEqual({ kind: 'image', type: 'media.uploaded' });
      expect(m?.receiveCount).toBe(1);
      await h.queue.ack(m?.receiptHandle as string);
      await h.advance(QUEUE_CONTRACT_SETTINGS.visibilityTimeoutSeconds + 1);
      expect(await h.queue.receive()).toEqual([]);
      expect(await h.queue.depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    });

    it('hides a received message until its visibility timeout ends (a consumer died mid-message)', async () => {
      await h.queue.send('work');
      const [first] = await h.queue.receive();
      expect(first).toBeDefined();
      expect(await h.queue.receive()).toEqual([]);
      expect((await h.queue.depth()).inFlight).toBe(1);
      await h.advance(QUEUE_CONTRACT_SETTINGS.visibilityTimeoutSeconds + 1);
      const [again] = await h.queue.receive();
      expect(again?.id).toBe(first?.id);
      expect(again?.receiveCount).toBe(2);
      // The dead consumer's receipt is stale now; the new one works.
      await expect(h.queue.ack(first?.receiptHandle as string)).rejects.toBeInstanceOf(ConflictError);
      await h.queue.ack(again?.receiptHandle as string);
    });

    it('honours a per-receive visibility timeout', async () => {
      await h.queue.send('short');
      await h.queue.receive({ visibilityTimeoutSeconds: 5 });
      await h.advance(6);
      expect((await h.queue.receive()).map((m) => m.body)).toEqual(['short']);
    });

    it('makes a released message visible again, after an optional delay', async () => {
      await h.queue.send('retry me');
      const [m] = await h.queue.receive();
      await h.queue.release(m?.receiptHandle as string, 10);
      expect(await h.queue.receive()).toEqual([]);
      expect((await h.queue.depth()).delayed).toBe(1);
      await h.advance(11);
      const [back] = await h.queue.receive();
      expect(back?.body).toBe('retry me');
      expect(back?.receiveCount).toBe(2);
    });

    it('moves a message to the dead-letter queue after maxReceives', async () => {
      await h.queue.send('poison', { attributes: { kind: 'image' } });
      for (let i = 1; i <= QUEUE_CONTRACT_SETTINGS.maxReceives; i += 1) {
        const [m] = await h.queue.receive();
        expect(m?.receiveCount).toBe(i);
        await h.advance(QUEUE_CONTRACT_SETTINGS.visibilityTimeoutSeconds + 1);
      }
      expect(await h.queue.receive()).toEqual([]);
      const [dead] = await h.deadLetter.receive();
      expect(dead?.body).toBe('poison');
      expect(dead?.attributes).toEqual({ kind: 'image' });
    });

    it('delays a message sent with delaySeconds', async () => {
      await h.queue.send('later', { delaySeconds: 20 });
      expect(await h.queue.receive()).toEqual([]);
      expect((await h.queue.depth()).delayed).toBe(1);
      await h.advance(21);
      expect((await h.queue.receive()).map((m) => m.body)).toEqual(['later']);
    });

    it('receives in batches of at most maxMessages, oldest first', async () => {
      for (let i = 0; i < 7; i += 1) await h.queue.send(`m${i}`);
      const batch = await h.queue.receive({ maxMessages: 5 });
      expect(batch.map((m) => m.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      const rest = await h.queue.receive({ maxMessages: 5 });
      expect(rest.map((m) => m.body)).toEqual(['m5', 'm6']);
      expect(new Set([...batch, ...rest].map((m) => m.receiptHandle)).size).toBe(7);
    });

    it('long-polls: returns as soon as a message arrives', async () => {
      const pending = h.queue.receive({ waitTimeSeconds: 10 });
      await new Promise((r) => setTimeout(r, 30));
      await h.queue.send('arrived');
      const got = await pending;
      expect(got.map((m) => m.body)).toEqual(['arrived']);
    });

    it('long-polls an empty queue and returns nothing when the wait ends', async () => {
      expect(await h.queue.receive({ waitTimeSeconds: 0.2 })).toEqual([]);
    });

    it('delivers each message to one receiver at a time under concurrent receives', async () => {
      for (let i = 0; i < 20; i += 1) await h.queue.send(`c${i}`);
      const batches = await Promise.all(Array.from({ length: 6 }, () => h.queue.receive({ maxMessages: 5 })));
      const bodies = batches.flat().map((m) => m.body);
      expect(bodies).toHaveLength(20);
      expect(new Set(bodies).size).toBe(20);
    });
  });
}
