import { ConflictError, reviseItem, TEXT_MAX_LENGTH, type MediaItem, type MediaStatus, type Rendition, type TextReading } from '@mediaflow/domain';
import type { TextStepDeps } from '../context.js';
import { isFileFault, type JobOptions } from '../jobs/failure.js';
import { readAll } from '../jobs/renditions.js';
import { framesToTag } from './tagging.js';

export type TextOutcome =
  | { outcome: 'read'; item: MediaItem; /** Why the reader did not look, when it did not. */ skipped?: string }
  | { outcome: 'ignored'; reason: string };

export type TextStepOptions = JobOptions;

/**
 * Items whose text is read: those the owner has, held ones and those in the trash included. An item
 * trashed before its text was read is read there, since nothing reads it again when it is restored.
 */
const READ_STATUSES: readonly MediaStatus[] = ['ready', 'flagged', 'trashed'];
/** Print needs pixels: the largest still first. `poster` and `cover` are a video's and an audio item's. */
const READ_SIZES = ['large', 'medium', 'poster', 'cover', 'small', 'thumb'];
/** What every reader takes (Rekognition reads JPEG and PNG only). */
const DEFAULT_FORMATS: readonly Rendition['format'][] = ['jpeg', 'png'];
/** Saving the text meets an owner's edit now and then: it is applied to the fresh item this many times before the queue retries. */
export const TEXT_SAVE_ATTEMPTS = 3;

/**
 * The still whose text is read: the largest rendition in a format the reader takes (`formats`, in
 * the order preferred within a size), else the still the tagger looks at first (`framesToTag`)
 * when the reader takes its format.
 *
 * @example
 * framesToRead(item, ['jpeg', 'png', 'webp']) // large.webp (2048 px) before medium.jpeg (1280 px)
 */
export function framesToRead(item: MediaItem, formats: readonly Rendition['format'][] = DEFAULT_FORMATS): Rendition | undefined {
  const rank = (r: Rendition): number => (READ_SIZES.indexOf(r.name) + 1 || 99) * 10 + formats.indexOf(r.format);
  const [best] = item.renditions.filter((r) => formats.includes(r.format) && READ_SIZES.includes(r.name)).sort((a, b) => rank(a) - rank(b));
  return best ?? framesToTag(item).find((r) => formats.includes(r.format));
}

/** A reading cut to what an item keeps, at a word boundary (the reader should have cut it already). */
function fitted(text: string): string {
  if (text.length <= TEXT_MAX_LENGTH) return text;
  const head = text.slice(0, TEXT_MAX_LENGTH + 1);
  const boundary = head.search(/\s\S*$/u);
  return (boundary > 0 ? head.slice(0, boundary) : text.slice(0, TEXT_MAX_LENGTH)).trimEnd();
}

function readable(item: MediaItem | undefined): string | undefined {
  if (!item) return 'item is gone';
  if (!READ_STATUSES.includes(item.status)) return `item is ${item.status}`;
  if (item.text !== undefined) return 'already read';
  return undefined;
}

/**
 * The text step (`media.tagged` -> `text`): reads the words printed in an item's picture (one still,
 * the largest the reader takes) and saves them with the item, `{ content, readAt }`, for search;
 * `content` is empty when the reader found none or did not look (no text likely). A reader out of
 * time (`timeout`) is retried by the queue and leaves the item unread on the last delivery. An
 * item already read (`text` set), gone, or neither ready, held nor in the trash is left alone, so a duplicate
 * delivery changes nothing. Content the reader cannot decode (the file's fault: `isFileFault`)
 * leaves the item as it is. The save is a version-checked update; an edit that lands meanwhile is
 * read again and the text applied to it, up to {@link TEXT_SAVE_ATTEMPTS} times, then the queue
 * retries. No event follows: the item's new version is what changes.
 */
export async function readText(deps: TextStepDeps, ownerId: string, id: string, options: TextStepOptions = {}): Promise<TextOutcome> {
  const item = await deps.repo.get(ownerId, id);
  const notNow = readable(item);
  if (notNow !== undefined || !item) return { outcome: 'ignored', reason: notNow ?? 'item is gone' };
  const frame = framesToRead(item, deps.text.formats);
  if (!frame) return { outcome: 'ignored', reason: `nothing to read in a ${item.kind}` };

  let reading: TextReading;
  try {
    const bytes = await readAll(deps, frame.key);
    reading = await deps.text.reader.read({ bytes, objectKey: frame.key, kind: item.kind }, options.signal);
  } catch (error) {
    if (!options.signal?.aborted && isFileFault(error, options)) return { outcome: 'ignored', reason: `the reader could not read it: ${error.message}` };
    throw error;
  }

  const content = fitted(reading.text.trim());
  let current: MediaItem = item;
  for (let attempt = 1; ; attempt += 1) {
    const now = deps.clock.now();
    const next = reviseItem(current, now, { text: { content, readAt: now.toISOString() } });
    try {
      await deps.repo.update(next, current.version);
      return reading.skipped === undefined ? { outcome: 'read', item: next } : { outcome: 'read', item: next, skipped: reading.skipped };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (attempt >= TEXT_SAVE_ATTEMPTS) throw new ConflictError('the item kept changing while its text was being saved', { cause: error });
    }
    const fresh = await deps.repo.get(ownerId, id);
    const changed = readable(fresh);
    if (changed !== undefined || !fresh) return { outcome: 'ignored', reason: `${changed ?? 'item is gone'} (changed while it was being read)` };
    current = fresh;
  }
}
