import { mapLimit, Semaphore } from './concurrency.js';

describe('mapLimit', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapLimit([5, 1, 4, 2, 3], 2, async (n, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return n * 10 + i;
    });
    expect(result).toEqual([50, 11, 42, 23, 34]);
    expect(peak).toBe(2);
  });

  it('rejects with the first failure', async () => {
    await expect(mapLimit([1, 2, 3], 3, async (n) => (n === 2 ? Promise.reject(new Error('two')) : n))).rejects.toThrow('two');
  });

  it('handles an empty list', async () => {
    await expect(mapLimit([], 4, async () => 1)).resolves.toEqual([]);
  });
});

describe('Semaphore', () => {
  it('lets at most `slots` holders run, in arrival order, and frees slots on failure', async () => {
    const slots = new Semaphore(1);
    const order: string[] = [];
    const hold = (name: string, fail = false) =>
      slots.use(async () => {
        order.push(`start ${name}`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([hold('a'), hold('b', true), hold('c')]);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('needs at least one slot', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
