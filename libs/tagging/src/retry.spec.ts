import { backoffDelay, RetryOptionsSchema, sleep, withRetry } from './retry.js';
import { Semaphore } from '@mediaflow/domain';

const options = RetryOptionsSchema.parse({ attempts: 4, baseDelayMs: 100, maxDelayMs: 250 });

describe('backoffDelay', () => {
  it('is a random share of a doubling cap, never above the maximum', () => {
    expect(backoffDelay(0, options, () => 0.999)).toBe(99);
    expect(backoffDelay(1, options, () => 0.5)).toBe(100);
    expect(backoffDelay(5, options, () => 0.999)).toBe(249);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });
});

describe('withRetry', () => {
  const waits: number[] = [];
  const hooks = { retryable: (e: unknown) => e === 'busy', random: () => 1, wait: async (ms: number) => void waits.push(ms) };
  beforeEach(() => waits.splice(0));

  it('retries retryable failures with growing waits, then succeeds', async () => {
    let calls = 0;
    const result = await withRetry(async () => (++calls < 3 ? Promise.reject('busy') : 'ok'), options, hooks);
    expect(result).toBe('ok');
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after the configured attempts with the last error', async () => {
    let calls = 0;
    await expect(withRetry(async () => Promise.reject((++calls, 'busy')), options, hooks)).rejects.toBe('busy');
    expect(calls).toBe(4);
  });

  it('does not retry other failures', async () => {
    let calls = 0;
    await expect(withRetry(async () => Promise.reject((++calls, 'broken')), options, hooks)).rejects.toBe('broken');
    expect(calls).toBe(1);
  });

  it('stops when the signal aborts during a wait', async () => {
    const controller = new AbortController();
    const promise = withRetry(async () => Promise.reject('busy'), RetryOptionsSchema.parse({ baseDelayMs: 60_000 }), { retryable: () => true }, controller.signal);
    controller.abort(new Error('stop'));
    await expect(promise).rejects.toThrow('stop');
  });
});

describe('sleep', () => {
  it('rejects at once for an aborted signal', async () => {
    await expect(sleep(10_000, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});

describe('Semaphore', () => {
  it('lets at most `slots` callers in at once', async () => {
    const semaphore = new Semaphore(2);
    let inside = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const task = () =>
      semaphore.use(async () => {
        most = Math.max(most, ++inside);
        await new Promise<void>((resolve) => release.push(resolve));
        inside--;
      });
    const all = Promise.all([task(), task(), task(), task()]);
    for (let round = 0; round < 10; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      release.shift()?.();
    }
    await all;
    expect(most).toBe(2);
  });

  it('drops a waiter whose signal aborts', async () => {
    const semaphore = new Semaphore(1);
    let open!: () => void;
    const first = semaphore.use(() => new Promise<void>((resolve) => (open = resolve)));
    const controller = new AbortController();
    const second = semaphore.use(async () => 'ran', controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(second).rejects.toThrow('cancelled');
    open();
    await first;
    await expect(semaphore.use(async () => 'free')).resolves.toBe('free');
  });

  it('refuses zero slots', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
