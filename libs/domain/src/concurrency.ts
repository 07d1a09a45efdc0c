/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order.
 * The first rejection rejects the whole map; calls already started are left to finish.
 *
 * @example
 * await mapLimit(outputs, 2, (o) => encode(o));
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * A counting semaphore: at most `slots` holders at once, the others wait in arrival order. A
 * waiter whose signal aborts leaves the queue, so a cancelled request never takes a slot it no
 * longer needs.
 *
 * @example
 * const calls = new Semaphore(5);
 * await calls.use(() => client.send(command), signal);
 */
export class Semaphore {
  private available: number;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`a semaphore needs at least one slot, got ${slots}`);
    this.available = slots;
  }

  async use<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next.grant();
    else this.available++;
  }
}
