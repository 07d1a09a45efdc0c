import { ValidationError } from '../errors.js';
import type { MediaChange, MediaChangeFeed, MediaChangePage, MediaChangeType, MediaRepository } from '../ports.js';

/** Settings of an {@link InMemoryMediaChangeFeed}. */
export interface InMemoryMediaChangeFeedOptions {
  /** How many of the newest changes (of every owner) the log keeps (default 10,000, as the SQLite log). */
  retain?: number;
}

/**
 * A MediaChangeFeed in an array, with the semantics the SQLite adapter must have (the contract
 * suite checks both). It learns of changes through the repositories it {@link track}s: every
 * successful create, update and delete of an existing item is one entry.
 *
 * @example
 * const feed = new InMemoryMediaChangeFeed();
 * const repo = feed.track(new InMemoryMediaRepository());
 * await repo.create(item);
 * await feed.changesAfter(item.ownerId, 0, 100); // { changes: [{ sequence: 1, type: 'created', ... }], ... }
 */
export class InMemoryMediaChangeFeed implements MediaChangeFeed {
  private readonly log: MediaChange[] = [];
  private sequence = 0;
  private readonly retain: number;

  constructor(options: InMemoryMediaChangeFeedOptions = {}) {
    this.retain = options.retain ?? 10_000;
    if (!Number.isInteger(this.retain) || this.retain < 1) throw new ValidationError('retain must be a positive integer');
  }

  /** Appends a change, dropping the oldest entries beyond what the log keeps. */
  record(ownerId: string, mediaId: string, type: MediaChangeType): MediaChange {
    this.sequence += 1;
    const change: MediaChange = { sequence: this.sequence, ownerId, mediaId, type };
    this.log.push(change);
    if (this.log.length > this.retain) this.log.splice(0, this.log.length - this.retain);
    return { ...change };
  }

  /**
   * The same repository, recording each of its writes here. Methods other than create, update and
   * delete pass through untouched, so the wrapper follows the port as it grows.
   */
  track<R extends MediaRepository>(repo: R): R {
    return new Proxy(repo, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (property === 'create' || property === 'update') {
          return async (item: Parameters<MediaRepository['create']>[0], ...rest: unknown[]) => {
            const stored = await (value as (...args: unknown[]) => Promise<typeof item>).call(target, item, ...rest);
            this.record(stored.ownerId, stored.id, property === 'create' ? 'created' : 'updated');
            return stored;
          };
        }
        if (property === 'delete') {
          return async (ownerId: string, id: string) => {
            // Deleting what is not there is a no-op of the port, and no change.
            const existed = (await target.get(ownerId, id)) !== undefined;
            await target.delete(ownerId, id);
            if (existed) this.record(ownerId, id, 'deleted');
          };
        }
        return (value as (...args: unknown[]) => unknown).bind(target);
      },
    });
  }

  async head(): Promise<number> {
    return this.log.at(-1)?.sequence ?? 0;
  }

  async changesAfter(ownerId: string, after: number, limit: number): Promise<MediaChangePage> {
    if (!Number.isSafeInteger(after) || after < 0) throw new ValidationError('after must be a non-negative integer', [{ path: 'after', message: 'invalid' }]);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError('limit must be an integer from 1 to 1000', [{ path: 'limit', message: 'out of range' }]);
    const head = this.log.at(-1)?.sequence ?? 0;
    const oldest = this.log[0]?.sequence;
    const expired = after > head || (oldest !== undefined && after < oldest - 1);
    const changes = this.log.filter((c) => c.ownerId === ownerId && c.sequence > after).slice(0, limit);
    const last = changes.at(-1);
    const next = changes.length === limit && last !== undefined ? last.sequence : head;
    return { changes: changes.map((c) => ({ ...c })), next, expired };
  }
}
