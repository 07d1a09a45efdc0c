import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { LISTED_STATUSES } from '../lifecycle.js';
import type { MediaItem } from '../media.js';
import type { MediaRepository, OwnerRecords, ReviewQueue, TagCount } from '../ports.js';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, type ListQuery, type Page } from '../query.js';
import { compareTrashed, trashCursorBinding, type TrashQuery } from '../trash.js';
import { storedBytes, type StorageUsage } from '../usage.js';

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Tag names an item is indexed under (AI, user and metadata tags alike). */
export function indexedTags(item: MediaItem): string[] {
  return [...new Set(item.tags.map((t) => t.name))];
}

/** Whether an item waits for a moderator: held, and not yet decided. */
function awaitsReview(item: MediaItem): boolean {
  return item.status === 'flagged' && item.moderation.verdict === 'flagged';
}

/** Review-queue order: media id, then owner (two owners could in principle hold the same id). */
function reviewOrder(a: MediaItem, b: MediaItem): number {
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.ownerId < b.ownerId ? -1 : a.ownerId > b.ownerId ? 1 : 0;
}

/** The review queue spans owners, so its cursors are bound to the queue alone. */
const REVIEW_CURSOR_BINDING = { ownerId: '', scope: 'review-queue' } as const;

/**
 * A MediaRepository in Maps, with the same semantics the SQLite and DynamoDB adapters must have
 * (the contract suite checks all three): owner scoping, conditional updates, hash claims,
 * newest-first cursor pagination. It is also the moderators' {@link ReviewQueue} over the same items.
 */
export class InMemoryMediaRepository implements MediaRepository, ReviewQueue, OwnerRecords {
  private readonly items = new Map<string, MediaItem>();
  private readonly hashes = new Map<string, string>();
  private readonly revisions = new Map<string, number>();
  /** Owners whose account was deleted (`OwnerRecords.forgetOwner`). */
  private readonly deletedOwners = new Set<string>();

  private touch(ownerId: string): void {
    this.revisions.set(ownerId, (this.revisions.get(ownerId) ?? 0) + 1);
  }

  /** Every stored item of one owner (copies), in no particular order: what a search over memory reads. */
  itemsOf(ownerId: string): MediaItem[] {
    return [...this.items.values()].filter((i) => i.ownerId === ownerId).map(clone);
  }

  async revision(ownerId: string): Promise<string> {
    return String(this.revisions.get(ownerId) ?? 0);
  }

  private static itemKey(ownerId: string, id: string): string {
    return `${ownerId}\u0000${id}`;
  }

  async create(item: MediaItem): Promise<MediaItem> {
    if (item.version !== 1) throw new ValidationError('a new item starts at version 1');
    const key = InMemoryMediaRepository.itemKey(item.ownerId, item.id);
    if (this.items.has(key)) throw new ConflictError(`item ${item.id} already exists`);
    const sha = item.original.sha256;
    if (sha !== undefined) {
      const existingId = this.hashes.get(InMemoryMediaRepository.itemKey(item.ownerId, sha));
      if (existingId !== undefined) {
        throw new ConflictError('the owner already has this content', { details: { existingId } });
      }
      this.hashes.set(InMemoryMediaRepository.itemKey(item.ownerId, sha), item.id);
    }
    this.items.set(key, clone(item));
    this.touch(item.ownerId);
    return clone(item);
  }

  async get(ownerId: string, id: string): Promise<MediaItem | undefined> {
    const item = this.items.get(InMemoryMediaRepository.itemKey(ownerId, id));
    return item ? clone(item) : undefined;
  }

  async update(next: MediaItem, expectedVersion: number): Promise<MediaItem> {
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    const key = InMemoryMediaRepository.itemKey(next.ownerId, next.id);
    const current = this.items.get(key);
    if (!current) throw new NotFoundError(`item ${next.id} not found`);
    if (current.version !== expectedVersion) {
      throw new ConflictError(`item ${next.id} changed (version ${current.version}, expected ${expectedVersion})`, {
        details: { currentVersion: current.version },
      });
    }
    const oldSha = current.original.sha256;
    const newSha = next.original.sha256;
    if (newSha !== oldSha) {
      if (newSha !== undefined) {
        const claimKey = InMemoryMediaRepository.itemKey(next.ownerId, newSha);
        const existingId = this.hashes.get(claimKey);
        if (existingId !== undefined && existingId !== next.id) {
          throw new ConflictError('the owner already has this content', { details: { existingId } });
        }
        this.hashes.set(claimKey, next.id);
      }
      if (oldSha !== undefined) this.hashes.delete(InMemoryMediaRepository.itemKey(next.ownerId, oldSha));
    }
    this.items.set(key, clone(next));
    this.touch(next.ownerId);
    return clone(next);
  }

  async list(ownerId: string, query: ListQuery): Promise<Page<MediaItem>> {
    const binding = { ownerId, kind: query.kind, status: query.status, tag: query.tag };
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, binding).after;
    const matching = [...this.items.values()]
      .filter((i) => i.ownerId === ownerId && LISTED_STATUSES.includes(i.status))
      .filter((i) => query.kind === undefined || i.kind === query.kind)
      .filter((i) => query.status === undefined || i.status === query.status)
      .filter((i) => query.tag === undefined || indexedTags(i).includes(query.tag))
      .filter((i) => after === undefined || i.id < after)
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const items = matching.slice(0, query.limit).map(clone);
    const last = items[items.length - 1];
    if (matching.length > query.limit && last) {
      return { items, nextCursor: encodeCursor({ after: last.id }, binding) };
    }
    return { items };
  }

  async listTrash(ownerId: string, query: TrashQuery): Promise<Page<MediaItem>> {
    const binding = trashCursorBinding(ownerId);
    const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor, binding);
    const start = position === undefined ? undefined : { id: position.after, updatedAt: position.extra?.['t'] ?? '' };
    const matching = [...this.items.values()]
      .filter((i) => i.ownerId === ownerId && i.status === 'trashed')
      .filter((i) => start === undefined || compareTrashed(start, i) < 0)
      .sort(compareTrashed);
    const items = matching.slice(0, query.limit).map(clone);
    const last = items[items.length - 1];
    if (matching.length > query.limit && last) {
      return { items, nextCursor: encodeCursor({ after: last.id, extra: { t: last.updatedAt } }, binding) };
    }
    return { items };
  }

  async listTrashedBefore(before: Date, limit: number): Promise<MediaItem[]> {
    const cutoff = before.toISOString();
    return [...this.items.values()]
      .filter((i) => i.status === 'trashed' && i.updatedAt < cutoff)
      .sort((a, b) => -compareTrashed(a, b))
      .slice(0, limit)
      .map(clone);
  }

  async usage(ownerId: string): Promise<StorageUsage> {
    const usage: StorageUsage = { bytes: 0, items: 0 };
    for (const item of this.items.values()) {
      if (item.ownerId !== ownerId || item.status === 'deleted') continue;
      usage.bytes += storedBytes(item);
      usage.items += 1;
    }
    return usage;
  }

  async findByHash(ownerId: string, sha256: string): Promise<MediaItem | undefined> {
    const id = this.hashes.get(InMemoryMediaRepository.itemKey(ownerId, sha256));
    return id === undefined ? undefined : this.get(ownerId, id);
  }

  async tagCounts(ownerId: string): Promise<TagCount[]> {
    const counts = new Map<string, number>();
    for (const item of this.items.values()) {
      if (item.ownerId !== ownerId || !LISTED_STATUSES.includes(item.status)) continue;
      for (const name of indexedTags(item)) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return [...counts.entries()]
      .map(([name, count]) => ({ name, count }))
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  }

  async delete(ownerId: string, id: string): Promise<void> {
    const key = InMemoryMediaRepository.itemKey(ownerId, id);
    const item = this.items.get(key);
    if (!item) return;
    const sha = item.original.sha256;
    if (sha !== undefined && this.hashes.get(InMemoryMediaRepository.itemKey(ownerId, sha)) === id) {
      this.hashes.delete(InMemoryMediaRepository.itemKey(ownerId, sha));
    }
    this.items.delete(key);
    this.touch(ownerId);
  }

  async listForReview(query: { cursor?: string | undefined; limit: number }): Promise<Page<MediaItem>> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
      throw new ValidationError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor, REVIEW_CURSOR_BINDING);
    const after = position === undefined ? undefined : { id: position.after, ownerId: position.extra?.['o'] ?? '' };
    const matching = [...this.items.values()]
      .filter((i) => awaitsReview(i) && (after === undefined || i.id > after.id || (i.id === after.id && i.ownerId > after.ownerId)))
      .sort(reviewOrder);
    const items = matching.slice(0, query.limit).map(clone);
    const last = items[items.length - 1];
    if (matching.length > query.limit && last !== undefined) {
      return { items, nextCursor: encodeCursor({ after: last.id, extra: { o: last.ownerId } }, REVIEW_CURSOR_BINDING) };
    }
    return { items };
  }
  /** The owner's items in any status, by id (`OwnerRecords`). */
  async listOwnerMedia(ownerId: string, cursor: string | undefined, limit: number): Promise<Page<MediaItem>> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError('limit must be 1 to 1000');
    const binding = { ownerId, scope: 'owner-media' };
    const after = cursor === undefined ? '' : decodeCursor(cursor, binding).after;
    const all = [...this.items.values()].filter((i) => i.ownerId === ownerId && i.id > after).sort((a, b) => (a.id < b.id ? -1 : 1));
    const items = all.slice(0, limit).map(clone);
    const last = items[items.length - 1];
    return all.length > limit && last !== undefined ? { items, nextCursor: encodeCursor({ after: last.id }, binding) } : { items };
  }

  /**
   * Nothing is kept beside the items here but the revision, which moves on rather than going (a
   * page cached for the deleted account is never current again), and the tombstone (`OwnerRecords`).
   */
  async forgetOwner(ownerId: string): Promise<void> {
    if (this.itemsOf(ownerId).length > 0) throw new ConflictError('the owner still has items: delete them first');
    this.touch(ownerId);
    this.deletedOwners.add(ownerId);
  }

  async isDeleted(ownerId: string): Promise<boolean> {
    return this.deletedOwners.has(ownerId);
  }
}
