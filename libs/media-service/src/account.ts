import {
  ConflictError,
  mapLimit,
  NotFoundError,
  ownerArchivesPrefix,
  ownerPrefixes,
  type MediaItem,
  type ObjectHead,
  type ObjectStore,
  type OwnerRecords,
} from '@mediaflow/domain';
import { z } from 'zod';
import { deleteMedia } from './commands.js';
import type { ServiceDeps } from './context.js';

/** The phrase `DELETE /api/v1/me` must carry, exactly: deleting an account cannot be undone. */
export const ACCOUNT_DELETION_PHRASE = 'delete my account';

/** `DELETE /api/v1/me` */
export const AccountDeletionRequestSchema = z.strictObject({
  confirm: z.literal(ACCOUNT_DELETION_PHRASE, { error: `send confirm: "${ACCOUNT_DELETION_PHRASE}", exactly` }),
});
export type AccountDeletionRequest = z.infer<typeof AccountDeletionRequestSchema>;

/** What one call of {@link deleteAccount} removed, by kind. */
export const AccountRemovedSchema = z.object({
  /** Items deleted for good, whatever their status (uploads, the trash and held items included). */
  items: z.number().int().nonnegative(),
  /** Albums deleted (their members were the items above, already gone). */
  albums: z.number().int().nonnegative(),
  /** Share links deleted (revoked ones included). */
  shares: z.number().int().nonnegative(),
  /** Objects no item named any more (leftovers of interrupted work) and archives (zips and their records). */
  objects: z.number().int().nonnegative(),
});
export type AccountRemoved = z.infer<typeof AccountRemovedSchema>;

/** The answer of {@link deleteAccount}: whether nothing of the owner is left, and what this call removed. */
export const AccountDeletionSchema = z.object({
  done: z.boolean(),
  removed: AccountRemovedSchema,
});
export type AccountDeletion = z.infer<typeof AccountDeletionSchema>;

/** What deleting an account needs beyond the API's deps: the store's view of every record of an owner. */
export interface AccountDeps extends ServiceDeps {
  records: OwnerRecords;
}

export interface DeleteAccountOptions {
  /**
   * About how long one call may work, in milliseconds: no new pass, page, item or group of objects
   * starts after it, so a call ends within the budget plus the few items (or object groups) already
   * under way. The caller calls again until `done`.
   */
  budgetMs: number;
  /** Milliseconds from some fixed point (`performance.now` by default); tests move it. */
  now?: () => number;
}

/** Items read per page, deleted a few at a time: each is a handful of store and repository calls. */
const ITEM_PAGE = 25;
const ITEM_CONCURRENCY = 4;
/** Albums and links read per page. */
const ALBUM_PAGE = 50;
const SHARE_PAGE = 100;
/** Groups of objects (one item's, one archive's) taken per listing of a prefix, deleted a few at a time. */
const OBJECT_PAGE = 100;
const OBJECT_CONCURRENCY = 4;

/**
 * Deletes everything of one owner, in passes, each resumable, within a time budget:
 *
 * 1. items, whatever their status, each as `deleteMedia` deletes one for good (marked `deleted`,
 *    its original and renditions, every version of them where `purgeObjectVersions` is set, the
 *    edge cache's copies, its albums and links, its record with its tags and search postings, and
 *    the multipart upload of one still uploading);
 * 2. albums; 3. share links (revoked ones too);
 * 4. objects under the owner's prefixes that no record names any more (leftovers), and archives,
 *    one being built away from the request included: its job looks for its request once it has
 *    written the zip and removes what it wrote when the request is gone (`buildArchive`);
 * 5. what the store keeps beside (`OwnerRecords.forgetOwner`: usage, change log, counters), which
 *    leaves the owner's tombstone.
 *
 * Every pass starts from what is there, so a call after a crash, or a second call at the same time,
 * picks up where things stand: an item already deleted is skipped, a pass with nothing left costs
 * one read. `done` is true only when the last pass ran and found nothing of the owner left; the
 * caller revokes the owner's sign-in then (not here: the directory of users is the composition's).
 *
 * @example
 * let result;
 * do result = await deleteAccount(deps, ownerId, { budgetMs: 10_000 });
 * while (!result.done);
 */
export async function deleteAccount(deps: AccountDeps, ownerId: string, options: DeleteAccountOptions): Promise<AccountDeletion> {
  const now = options.now ?? (() => performance.now());
  const deadline = now() + options.budgetMs;
  const inTime = (): boolean => now() < deadline;
  const removed: AccountRemoved = { items: 0, albums: 0, shares: 0, objects: 0 };
  const answer = (done: boolean): AccountDeletion => ({ done, removed });

  if (!(await deleteItems(deps, ownerId, removed, inTime))) return answer(false);
  if (!(await deleteAlbums(deps, ownerId, removed, inTime))) return answer(false);
  if (!(await deleteShares(deps, ownerId, removed, inTime))) return answer(false);
  if (!(await deleteOwnerObjects(deps, ownerId, removed, inTime))) return answer(false);
  if (!inTime()) return answer(false);
  try {
    await deps.records.forgetOwner(ownerId);
  } catch (error) {
    // An item arrived meanwhile (an upload the owner started in another tab): the next call takes it.
    if (error instanceof ConflictError) return answer(false);
    throw error;
  }
  // The last look: anything created during the passes (an item, an archive asked for) means another round.
  const left = await deps.records.listOwnerMedia(ownerId, undefined, 1);
  if (left.items.length > 0) return answer(false);
  for await (const _archive of deps.store.list(ownerArchivesPrefix(ownerId))) return answer(false);
  return answer(true);
}

/** Pass 1: `true` when the owner has no item left. The time is checked before each item. */
async function deleteItems(deps: AccountDeps, ownerId: string, removed: AccountRemoved, inTime: () => boolean): Promise<boolean> {
  let cursor: string | undefined;
  let skipped = false;
  do {
    if (!inTime()) return false;
    const page = await deps.records.listOwnerMedia(ownerId, cursor, ITEM_PAGE);
    const outcomes = await mapLimit(page.items, ITEM_CONCURRENCY, (item) => (inTime() ? deleteItem(deps, item) : Promise.resolve('late' as const)));
    removed.items += outcomes.filter((o) => o === 'deleted').length;
    if (outcomes.includes('late')) return false;
    skipped ||= outcomes.includes('changed');
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return !skipped;
}

type ItemOutcome = 'deleted' | 'gone' | 'changed' | 'late';

/** One item, as `deleteMedia` deletes it for good (which also aborts the multipart upload of one still uploading). */
async function deleteItem(deps: AccountDeps, item: MediaItem): Promise<ItemOutcome> {
  try {
    await deleteMedia(deps, item.ownerId, item.id);
    return 'deleted';
  } catch (error) {
    // Deleted by another request meanwhile; or changing under a worker: the next call takes it again.
    if (error instanceof NotFoundError) return 'gone';
    if (error instanceof ConflictError) return 'changed';
    throw error;
  }
}

/**
 * Pass 2: `true` when the owner has no album left. Read on with the cursor, never the first page
 * again: a listing that is not strongly consistent could show an album just deleted, which would be
 * counted twice.
 */
async function deleteAlbums(deps: AccountDeps, ownerId: string, removed: AccountRemoved, inTime: () => boolean): Promise<boolean> {
  let cursor: string | undefined;
  do {
    if (!inTime()) return false;
    const page = await deps.albums.listAlbums(ownerId, { limit: ALBUM_PAGE, ...(cursor === undefined ? {} : { cursor }) });
    for (const album of page.items) {
      if (!inTime()) return false;
      await deps.albums.deleteAlbum(ownerId, album.id);
      removed.albums += 1;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return true;
}

/**
 * Pass 3: `true` when the owner has no share link left. The listing has no cursor, so the first page
 * is read again after each page of deletes; a link this call deleted is not deleted or counted
 * twice, should a listing show it again.
 */
async function deleteShares(deps: AccountDeps, ownerId: string, removed: AccountRemoved, inTime: () => boolean): Promise<boolean> {
  const deleted = new Set<string>();
  for (;;) {
    if (!inTime()) return false;
    const links = await deps.shares.listShares(ownerId, { limit: SHARE_PAGE });
    if (links.length === 0) return true;
    for (const link of links) {
      if (deleted.has(link.id)) continue;
      if (!inTime()) return false;
      await deps.shares.deleteShare(ownerId, link.id);
      deleted.add(link.id);
      removed.shares += 1;
    }
  }
}

/** The objects of one item (`originals/{owner}/{id}`, `renditions/{owner}/{id}/`) or of one archive (`downloads/{owner}/{id}/`). */
interface ObjectGroup {
  prefix: string;
  heads: ObjectHead[];
}

/**
 * Up to `limit` groups of objects under `prefix` (by the key's next segment), in key order, each
 * whole, leaving out those in `skip`: one listing, read no further than the groups it returns.
 */
async function listGroups(store: ObjectStore, prefix: string, limit: number): Promise<ObjectGroup[]> {
  const groups: ObjectGroup[] = [];
  for await (const head of store.list(prefix)) {
    const rest = head.key.slice(prefix.length);
    const slash = rest.indexOf('/');
    const group = slash < 0 ? head.key : `${prefix}${rest.slice(0, slash + 1)}`;
    const last = groups[groups.length - 1];
    if (last?.prefix === group) {
      last.heads.push(head);
      continue;
    }
    // A group past the page: the ones before it are whole (keys come in order).
    if (groups.length === limit) break;
    groups.push({ prefix: group, heads: [head] });
  }
  return groups;
}

/**
 * Pass 4: every object left under the owner's prefixes (bytes of interrupted uploads and re-renders
 * that no item names, every older version where the service purges them) and the owner's archives,
 * a listing page at a time, each page checked against the time: `false` when the time ran out.
 * An archive still being built goes too: its job removes what it writes once it finds its request
 * gone, so waiting for it (up to its time limit, or for ever if the job died) would buy nothing.
 */
async function deleteOwnerObjects(deps: AccountDeps, ownerId: string, removed: AccountRemoved, inTime: () => boolean): Promise<boolean> {
  const { store } = deps;
  const purge = deps.config.purgeObjectVersions ? store.deleteAllVersions?.bind(store) : undefined;
  for (const prefix of ownerPrefixes(ownerId)) {
    for (;;) {
      if (!inTime()) return false;
      const groups = await listGroups(store, prefix, OBJECT_PAGE);
      if (groups.length === 0) break;
      const counts = await mapLimit(groups, OBJECT_CONCURRENCY, (group) => (purge ?? store.deleteByPrefix.bind(store))(group.prefix));
      removed.objects += counts.reduce((a, b) => a + b, 0);
    }
    if (purge !== undefined) {
      // Older versions with no current object (no listing of current objects shows them).
      if (!inTime()) return false;
      removed.objects += await purge(prefix);
    }
  }
  // Archives expire by themselves a day after they were made (in AWS, older versions with them).
  for (;;) {
    if (!inTime()) return false;
    const groups = await listGroups(store, ownerArchivesPrefix(ownerId), OBJECT_PAGE);
    if (groups.length === 0) return true;
    const counts = await mapLimit(groups, OBJECT_CONCURRENCY, (group) => store.deleteByPrefix(group.prefix));
    removed.objects += counts.reduce((a, b) => a + b, 0);
  }
}
