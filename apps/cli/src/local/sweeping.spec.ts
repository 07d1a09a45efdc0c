import type { MessageQueue } from '@mediaflow/domain';
import { ClockedIds, InMemoryEventBus, InMemoryMediaRepository, InMemoryObjectStore, ManualClock } from '@mediaflow/domain/testing';
import { ServiceConfigSchema, type ServiceDeps, type SweeperDeps } from '@mediaflow/media-service';
import type { FsObjectStore } from '@mediaflow/storage/fs';
import { localSweeperDeps, startSweeping } from './sweeping.js';

/** Sweeper deps whose temp-file step reports each run and can be held open or made to fail. */
function deps(step: (run: number) => Promise<number>): SweeperDeps & { runs: () => number } {
  const clock = new ManualClock('2026-06-01T00:00:00.000Z');
  let runs = 0;
  return {
    repo: new InMemoryMediaRepository(),
    store: new InMemoryObjectStore(clock),
    bus: new InMemoryEventBus(),
    ids: new ClockedIds(clock),
    clock,
    config: ServiceConfigSchema.parse({}),
    sweepTemporaryFiles: () => step((runs += 1)),
    runs: () => runs,
  };
}

describe('startSweeping', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('sweeps at once and then every interval, logging runs that changed something', async () => {
    const d = deps(async (run) => (run === 2 ? 3 : 0));
    const logs: Record<string, unknown>[] = [];
    const sweeping = startSweeping(d, { intervalSeconds: 60, graceSeconds: 3600 }, (e) => logs.push(e));
    await jest.advanceTimersByTimeAsync(0);
    expect(d.runs()).toBe(1);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(d.runs()).toBe(2);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(d.runs()).toBe(3);
    await sweeping.stop();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(d.runs()).toBe(3);
    expect(logs).toEqual([expect.objectContaining({ level: 'info', msg: 'swept the data directory', temporaryFiles: 3 })]);
  });

  it('never runs two sweeps at once, and logs a failed one without stopping the schedule', async () => {
    let finish: (() => void) | undefined;
    const d = deps(async (run) => {
      if (run === 1) await new Promise<void>((done) => (finish = done));
      if (run === 2) throw new Error('disk went away');
      return 0;
    });
    const logs: Record<string, unknown>[] = [];
    const sweeping = startSweeping(d, { intervalSeconds: 10, graceSeconds: 3600 }, (e) => logs.push(e));
    // The first run outlasts three ticks: none of them starts another.
    await jest.advanceTimersByTimeAsync(30_000);
    expect(d.runs()).toBe(1);
    finish?.();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(d.runs()).toBe(2);
    expect(logs).toEqual([expect.objectContaining({ level: 'error', msg: 'sweep failed', error: expect.stringContaining('disk went away') })]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(d.runs()).toBe(3);
    await sweeping.stop();
  });

  it('runs once when the interval is 0, and stop waits for the run in progress', async () => {
    let finish: (() => void) | undefined;
    const d = deps(async () => {
      await new Promise<void>((done) => (finish = done));
      return 0;
    });
    const sweeping = startSweeping(d, { intervalSeconds: 0, graceSeconds: 3600 }, () => undefined);
    await jest.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = sweeping.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish?.();
    await stopping;
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(d.runs()).toBe(1);
  });
});

describe('localSweeperDeps', () => {
  it('keeps the store\u2019s temp files (parts of multipart uploads) for the resume window and the part URL lifetime at least', async () => {
    const ages: number[] = [];
    const store = { sweepTemporaryFiles: async (age: number) => ages.push(age) } as unknown as FsObjectStore;
    const config = ServiceConfigSchema.parse({ uploadResumeWindowSeconds: 3 * 24 * 3600, uploadPartUrlTtlSeconds: 900 });
    const deps = localSweeperDeps({ config } as ServiceDeps, store, {} as MessageQueue);
    await deps.sweepTemporaryFiles?.(24 * 3600);
    await deps.sweepTemporaryFiles?.(4 * 24 * 3600);
    expect(ages).toEqual([3 * 24 * 3600 + 900, 4 * 24 * 3600]);
  });
});
