import { TimeoutError } from '@mediaflow/domain';
import { Deadline } from './deadline.js';

describe('Deadline', () => {
  it('counts down from its budget on the clock it is given', () => {
    let now = 1000;
    const deadline = new Deadline(2500, 'job', () => now);
    expect(deadline.remainingMs()).toBe(2500);
    expect(deadline.remainingSeconds()).toBe(3);
    now = 3400;
    expect(deadline.remainingMs()).toBe(100);
    expect(deadline.remainingSeconds()).toBe(1);
    now = 9999;
    expect(deadline.remainingMs()).toBe(0);
    expect(() => deadline.check()).toThrow(TimeoutError);
  });

  it('passes results and errors of steps that finish in time', async () => {
    const deadline = new Deadline(60_000);
    await expect(deadline.run(Promise.resolve(42))).resolves.toBe(42);
    await expect(deadline.run(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('releases the caller from a step that never finishes', async () => {
    const deadline = new Deadline(20, 'stuck job');
    const never = new Promise<never>(() => undefined);
    await expect(deadline.run(never)).rejects.toThrow(TimeoutError);
    await expect(deadline.run(never)).rejects.toThrow(/stuck job exceeded its time limit of 20 ms/);
  });

  it('signals when the budget runs out, with its TimeoutError as the reason', async () => {
    const deadline = new Deadline(20, 'stuck job');
    const { signal } = deadline;
    expect(signal.aborted).toBe(false);
    expect(deadline.signal).toBe(signal);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    expect(signal.reason).toBeInstanceOf(TimeoutError);
    expect((signal.reason as Error).message).toBe('stuck job exceeded its time limit of 20 ms');
  });

  it('gives an aborted signal once the budget is spent', () => {
    let now = 0;
    const deadline = new Deadline(100, 'job', () => now);
    now = 100;
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(TimeoutError);
  });
});
