import { MediaAccessKeeper, type MediaAccess, type MediaAccessEnv } from './media-access';

/** A clock, timers and page visibility the test moves by hand. */
function manualEnv() {
  let now = Date.parse('2027-01-01T00:00:00Z');
  const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
  const visible = new Set<() => void>();
  const env: MediaAccessEnv = {
    now: () => now,
    setTimer: (run, ms) => {
      const timer = { at: now + ms, run, cancelled: false };
      timers.push(timer);
      return () => void (timer.cancelled = true);
    },
    onVisible: (listener) => {
      visible.add(listener);
      return () => visible.delete(listener);
    },
  };
  const settle = () => new Promise((done) => setTimeout(done, 0));
  return {
    env,
    /** Moves the clock, running the timers that came due (a sleeping tab passes `fire: false`). */
    async advance(ms: number, fire = true) {
      now += ms;
      if (fire) {
        for (const timer of timers.filter((t) => !t.cancelled && t.at <= now)) {
          timer.cancelled = true;
          timer.run();
        }
      }
      await settle();
    },
    async show() {
      for (const listener of visible) listener();
      await settle();
    },
    pending: () => timers.filter((t) => !t.cancelled).length,
    listeners: () => visible.size,
    at: (ms: number) => new Date(now + ms).toISOString(),
  };
}

describe('MediaAccessKeeper', () => {
  it('asks once on start, then again at half the lifetime', async () => {
    const clock = manualEnv();
    const grant = jest.fn(async (): Promise<MediaAccess> => ({ expiresAt: clock.at(3_600_000) }));
    const keeper = new MediaAccessKeeper(grant, clock.env);
    await keeper.start();
    expect(grant).toHaveBeenCalledTimes(1);
    await clock.advance(1_799_000);
    expect(grant).toHaveBeenCalledTimes(1);
    await clock.advance(1_000);
    expect(grant).toHaveBeenCalledTimes(2);
    await clock.advance(1_800_000);
    expect(grant).toHaveBeenCalledTimes(3);
    keeper.stop();
  });

  it('asks at once when the page becomes visible after the half-life passed while its timers slept', async () => {
    const clock = manualEnv();
    const grant = jest.fn(async (): Promise<MediaAccess> => ({ expiresAt: clock.at(3_600_000) }));
    const keeper = new MediaAccessKeeper(grant, clock.env);
    await keeper.start();
    await clock.show();
    expect(grant).toHaveBeenCalledTimes(1);
    await clock.advance(2_000_000, false);
    await clock.show();
    expect(grant).toHaveBeenCalledTimes(2);
    keeper.stop();
  });

  it('has nothing to refresh when media needs no cookie (expiresAt null)', async () => {
    const clock = manualEnv();
    const grant = jest.fn(async (): Promise<MediaAccess> => ({ expiresAt: null }));
    const keeper = new MediaAccessKeeper(grant, clock.env);
    await keeper.start();
    expect(clock.pending()).toBe(0);
    await clock.advance(10 * 3_600_000, false);
    await clock.show();
    expect(grant).toHaveBeenCalledTimes(1);
    keeper.stop();
  });

  it('settles start even when the grant fails, and tries again later', async () => {
    const clock = manualEnv();
    const grant = jest.fn<Promise<MediaAccess>, []>().mockRejectedValueOnce(new Error('offline')).mockResolvedValue({ expiresAt: clock.at(3_600_000) });
    const keeper = new MediaAccessKeeper(grant, clock.env);
    await expect(keeper.start()).resolves.toBeUndefined();
    await clock.advance(30_000);
    expect(grant).toHaveBeenCalledTimes(2);
    keeper.stop();
  });

  it('stops: no timer left, no visibility listener, no late schedule', async () => {
    const clock = manualEnv();
    let answer: (access: MediaAccess) => void = () => undefined;
    const keeper = new MediaAccessKeeper(() => new Promise((done) => (answer = done)), clock.env);
    const started = keeper.start();
    keeper.stop();
    answer({ expiresAt: clock.at(3_600_000) });
    await started;
    expect(clock.pending()).toBe(0);
    expect(clock.listeners()).toBe(0);
  });
});
