import {
  type AlbumRepository,
  applyAction,
  ConflictError,
  createEvent,
  DAY_MS,
  NotFoundError,
  ORIGINALS_PREFIX,
  parseKey,
  RENDITIONS_PREFIX,
  type MediaItem,
  type MediaStatus,
  type ObjectHead,
  type ShareLinkRepository,
} from '@mediaflow/domain';
import { forgetDeletedMedia, removeObjects } from './commands.js';
import type { CoreDeps, ServiceDeps } from './context.js';
import { invalidateEdgeCopies } from './edge.js';
import { abortStoreUpload } from './multipart.js';

/** What the sweeper works with: the service's stores, plus optional hooks and stores of the composition root. */
export interface SweeperDeps extends CoreDeps {
  /**
   * Sends an original that arrived to ingest again, as the object store's "object created" event
   * would have. Without it, such uploads are left for that event (S3 sends it itself).
   */
  resumeIngest?: (object: ObjectHead) => Promise<void>;
  /**
   * Removes the object store's own leftovers untouched for the given time (temp files of writes a
   * crash cut short, multipart uploads nobody finished); returns how many went.
   */
  sweepTemporaryFiles?: (olderThanSeconds: number) => Promise<number>;
  /**
   * Albums and share links, where the composition has them (the local server's sweeper runs on the
   * API's deps): a delete the sweeper finishes takes the item out of its albums and revokes its
   * links, as `deleteMedia` does. Without them, albums skip the missing item when listed.
   */
  albums?: AlbumRepository | undefined;
  shares?: ShareLinkRepository | undefined;
  /**
   * The store's multipart uploads: an abandoned multipart upload's parts are discarded with its
   * item. Without it they stay until `sweepTemporaryFiles` (or the bucket's rule) removes them.
   */
  multipart?: ServiceDeps['multipart'];
}

export interface SweepOptions {
  /**
   * Objects written less than this long ago are left alone, however they look: an upload or a
   * job may still be on its way to recording them (default an hour).
   */
  olderThanSeconds?: number;
  /**
   * How long an original waits for its own ingest message before the sweeper sends another
   * (default `olderThanSeconds`). Right after a crash nothing is in flight, so start-up uses 0.
   */
  resumeAfterSeconds?: number;
  /**
   * Age of the object store's temp files and multipart uploads before they go (default a day,
   * like S3's "abort incomplete multipart uploads" rule, or {@link temporaryFilesAge} when the
   * resume window is longer: a resumable upload may pause for hours).
   */
  temporaryFilesOlderThanSeconds?: number;
  /** Decide and count, change nothing. */
  dryRun?: boolean;
  /** At most this many stale items of each kind per run (default 1000); the rest wait for the next. */
  batchSize?: number;
  /** Stops the run between two steps (a shutdown), rejecting with the signal's reason. */
  signal?: AbortSignal;
}

export interface SweepReport {
  dryRun: boolean;
  /** Objects looked at under `originals/` and `renditions/`. */
  scannedObjects: number;
  /** Originals and renditions no live item owns (the item is gone, or refused them at ingest). */
  orphanObjects: number;
  /** Renditions under a settled item's prefix that the item does not list (a re-render cut short). */
  unreferencedRenditions: number;
  /** Bytes of the objects above. */
  bytes: number;
  /** `uploading` items whose bytes arrived but never reached ingest: ingest queued again. */
  resumedUploads: number;
  /**
   * `uploading` items whose bytes never came while the upload URL was valid (a multipart upload:
   * within `uploadResumeWindowSeconds`): removed, and a multipart upload's parts discarded.
   */
  abandonedUploads: number;
  /** Items a crash left `deleted` (the delete was cut short): their records removed. */
  finishedDeletes: number;
  /** Items whose time in the trash was over: deleted for good, every version of their objects. */
  purgedFromTrash: number;
  /** Temp files and multipart uploads removed; `undefined` when not swept (a dry run, or no such store). */
  temporaryFiles: number | undefined;
}

/** What to do with one object, given the item its key names. */
export type ObjectVerdict = 'keep' | 'orphan' | 'unreferenced' | 'resume';

/** The instants the verdicts compare an object's age with. */
export interface SweepCutoffs {
  /** Objects modified after this are kept whatever they look like. */
  removeBefore: Date;
  /** Arrived originals of `uploading` items modified after this are left to their own ingest message. */
  resumeBefore: Date;
}

const DEFAULT_OLDER_THAN_SECONDS = 3600;
const DEFAULT_TEMPORARY_FILES_SECONDS = 24 * 3600;
const DEFAULT_BATCH = 1000;

/**
 * The default age of temp files and multipart uploads before they go: a day, or longer when a
 * multipart upload may still be used for longer (its window and its last part URL's lifetime), so
 * the parts of an upload that can still complete are never swept.
 */
export function temporaryFilesAge(config: Pick<CoreDeps['config'], 'uploadResumeWindowSeconds' | 'uploadPartUrlTtlSeconds'>): number {
  return Math.max(DEFAULT_TEMPORARY_FILES_SECONDS, config.uploadResumeWindowSeconds + config.uploadPartUrlTtlSeconds);
}

/** Statuses after processing: the item lists every rendition it owns. */
const SETTLED: readonly MediaStatus[] = ['ready', 'flagged', 'failed'];

/**
 * Whether a settled item owns the rendition at `key`: it lists it, or the key lies beside or below
 * a listed HLS playlist (segments and variant playlists are stored, not listed; the playlists name
 * them by relative paths).
 */
export function isReferenced(item: MediaItem, key: string): boolean {
  if (item.renditions.some((r) => r.key === key)) return true;
  const dirOf = (k: string): string => k.slice(0, k.lastIndexOf('/') + 1);
  const dir = dirOf(key);
  return item.renditions.some((r) => r.format === 'm3u8' && dir.startsWith(dirOf(r.key)));
}

/**
 * The sweeper's decision for one object (pure, so each rule is tested on its own):
 *
 * - nothing happens to an object younger than `removeBefore`: a job or an upload may be writing it;
 * - an original or rendition whose item is gone or `deleted` is an orphan;
 * - the original of an item failed at ingest is an orphan (ingest deletes refused bytes; a PUT
 *   retried with the same still-valid URL can bring them back);
 * - the original of an `uploading` item of the declared size is resumed (a crash between the PUT
 *   and the ingest message); of another size it is the leftover of a PUT refused for its size;
 * - a rendition a settled item does not list is unreferenced; items still on their way
 *   (`uploading`, `uploaded`, `processing`) keep everything, as their step replaces the prefix.
 */
export function judgeObject(item: MediaItem | undefined, head: ObjectHead, cutoffs: SweepCutoffs): ObjectVerdict {
  const parsed = parseKey(head.key);
  if (!parsed) return 'keep';
  const old = head.lastModified.getTime() < cutoffs.removeBefore.getTime();
  const live = item !== undefined && item.status !== 'deleted';
  if (!live) return old ? 'orphan' : 'keep';
  if (parsed.type === 'original') {
    if (item.status === 'uploading') {
      if (head.size === item.original.size) return head.lastModified.getTime() < cutoffs.resumeBefore.getTime() ? 'resume' : 'keep';
      return old ? 'orphan' : 'keep';
    }
    if (item.status === 'failed' && item.failure?.stage === 'ingest') return old ? 'orphan' : 'keep';
    return 'keep';
  }
  if (SETTLED.includes(item.status) && !isReferenced(item, head.key)) return old ? 'unreferenced' : 'keep';
  return 'keep';
}

/**
 * Puts the stores back in step after crashes and abandoned work (the local stack; in AWS the
 * table's TTL and the bucket's lifecycle rules cover abandoned uploads):
 *
 * 1. items a delete left `deleted` when a crash cut it short lose their record (the edge cache, if
 *    any, is asked again to drop their copies);
 * 2. `uploading` items without bytes whose upload URL expired `olderThanSeconds` ago are removed,
 *    as DynamoDB's TTL removes them in the cloud; a multipart upload may be resumed for
 *    `uploadResumeWindowSeconds` from its item's creation, so its item waits that long (and its
 *    last part URL's lifetime), and its parts are discarded with it;
 * 3. every object under `originals/` and `renditions/` is judged by {@link judgeObject}: orphans and
 *    unreferenced renditions are deleted (each verdict checked again against a fresh read of its
 *    item first), arrived uploads are sent to ingest again;
 * 4. the object store's temp files of interrupted writes go.
 *
 * Safe to run while the service runs: young objects are never touched, and every item change is
 * a conditional write. Returns what it did (or, with `dryRun`, what it would do).
 *
 * @example
 * const report = await sweepOrphans(deps, { olderThanSeconds: 3600 });
 * log({ msg: 'swept', ...report });
 */
export async function sweepOrphans(deps: SweeperDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const olderThanSeconds = options.olderThanSeconds ?? DEFAULT_OLDER_THAN_SECONDS;
  const resumeAfterSeconds = options.resumeAfterSeconds ?? olderThanSeconds;
  const dryRun = options.dryRun ?? false;
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const checkpoint = (): void => options.signal?.throwIfAborted();
  const now = deps.clock.now().getTime();
  const cutoffs: SweepCutoffs = { removeBefore: new Date(now - olderThanSeconds * 1000), resumeBefore: new Date(now - resumeAfterSeconds * 1000) };
  const report: SweepReport = {
    dryRun,
    scannedObjects: 0,
    orphanObjects: 0,
    unreferencedRenditions: 0,
    bytes: 0,
    resumedUploads: 0,
    abandonedUploads: 0,
    finishedDeletes: 0,
    purgedFromTrash: 0,
    temporaryFiles: undefined,
  };

  report.purgedFromTrash = await purgeExpiredTrash(deps, { batch, dryRun, ...(options.signal === undefined ? {} : { signal: options.signal }) });

  if (deps.repo.listStale) {
    for (const item of await deps.repo.listStale('deleted', cutoffs.removeBefore, batch)) {
      checkpoint();
      // Its objects, if any are left, are orphans now: the object scan below removes them. The
      // edge may still hold copies (the delete may have stopped before asking it to drop them).
      if (!dryRun) {
        await invalidateEdgeCopies(deps, item.ownerId, item.id, 'deleted');
        // The delete may have stopped before discarding the parts of an upload under way.
        await abortStoreUpload(deps, item);
        await finishDelete(deps, item);
      }
      report.finishedDeletes += 1;
    }
    // A PUT may land until the URL expires; only then is an upload without bytes abandoned. A
    // multipart upload may be resumed throughout its window, which runs from the item's creation
    // (not its last change), with part URLs handed out until its end: it is abandoned only once
    // the window and the last URL's lifetime (and the grace period) are over.
    const { uploadUrlTtlSeconds, uploadPartUrlTtlSeconds, uploadResumeWindowSeconds } = deps.config;
    const abandonedBefore = new Date(cutoffs.removeBefore.getTime() - uploadUrlTtlSeconds * 1000);
    const resumableAfter = cutoffs.removeBefore.getTime() - (uploadResumeWindowSeconds + uploadPartUrlTtlSeconds) * 1000;
    const stillResumable = (item: MediaItem): boolean => item.upload !== undefined && Date.parse(item.createdAt) >= resumableAfter;
    for await (const item of staleItems(deps, 'uploading', abandonedBefore, batch, stillResumable)) {
      checkpoint();
      // Bytes that did arrive make it an interrupted upload instead: the object scan resumes it.
      if (await deps.store.head(item.original.key)) continue;
      if (dryRun || (await removeForGood(deps, item, 'uploading'))) report.abandonedUploads += 1;
    }
  }

  const doomed: ObjectHead[] = [];
  const arrived: ObjectHead[] = [];
  let last: { ownerId: string; id: string; item: MediaItem | undefined } | undefined;
  for (const prefix of [ORIGINALS_PREFIX, RENDITIONS_PREFIX]) {
    for await (const head of deps.store.list(prefix)) {
      checkpoint();
      report.scannedObjects += 1;
      const parsed = parseKey(head.key);
      if (!parsed) continue;
      // Keys come in order, so a rendition set is consecutive: one read per item.
      if (last?.ownerId !== parsed.ownerId || last.id !== parsed.mediaId) {
        last = { ownerId: parsed.ownerId, id: parsed.mediaId, item: await deps.repo.get(parsed.ownerId, parsed.mediaId) };
      }
      const verdict = judgeObject(last.item, head, cutoffs);
      if (verdict === 'resume') arrived.push(head);
      else if (verdict !== 'keep') doomed.push(head);
    }
  }

  // Deletes wait for the scan to end (a store's listing need not survive deletes under it), and
  // each verdict is taken again on a fresh read: the item may have moved on meanwhile.
  for (const head of doomed) {
    checkpoint();
    const parsed = parseKey(head.key);
    if (!parsed) continue;
    const verdict = judgeObject(await deps.repo.get(parsed.ownerId, parsed.mediaId), head, cutoffs);
    if (verdict !== 'orphan' && verdict !== 'unreferenced') continue;
    if (!dryRun) await deps.store.delete(head.key);
    if (verdict === 'orphan') report.orphanObjects += 1;
    else report.unreferencedRenditions += 1;
    report.bytes += head.size;
  }
  for (const head of arrived) {
    checkpoint();
    if (!deps.resumeIngest) continue;
    if (!dryRun) await deps.resumeIngest(head);
    report.resumedUploads += 1;
  }

  checkpoint();
  if (!dryRun && deps.sweepTemporaryFiles) {
    report.temporaryFiles = await deps.sweepTemporaryFiles(options.temporaryFilesOlderThanSeconds ?? temporaryFilesAge(deps.config));
  }
  return report;
}

/**
 * Up to `limit` items of `listStale(status, before)`, oldest first, leaving out those `skip`
 * refuses without letting them take the batch: while the skipped fill a page, the next page is
 * asked for (the query has no cursor, so it is asked again for more), so items behind them (an
 * abandoned single PUT behind multipart uploads still in their window) are reached in this run.
 */
async function* staleItems(
  deps: SweeperDeps,
  status: MediaStatus,
  before: Date,
  limit: number,
  skip: (item: MediaItem) => boolean,
): AsyncGenerator<MediaItem> {
  const listStale = deps.repo.listStale?.bind(deps.repo);
  if (listStale === undefined) return;
  const seen = new Set<string>();
  let given = 0;
  for (;;) {
    // Items given out may be gone by now (removed), skipped ones are still listed: ask for enough.
    const asked = seen.size + limit - given;
    const page = await listStale(status, before, asked);
    let fresh = 0;
    for (const item of page) {
      const id = `${item.ownerId}/${item.id}`;
      if (seen.has(id)) continue;
      seen.add(id);
      fresh += 1;
      if (skip(item)) continue;
      yield item;
      given += 1;
      if (given >= limit) return;
    }
    if (fresh === 0 || page.length < asked) return;
  }
}

/**
 * The trash's retention: deletes for good up to `batch` items (of any owner) that went to the trash
 * more than `trashRetentionDays` ago, oldest first, as `deleteMedia` does (every object, the edge's
 * copies, albums and links, the record). An item restored meanwhile is left alone. Returns how
 * many went (in a dry run, how many would). The local sweeper runs it; in AWS a scheduled function.
 */
export async function purgeExpiredTrash(deps: SweeperDeps, options: { batch: number; dryRun?: boolean; signal?: AbortSignal }): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - deps.config.trashRetentionDays * DAY_MS);
  let purged = 0;
  for (const item of await deps.repo.listTrashedBefore(before, options.batch)) {
    options.signal?.throwIfAborted();
    if (options.dryRun === true || (await removeForGood(deps, item, 'trashed'))) purged += 1;
  }
  return purged;
}

/** The last step of `deleteMedia`, for an item whose bytes went but whose record stayed. */
async function finishDelete(deps: SweeperDeps, item: MediaItem): Promise<void> {
  const { albums, shares, clock } = deps;
  if (albums !== undefined && shares !== undefined) await forgetDeletedMedia({ albums, shares, clock }, item.ownerId, item.id);
  await deps.repo.delete(item.ownerId, item.id);
  await deps.bus.publish(
    createEvent('media.deleted', { id: deps.ids.next(), occurredAt: deps.clock.now(), ownerId: item.ownerId, mediaId: item.id, data: { kind: item.kind } }),
  );
}

/**
 * Removes for good an upload whose bytes never came, or an item whose time in the trash is over.
 * Marked `deleted` first, conditionally on the version read, so an item that moved on meanwhile
 * (an upload completed at the last moment, an item restored) is not taken with it; `false` then.
 */
async function removeForGood(deps: SweeperDeps, item: MediaItem, why: 'uploading' | 'trashed'): Promise<boolean> {
  try {
    await deps.repo.update(applyAction(item, 'deleted', deps.clock.now()), item.version);
  } catch (error) {
    if (error instanceof ConflictError || error instanceof NotFoundError) return false;
    throw error;
  }
  // Parts of a multipart upload are not objects yet: the store discards them with the upload.
  if (why === 'uploading') await abortStoreUpload(deps, item);
  // Bytes that landed between the look and the mark would be an orphan: remove them too.
  await removeObjects(deps, item);
  // A trashed item was served: the edge may hold copies of it.
  if (why === 'trashed') await invalidateEdgeCopies(deps, item.ownerId, item.id, 'deleted');
  await finishDelete(deps, item);
  return true;
}
