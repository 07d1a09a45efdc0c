/**
 * Serialises async critical sections by name within this process. Used to commit an object's data
 * file and its metadata sidecar as one step, so that concurrent writers of one key cannot end up
 * pairing one writer's bytes with another writer's metadata.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier holder of `name` has finished. */
  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(name, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      // Only the last waiter removes the entry, so the map does not grow with every key ever used.
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }
}

/**
 * One lock table for the whole process: two stores (or a store and its multipart uploads) on the
 * same root directory must exclude each other, and lock names are absolute paths.
 */
export const processLocks = new KeyedLock();
