import { ConflictError, TimeoutError, type MediaRepository } from '@mediaflow/domain';
import { InMemoryMediaRepository, makeMediaItem } from '@mediaflow/domain/testing';
import { waitingForLocks } from './lock-wait.js';

function locked(): TimeoutError {
  const busy = Object.assign(new Error('database is locked'), { name: 'SqliteError', code: 'SQLITE_BUSY' });
  return new TimeoutError('the media database stayed locked during create', { cause: busy });
}

/** A clock that moves only when the wrapper sleeps, so the budget is counted without real time. */
function fakeTime() {
  let t = 0;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => t,
    sleep: async (ms: number) => {
      pauses.push(ms);
      t += ms;
    },
  };
}

describe('waitingForLocks', () => {
  it('tries again after pauses while the database is locked, and says so once', async () => {
    const inner = new InMemoryMediaRepository();
    let refusals = 3;
    const create = inner.create.bind(inner);
    inner.create = async (item) => {
      if (refusals-- > 0) throw locked();
      return create(item);
    };
    const time = fakeTime();
    const waits: string[] = [];
    const repo = waitingForLocks(inner, { budgetMs: 1000, pauseMs: 100, onWait: (what) => waits.push(what), ...time });
    const item = makeMediaItem({ ownerId: 'alice' });
    await expect(repo.create(item)).resolves.toEqual(item);
    expect(time.pauses).toEqual([100, 100, 100]);
    expect(waits).toEqual(['create']);
  });

  it('lets the TimeoutError through once the budget is spent, the last pause cut to what is left', async () => {
    const inner = new InMemoryMediaRepository();
    inner.get = async () => {
      throw locked();
    };
    const time = fakeTime();
    const repo = waitingForLocks(inner, { budgetMs: 250, pauseMs: 100, ...time });
    await expect(repo.get('alice', 'x')).rejects.toBeInstanceOf(TimeoutError);
    expect(time.pauses).toEqual([100, 100, 50]);
  });

  it('passes every other error straight through', async () => {
    const inner = new InMemoryMediaRepository();
    inner.update = async () => {
      throw new ConflictError('changed');
    };
    inner.delete = async () => {
      throw new TimeoutError('took too long');
    };
    const time = fakeTime();
    const repo = waitingForLocks(inner, { budgetMs: 1000, pauseMs: 100, ...time });
    await expect(repo.update(makeMediaItem(), 1)).rejects.toBeInstanceOf(ConflictError);
    await expect(repo.delete('alice', 'x')).rejects.toThrow('took too long');
    expect(time.pauses).toEqual([]);
  });

  it('offers the optional methods only when the repository has them', async () => {
    const bare: MediaRepository = Object.assign(new InMemoryMediaRepository(), { revision: undefined });
    const withRevision = new InMemoryMediaRepository();
    expect(waitingForLocks(bare, { budgetMs: 1, pauseMs: 1 }).revision).toBeUndefined();
    const wrapped = waitingForLocks(withRevision, { budgetMs: 1, pauseMs: 1 });
    expect(wrapped.listStale).toBeUndefined();
    await expect(wrapped.revision?.('alice')).resolves.toBe('0');
  });
});
