import {
  applyAction,
  ConflictError,
  createEvent,
  CursorSchema,
  ForbiddenError,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type MediaItem,
  type Moderation,
  type ModerationLabel,
  NotFoundError,
  type Page,
  parseOrThrow,
  reviseItem,
} from '@mediaflow/domain';
import { z } from 'zod';
import type { ServiceDeps } from './context.js';
import { invalidateEdgeCopies } from './edge.js';
import { updateItem } from './item-updates.js';
import { logEntry } from './log.js';
import { openSharedMedia, visibleThroughLinks, type VisitorDeps, type VisitorPass } from './shares.js';

/** `GET /api/v1/review?cursor=&limit=` */
export const ReviewQuerySchema = z.object({
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

/** `POST /api/v1/review/{ownerId}/{id}/reject`: why, in words the owner will read. */
export const ReviewRejectSchema = z.strictObject({ reason: z.string().trim().min(1, 'say why').max(500) });

/** `POST /api/v1/shared/{token}/media/{id}/report`: what the visitor saw, optionally. */
export const ShareReportSchema = z.strictObject({ reason: z.string().trim().max(500).optional() });

/** The moderation label a visitor's report puts on an item, for the moderator to see why it is held. */
export const VISITOR_REPORT_LABEL: ModerationLabel = { name: 'reported by a visitor', confidence: 1 };

/** Moderation labels an item keeps at most (the schema's limit). */
const MAX_LABELS = 50;

/** A moderator decides on other owners' items only: an owner never releases their own held item. */
function notTheirOwn(moderatorId: string, ownerId: string): void {
  if (moderatorId === ownerId) throw new ForbiddenError('a moderator cannot decide on their own item: another moderator has to');
}

function held(item: MediaItem): void {
  if (item.status !== 'flagged') throw new ConflictError('the item is not held for review', { details: { status: item.status } });
}

/**
 * `GET /api/v1/review`: items of every owner that wait for a moderator (held, not yet decided),
 * oldest first. The caller checks the moderator role.
 */
export async function listReview(deps: ServiceDeps, query: unknown): Promise<Page<MediaItem>> {
  const { cursor, limit } = parseOrThrow(ReviewQuerySchema, query, 'query');
  return deps.review.listForReview(cursor === undefined ? { limit } : { cursor, limit });
}

/**
 * `POST /api/v1/review/{ownerId}/{id}/approve`: a moderator releases a held item: it is `ready`
 * again, visible through links and shareable, with who decided and when. The caller checks the
 * moderator role.
 *
 * @throws ForbiddenError when the moderator owns the item; ConflictError when it is not held.
 */
export async function approveMedia(deps: ServiceDeps, moderatorId: string, ownerId: string, id: string): Promise<MediaItem> {
  notTheirOwn(moderatorId, ownerId);
  return updateItem(deps, ownerId, id, (item) => {
    held(item);
    const now = deps.clock.now();
    const { reason: _rejectedBecause, ...moderation } = item.moderation;
    return applyAction(item, 'moderation.released', now, {
      moderation: { ...moderation, verdict: 'released', reviewedBy: moderatorId, reviewedAt: now.toISOString() },
    });
  });
}

/**
 * `POST /api/v1/review/{ownerId}/{id}/reject`: a moderator keeps a held item held for good (until
 * its owner asks again), with a reason its owner reads. It leaves the review queue. The caller
 * checks the moderator role.
 *
 * @throws ForbiddenError when the moderator owns the item; ConflictError when it is not held.
 */
export async function rejectMedia(deps: ServiceDeps, moderatorId: string, ownerId: string, id: string, body: unknown): Promise<MediaItem> {
  const { reason } = parseOrThrow(ReviewRejectSchema, body, 'rejection');
  notTheirOwn(moderatorId, ownerId);
  return updateItem(deps, ownerId, id, (item) => {
    held(item);
    const now = deps.clock.now();
    const moderation: Moderation = { ...item.moderation, verdict: 'rejected', reason, reviewedBy: moderatorId, reviewedAt: now.toISOString() };
    return reviseItem(item, now, { moderation });
  });
}

/**
 * `POST /api/v1/media/{id}/review-request`: the owner of a held item asks a moderator to look
 * (again): a rejected item goes back into the review queue; one already waiting is marked as asked
 * about. Only a moderator can release it.
 *
 * @throws ConflictError when the item is not held.
 */
export async function requestReview(deps: ServiceDeps, ownerId: string, id: string): Promise<MediaItem> {
  return updateItem(deps, ownerId, id, (item) => {
    held(item);
    const now = deps.clock.now();
    return reviseItem(item, now, { moderation: { ...item.moderation, verdict: 'flagged', reviewRequestedAt: now.toISOString() } });
  });
}

/**
 * `POST /api/v1/shared/{token}/media/{id}/report`: a visitor reports an item a link shows. The item
 * is held at once (`flagged`, with {@link VISITOR_REPORT_LABEL}), so it disappears from every link
 * until a moderator decides; the edge is told to drop its copies and `media.flagged` is published.
 * The visitor's words go to the log, not onto the item, which its owner reads too.
 */
export async function reportSharedMedia(deps: VisitorDeps, pass: VisitorPass, mediaId: string, body: unknown): Promise<void> {
  const { reason } = parseOrThrow(ShareReportSchema, body, 'report');
  const { link, item } = await openSharedMedia(deps, pass, mediaId);
  const { ownerId } = link;
  await updateItem(deps, ownerId, item.id, (current) => {
    // Held or gone since it was read: nothing left for this visitor to report.
    if (!visibleThroughLinks(current)) throw new NotFoundError('no such item in this link');
    const labels = [...current.moderation.labels.filter((l) => l.name !== VISITOR_REPORT_LABEL.name), VISITOR_REPORT_LABEL].slice(-MAX_LABELS);
    const moderation: Moderation = { ...current.moderation, verdict: 'flagged', labels, reports: (current.moderation.reports ?? 0) + 1 };
    return applyAction(current, 'moderation.flagged', deps.clock.now(), { moderation });
  });
  await invalidateEdgeCopies(deps, ownerId, item.id, 'flagged');
  await deps.bus.publish(
    createEvent('media.flagged', { id: deps.ids.next(), occurredAt: deps.clock.now(), ownerId, mediaId: item.id, data: { kind: item.kind, labels: [VISITOR_REPORT_LABEL] } }),
  );
  logEntry(deps, { level: 'info', msg: 'a visitor reported an item', ownerId, mediaId: item.id, shareId: link.id, reason: reason ?? null });
}
