import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type ShareLink,
  type ShareLinkRepository,
  type ShareTarget,
} from '@mediaflow/domain';
import { SHARE_SQL } from './share-sql.js';
import type { SqliteSession } from './sqlite-session.js';

interface JsonRow {
  json: string;
}

interface LinkStateRow {
  version: number;
  token_hash: string;
  last_opened_at: string | null;
}

function fromRow(row: JsonRow): ShareLink {
  // Written only by this class from a typed ShareLink (touch sets one ISO string), so it is read
  // back without re-validating.
  return JSON.parse(row.json) as ShareLink;
}

/** The target as the two indexed columns. */
function targetColumns(target: ShareTarget): { type: string; target: string } {
  return target.type === 'media' ? { type: 'media', target: target.mediaId } : { type: 'album', target: target.albumId };
}

/**
 * The `ShareLinkRepository` of the local stack, on the SQLite file (and connection) of a
 * {@link SqliteMediaRepository}: get one from its `shares()`. Same semantics as the in-memory
 * reference, checked by the shared contract suite.
 *
 * - A visitor's lookup is one primary-key read by the token's hash; every other call is scoped by
 *   owner through the unique (owner, id) index.
 * - Writes are `BEGIN IMMEDIATE` transactions, conditional on the version; `touchShare` is one
 *   statement that only moves `lastOpenedAt` forward and leaves the version alone, and an update
 *   keeps the stored `lastOpenedAt` (visits belong to `touchShare`).
 * - Usable until the media repository that made it is closed.
 */
export class SqliteShareLinkRepository implements ShareLinkRepository {
  private readonly createTx: (link: ShareLink) => void;
  private readonly updateTx: (next: ShareLink, expectedVersion: number) => ShareLink;

  /** Bound to the session of a media repository; see {@link SqliteMediaRepository.shares}. */
  constructor(private readonly session: SqliteSession) {
    this.createTx = session.immediate((link: ShareLink) => this.createNow(link));
    this.updateTx = session.immediate((next: ShareLink, expectedVersion: number) => this.updateNow(next, expectedVersion));
  }

  private state(ownerId: string, shareId: string): LinkStateRow | undefined {
    return this.session.statement(SHARE_SQL.state).get({ owner: ownerId, id: shareId }) as LinkStateRow | undefined;
  }

  private hashHeld(tokenHash: string): boolean {
    return this.session.statement(SHARE_SQL.hashHeld).get({ hash: tokenHash }) !== undefined;
  }

  private createNow(link: ShareLink): void {
    if (this.state(link.ownerId, link.id) !== undefined) throw new ConflictError(`link ${link.id} already exists`);
    if (this.hashHeld(link.tokenHash)) throw new ConflictError('another link has this token');
    this.session.statement(SHARE_SQL.insert).run({
      hash: link.tokenHash,
      owner: link.ownerId,
      id: link.id,
      ...targetColumns(link.target),
      version: link.version,
      json: JSON.stringify(link),
    });
  }

  async createShare(link: ShareLink): Promise<ShareLink> {
    if (link.version !== 1) throw new ValidationError('a new link starts at version 1');
    this.session.guard('share create', () => this.createTx(link));
    return structuredClone(link);
  }

  async getShareByTokenHash(tokenHash: string): Promise<ShareLink | undefined> {
    const row = this.session.guard('share getByTokenHash', () => this.session.statement(SHARE_SQL.byHash).get({ hash: tokenHash })) as
      | JsonRow
      | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  async getShare(ownerId: string, shareId: string): Promise<ShareLink | undefined> {
    const row = this.session.guard('share get', () => this.session.statement(SHARE_SQL.get).get({ owner: ownerId, id: shareId })) as
      | JsonRow
      | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  async listShares(ownerId: string, options: { target?: ShareTarget; limit: number }): Promise<ShareLink[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new ValidationError('limit must be a positive integer');
    const { target, limit } = options;
    const rows = this.session.guard('share list', () =>
      target === undefined
        ? this.session.statement(SHARE_SQL.list).all({ owner: ownerId, limit })
        : this.session.statement(SHARE_SQL.listByTarget).all({ owner: ownerId, limit, ...targetColumns(target) }),
    ) as JsonRow[];
    return rows.map(fromRow);
  }

  private updateNow(next: ShareLink, expectedVersion: number): ShareLink {
    const current = this.state(next.ownerId, next.id);
    if (current === undefined) throw new NotFoundError(`link ${next.id} not found`);
    if (current.version !== expectedVersion) {
      throw new ConflictError(`link ${next.id} changed (version ${current.version}, expected ${expectedVersion})`, {
        details: { currentVersion: current.version },
      });
    }
    if (next.tokenHash !== current.token_hash && this.hashHeld(next.tokenHash)) throw new ConflictError('another link has this token');
    const { lastOpenedAt: _fromCaller, ...rest } = next;
    const stored: ShareLink = current.last_opened_at === null ? rest : { ...rest, lastOpenedAt: current.last_opened_at };
    const result = this.session.statement(SHARE_SQL.update).run({
      hash: stored.tokenHash,
      owner: stored.ownerId,
      id: stored.id,
      ...targetColumns(stored.target),
      version: stored.version,
      json: JSON.stringify(stored),
      expectedVersion,
    });
    // Cannot happen inside this transaction after the check above; kept as the real guard.
    if (result.changes !== 1) throw new ConflictError(`link ${next.id} changed during the update`);
    return stored;
  }

  async updateShare(next: ShareLink, expectedVersion: number): Promise<ShareLink> {
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    return structuredClone(this.session.guard('share update', () => this.updateTx(next, expectedVersion)));
  }

  async touchShare(ownerId: string, shareId: string, at: Date): Promise<void> {
    // One statement: atomic by itself, and no read-then-write for a visit.
    this.session.guard('share touch', () => this.session.statement(SHARE_SQL.touch).run({ owner: ownerId, id: shareId, at: at.toISOString() }));
  }

  async deleteShare(ownerId: string, shareId: string): Promise<void> {
    this.session.guard('share delete', () => this.session.statement(SHARE_SQL.delete).run({ owner: ownerId, id: shareId }));
  }
}
