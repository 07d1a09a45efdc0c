import { InvalidTransitionError } from './errors.js';
import type { MediaItem, MediaStatus } from './media.js';

/**
 * What can happen to an item. Each action names a fact, not a target status, so that a late or
 * duplicated message can be recognised as illegal instead of silently overwriting a newer state.
 */
export const MEDIA_ACTIONS = [
  'upload.completed',
  'processing.started',
  'processing.succeeded',
  'processing.failed',
  'moderation.flagged',
  'moderation.released',
  'reprocess.requested',
  'trashed',
  'deleted',
] as const;
export type MediaAction = (typeof MEDIA_ACTIONS)[number];

/**
 * The lifecycle of DESIGN.md as a table: `uploading -> uploaded -> processing -> ready | failed`,
 * with `flagged` as a moderation hold, `trashed` as the owner's trash (left by a restore, see
 * `trash.ts`, or for good) and `deleted` as the end.
 *
 * - A failure can happen at any step before `ready` (a rejected upload, a bad file at ingest, a
 *   failed job), and a failed item can be processed again after a fix (dead-letter redrive).
 * - Moderation may hold an item when its processing ends, or later (re-tagging a ready item).
 * - `deleted` is terminal.
 */
const TABLE: Readonly<Record<MediaStatus, Partial<Record<MediaAction, MediaStatus>>>> = {
  uploading: { 'upload.completed': 'uploaded', 'processing.failed': 'failed', deleted: 'deleted' },
  uploaded: { 'processing.started': 'processing', 'processing.failed': 'failed', deleted: 'deleted' },
  processing: {
    'processing.succeeded': 'ready',
    'processing.failed': 'failed',
    'moderation.flagged': 'flagged',
    deleted: 'deleted',
  },
  ready: { 'moderation.flagged': 'flagged', 'reprocess.requested': 'processing', trashed: 'trashed', deleted: 'deleted' },
  failed: { 'reprocess.requested': 'processing', trashed: 'trashed', deleted: 'deleted' },
  flagged: { 'moderation.released': 'ready', trashed: 'trashed', deleted: 'deleted' },
  // Out of the trash by `restoreFromTrash` (the status it came from), or for good.
  trashed: { deleted: 'deleted' },
  deleted: {},
};

/** The status an action leads to, or `undefined` when the lifecycle does not allow it. */
export function nextStatus(from: MediaStatus, action: MediaAction): MediaStatus | undefined {
  return TABLE[from][action];
}

/** Whether `action` is allowed from `from`. */
export function canTransition(from: MediaStatus, action: MediaAction): boolean {
  return nextStatus(from, action) !== undefined;
}

/**
 * The pure state machine: the status after `action`, or an `InvalidTransitionError`.
 *
 * @example
 * transition('uploading', 'upload.completed'); // 'uploaded'
 * transition('ready', 'upload.completed');     // throws InvalidTransitionError
 */
export function transition(from: MediaStatus, action: MediaAction): MediaStatus {
  const to = nextStatus(from, action);
  if (to === undefined) {
    throw new InvalidTransitionError(`cannot apply "${action}" to an item that is ${from}`, {
      details: { from, action },
    });
  }
  return to;
}

/**
 * Applies an action to an item: new status, `version + 1`, `updatedAt`, plus any changes the step
 * brings (renditions, facts, failure...). The result is what a repository's conditional update
 * writes with `expectedVersion = item.version`.
 */
export function applyAction(
  item: MediaItem,
  action: MediaAction,
  now: Date,
  changes: ItemChanges = {},
): MediaItem {
  const status = transition(item.status, action);
  const next: MediaItem = { ...item, ...changes, status, version: item.version + 1, updatedAt: now.toISOString() };
  // A failure reason only describes a failed item; progress only a running one.
  if (status !== 'failed') delete next.failure;
  if (status !== 'processing') delete next.progress;
  return next;
}

/** What a step may change on an item without a transition (everything but identity, status and bookkeeping). */
export type ItemChanges = Partial<Omit<MediaItem, 'id' | 'ownerId' | 'status' | 'version' | 'createdAt' | 'updatedAt'>>;

/** Changes for `reviseItem`: a key given as `undefined` is removed from the item. */
export type ItemRevision = { [K in keyof ItemChanges]?: ItemChanges[K] | undefined };

/**
 * The next version of an item whose status stays as it is (progress, facts, tags, a title): the
 * changes, `version + 1` and `updatedAt`. Like `applyAction`, the result is written with the
 * repository's conditional update against `item.version`. A key set to `undefined` in `changes`
 * is removed (a title cleared).
 *
 * @example
 * await repo.update(reviseItem(item, clock.now(), { progress: 0.4 }), item.version);
 */
export function reviseItem(item: MediaItem, now: Date, changes: ItemRevision): MediaItem {
  const next: Record<string, unknown> = { ...item, version: item.version + 1, updatedAt: now.toISOString() };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as unknown as MediaItem;
}

/** Statuses whose items are visible to their owner in listings. */
export const LISTED_STATUSES: readonly MediaStatus[] = ['uploading', 'uploaded', 'processing', 'ready', 'failed', 'flagged'];

/**
 * Statuses that are in no listing, search, album or share link: the trash and a delete under way.
 * Stores index exactly the items outside these (SQLite's partial indexes name them literally).
 */
export const UNLISTED_STATUSES = ['trashed', 'deleted'] as const satisfies readonly MediaStatus[];

/** Whether items of this status are listed (the complement of {@link UNLISTED_STATUSES}). */
export function isListed(status: MediaStatus): boolean {
  return status !== 'trashed' && status !== 'deleted';
}

/** Whether an item has reached an end of processing (nothing more will happen without a user). */
export function isSettled(status: MediaStatus): boolean {
  return status === 'ready' || status === 'failed' || status === 'flagged' || status === 'trashed' || status === 'deleted';
}
