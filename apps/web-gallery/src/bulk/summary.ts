import type { BulkAction, BulkResult } from '../api/types';

/** What an action did to an item, as in "5 items moved to the trash" or "could not be tagged". */
export const BULK_DONE: Record<BulkAction, string> = {
  trash: 'moved to the trash',
  restore: 'restored',
  delete: 'deleted for good',
  addTags: 'tagged',
  removeTags: 'untagged',
  favourite: 'added to favourites',
  unfavourite: 'removed from favourites',
  addToAlbum: 'added to the album',
};

/** How many failures the sentence names one by one; the rest are counted. */
export const NAMED_FAILURES = 3;

export interface BulkSummary {
  text: string;
  /** Some items failed (the summary is then an alert). */
  failed: boolean;
}

/** An item's name for a sentence: its title, else its file name. */
export function itemName(item: { title?: string | null | undefined; filename: string }): string {
  return item.title?.trim() || item.filename;
}

const quoted = (values: readonly string[]) => values.map((v) => `“${v}”`).join(', ');

/**
 * One sentence on a bulk action's outcome: "5 items tagged “beach”." when all went well, else
 * "2 of 5 could not be tagged: Dunes (media not found), Ridge (…)." with the first few failures
 * named (by `names`, else their ids) and the rest counted. A trash action's `deletedInstead` are
 * the items still uploading: the server deletes those for good (there is nothing to keep), and a
 * second sentence says so ("“clip.mp4” was still uploading, so it was deleted for good.").
 *
 * @example
 * bulkSummary('trash', { results, succeeded: 3, failed: 0 }, names) // "3 items moved to the trash."
 */
export function bulkSummary(action: BulkAction, result: BulkResult, names: ReadonlyMap<string, string>, tags: readonly string[] = [], deletedInstead: ReadonlySet<string> = new Set()): BulkSummary {
  const total = result.results.length;
  const done = action === 'addTags' || action === 'removeTags' ? `${BULK_DONE[action]} ${quoted(tags)}`.trim() : BULK_DONE[action];
  const failures = result.results.flatMap((r) => (r.ok ? [] : [r]));
  const gone = action === 'trash' ? result.results.filter((r) => r.ok && deletedInstead.has(r.id)) : [];
  const name = (id: string) => `“${names.get(id) ?? id}”`;
  const deletedNote = gone.length === 0 ? '' : gone.length === 1 && gone[0] ? `${name(gone[0].id)} was still uploading, so it was deleted for good.` : `${gone.length} items were still uploading, so they were deleted for good.`;
  const withNote = (text: string) => [text, deletedNote].filter(Boolean).join(' ');
  if (failures.length === 0) {
    const moved = result.results.filter((r) => !gone.includes(r));
    const only = moved[0];
    if (moved.length === 0) return { text: deletedNote, failed: false };
    const what = moved.length === 1 && only ? name(only.id) : `${moved.length} items`;
    return { text: withNote(`${what} ${done}.`), failed: false };
  }
  const named = failures.slice(0, NAMED_FAILURES).map((f) => `${names.get(f.id) ?? f.id} (${f.reason})`);
  const rest = failures.length - named.length;
  const list = rest > 0 ? `${named.join(', ')} and ${rest} more` : named.join(', ');
  return { text: withNote(`${failures.length} of ${total} could not be ${BULK_DONE[action]}: ${list}.`), failed: true };
}
