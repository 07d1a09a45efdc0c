import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { ShareLink, ShareLinkRepository, ShareTarget } from '../shares.js';

function clone<T>(value: T): T {
  return structuredClone(value);
}

function key(ownerId: string, id: string): string {
  return `${ownerId}\u0000${id}`;
}

function sameTarget(a: ShareTarget, b: ShareTarget): boolean {
  if (a.type === 'media') return b.type === 'media' && a.mediaId === b.mediaId;
  return b.type === 'album' && a.albumId === b.albumId;
}

/**
 * A ShareLinkRepository in Maps, the reference the SQLite and DynamoDB adapters are checked
 * against (by `shareLinkRepositoryContract`).
 *
 * Semantics every adapter shares, beyond the port's text:
 * - `lastOpenedAt` belongs to `touchShare` alone: an update keeps the stored one (a visit recorded
 *   between the owner's read and write is not undone), and a touch only ever moves it forward;
 * - touching a missing link does nothing (the visit it records is already over);
 * - an update may change the token hash (a new token for the same link), refused with a
 *   `ConflictError` when another link holds it.
 */
export class MemoryShareLinkRepository implements ShareLinkRepository {
  private readonly links = new Map<string, ShareLink>();
  /** token hash -> link key */
  private readonly byHash = new Map<string, string>();

  async createShare(link: ShareLink): Promise<ShareLink> {
    if (link.version !== 1) throw new ValidationError('a new link starts at version 1');
    const k = key(link.ownerId, link.id);
    if (this.links.has(k)) throw new ConflictError(`link ${link.id} already exists`);
    if (this.byHash.has(link.tokenHash)) throw new ConflictError('another link has this token');
    this.links.set(k, clone(link));
    this.byHash.set(link.tokenHash, k);
    return clone(link);
  }

  async getShareByTokenHash(tokenHash: string): Promise<ShareLink | undefined> {
    const k = this.byHash.get(tokenHash);
    const link = k === undefined ? undefined : this.links.get(k);
    return link === undefined ? undefined : clone(link);
  }

  async getShare(ownerId: string, shareId: string): Promise<ShareLink | undefined> {
    const link = this.links.get(key(ownerId, shareId));
    return link === undefined ? undefined : clone(link);
  }

  async listShares(ownerId: string, options: { target?: ShareTarget; limit: number }): Promise<ShareLink[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new ValidationError('limit must be a positive integer');
    const { target } = options;
    return [...this.links.values()]
      .filter((l) => l.ownerId === ownerId && (target === undefined || sameTarget(l.target, target)))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, options.limit)
      .map(clone);
  }

  async updateShare(next: ShareLink, expectedVersion: number): Promise<ShareLink> {
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    const k = key(next.ownerId, next.id);
    const current = this.links.get(k);
    if (current === undefined) throw new NotFoundError(`link ${next.id} not found`);
    if (current.version !== expectedVersion) {
      throw new ConflictError(`link ${next.id} changed (version ${current.version}, expected ${expectedVersion})`, {
        details: { currentVersion: current.version },
      });
    }
    if (next.tokenHash !== current.tokenHash && this.byHash.has(next.tokenHash)) throw new ConflictError('another link has this token');
    const stored = clone(next);
    if (current.lastOpenedAt === undefined) delete stored.lastOpenedAt;
    else stored.lastOpenedAt = current.lastOpenedAt;
    this.byHash.delete(current.tokenHash);
    this.byHash.set(stored.tokenHash, k);
    this.links.set(k, stored);
    return clone(stored);
  }

  async touchShare(ownerId: string, shareId: string, at: Date): Promise<void> {
    const link = this.links.get(key(ownerId, shareId));
    const iso = at.toISOString();
    if (link !== undefined && (link.lastOpenedAt === undefined || link.lastOpenedAt < iso)) link.lastOpenedAt = iso;
  }

  async deleteShare(ownerId: string, shareId: string): Promise<void> {
    const k = key(ownerId, shareId);
    const link = this.links.get(k);
    if (link === undefined) return;
    this.byHash.delete(link.tokenHash);
    this.links.delete(k);
  }
}
