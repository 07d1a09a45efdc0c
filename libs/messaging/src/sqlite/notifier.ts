/**
 * Wakes long polls in this process when a queue gets a message. Other processes' sends are not
 * seen here, so waits are also cut into short ticks after which the poller looks at the database.
 */
export class Notifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Resolves on `notify(topic)`, `notifyAll()` or after `ms`, whichever is first. */
  wait(topic: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(topic);
      if (!set) {
        set = new Set();
        this.waiters.set(topic, set);
      }
      const waiters = set;
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiters.get(topic) === waiters) this.waiters.delete(topic);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      waiters.add(done);
    });
  }

  notify(topic: string): void {
    const set = this.waiters.get(topic);
    if (set) for (const done of [...set]) done();
  }

  notifyAll(): void {
    for (const topic of [...this.waiters.keys()]) this.notify(topic);
  }
}
