import {
  applyAction,
  ConflictError,
  createEvent,
  reviseItem,
  type DetectedLabel,
  type MediaItem,
  type ModerationLabel,
  type Rendition,
  type Tag,
} from '@mediaflow/domain';
import type { TaggingStepDeps } from '../context.js';
import { invalidateEdgeCopies } from '../edge.js';
import { isFileFault, type JobOptions } from '../jobs/failure.js';
import { readAll } from '../jobs/renditions.js';

export type TagOutcome =
  | { outcome: 'tagged' | 'flagged'; item: MediaItem }
  | { outcome: 'ignored'; reason: string };

/** Image formats the on-device tagger reads, in the order preferred within a size; Rekognition takes JPEG and PNG only (`TaggingDeps.formats`). */
const TAGGABLE_FORMATS: readonly Rendition['format'][] = ['jpeg', 'png', 'webp'];
/** The tagger looks at about 640 px: the `small` rendition is enough and cheap to read. */
const PREFERRED_SIZES = ['small', 'medium', 'thumb', 'poster'];
/** Frames of a video looked at: its poster and a few of its scrubbing thumbnails. */
const VIDEO_FRAMES = 3;

/**
 * The renditions a tagger looks at: one still of an image (or of an audio item's cover), the
 * poster and a few thumbnails of a video. The size comes first (`small`, about what the detector
 * looks at; a 256 px thumbnail alone is too small for it), then the format, in the order given.
 */
export function framesToTag(item: MediaItem, formats: readonly Rendition['format'][] = TAGGABLE_FORMATS): Rendition[] {
  const rank = (r: Rendition) => (PREFERRED_SIZES.indexOf(r.name) + 1 || 99) * 10 + formats.indexOf(r.format);
  const stills = item.renditions.filter((r) => formats.includes(r.format)).sort((a, b) => rank(a) - rank(b));
  if (item.kind === 'video') {
    const poster = stills.find((r) => r.name === 'poster');
    const thumbs = stills.filter((r) => r.name.startsWith('thumbs/'));
    // Spread over the clip: first, middle and last thumbnails.
    const picked = thumbs.length <= VIDEO_FRAMES - 1 ? thumbs : [thumbs[0], thumbs[Math.floor(thumbs.length / 2)], thumbs[thumbs.length - 1]];
    return [poster, ...picked].filter((r): r is Rendition => r !== undefined).slice(0, VIDEO_FRAMES + 1);
  }
  const best = stills[0];
  return best ? [best] : [];
}

/** The AI tag of an item in which the tagger saw at least one face: a facet, never who they are. */
export const PEOPLE_TAG = 'people';
const MOST_FACES_KEPT = 1000;

/**
 * The most faces seen in any one frame, when a tagger reported a count for any frame. Frames of a
 * video are different moments: adding them up would count the same person once per frame.
 */
export function mostFaces(counts: readonly (number | undefined)[]): number | undefined {
  const reported = counts.filter((count): count is number => count !== undefined && Number.isFinite(count) && count >= 0);
  // An item keeps at most 1,000 (`MediaItem.faces`): a crowd is a crowd.
  return reported.length === 0 ? undefined : Math.min(MOST_FACES_KEPT, Math.floor(Math.max(...reported)));
}

/**
 * The `people` tag for a face count: `ai`, no parent. The tagger reports a count, not a score, so
 * its confidence is 1 (the tagger counts only faces that cleared its own threshold).
 */
export function peopleTag(faces: number | undefined): Tag[] {
  return faces !== undefined && faces >= 1 ? [{ name: PEOPLE_TAG, confidence: 1, source: 'ai' }] : [];
}

/** The item with this face count, or with none. */
function withFaces(item: MediaItem, faces: number | undefined): MediaItem {
  const { faces: _previous, ...rest } = item;
  return faces === undefined ? rest : { ...rest, faces };
}

/** The highest confidence seen for each name, over several frames. */
function strongest<T extends { name: string; confidence: number }>(lists: readonly (readonly T[])[]): T[] {
  const best = new Map<string, T>();
  for (const list of lists) for (const label of list) if ((best.get(label.name)?.confidence ?? -1) < label.confidence) best.set(label.name, label);
  return [...best.values()];
}

/**
 * The tagging step (`media.processed` -> labels, faces and moderation): looks at a rendition (video:
 * a few frames), replaces the item's `ai` tags (user and metadata tags stay) and its face count
 * (`faces`, the most in any one frame, with the AI tag `people` when at least one), records the moderation
 * verdict, and holds the item (`flagged`: only its owner sees it, and the edge cache is told to drop
 * its copies, best effort) when the policy says so. Publishes
 * `media.tagged`, and `media.flagged` for a hold. An item already tagged is left alone, so a
 * duplicate delivery changes nothing. Content the tagger cannot read (the file's fault, by the
 * rule every step follows: `isFileFault`) leaves the item as it is, ready with its verdict
 * `pending`: tagging is an extra, never a reason to lose a file.
 */
export async function tagMedia(deps: TaggingStepDeps, ownerId: string, id: string, options: JobOptions = {}): Promise<TagOutcome> {
  const { tagging } = deps;
  const item = await deps.repo.get(ownerId, id);
  if (!item) return { outcome: 'ignored', reason: 'item is gone' };
  if (item.status !== 'ready') return { outcome: 'ignored', reason: `item is ${item.status}` };
  if (item.moderation.checkedAt !== undefined) return { outcome: 'ignored', reason: 'already tagged' };
  const frames = framesToTag(item, tagging.formats);
  if (frames.length === 0) return { outcome: 'ignored', reason: `nothing to look at in a ${item.kind}` };

  const labels: DetectedLabel[][] = [];
  const moderation: ModerationLabel[][] = [];
  const faceCounts: (number | undefined)[] = [];
  try {
    for (const frame of frames) {
      const bytes = await readAll(deps, frame.key);
      const result = await tagging.tagger.detect({ bytes, objectKey: frame.key, kind: item.kind }, options.signal);
      labels.push(result.labels);
      moderation.push(result.moderation);
      faceCounts.push(result.faces);
    }
  } catch (error) {
    if (!options.signal?.aborted && isFileFault(error, options)) return { outcome: 'ignored', reason: `the tagger could not read it: ${error.message}` };
    throw error;
  }

  const now = deps.clock.now();
  const faces = mostFaces(faceCounts);
  const kept = item.tags.filter((t) => t.source !== 'ai');
  // `people` comes first among the AI tags (it is the face count's facet, and the 100-tag cap cuts
  // from the end); an owner's own `people` tag is not repeated.
  const people = peopleTag(faces).filter((tag) => !kept.some((t) => t.name === tag.name));
  const aiTags = [...people, ...tagging.tags(strongest(labels)).filter((t) => t.name !== PEOPLE_TAG)];
  // `checkedAt` marks the item as tagged, which is what makes a second delivery a no-op.
  const verdict = { ...tagging.moderate(strongest(moderation), now), checkedAt: now.toISOString() };
  // The AI tags and the face count are replaced together: a retag leaves no stale `people` or count.
  // An item without a face keeps no count (the domain's `faces` is absent then).
  const counted = faces !== undefined && faces >= 1 ? faces : undefined;
  const changes = { tags: [...kept, ...aiTags].slice(0, 100), moderation: verdict };
  const next: MediaItem = verdict.verdict === 'flagged' ? withFaces(applyAction(item, 'moderation.flagged', now, changes), counted) : reviseItem(item, now, { ...changes, faces: counted });
  try {
    await deps.repo.update(next, item.version);
  } catch (error) {
    // Someone changed the item meanwhile (the owner edited it, or deleted it): let the queue retry.
    if (error instanceof ConflictError) throw new ConflictError('the item changed while it was being tagged', { cause: error });
    throw error;
  }
  // Held items are seen by their owner only, through the API; the copies the edge made while the
  // item was ready would still be served to anyone holding their URLs.
  if (verdict.verdict === 'flagged') await invalidateEdgeCopies(deps, ownerId, id, 'flagged');
  const envelope = { id: deps.ids.next(), occurredAt: now, ownerId, mediaId: id };
  await deps.bus.publish(createEvent('media.tagged', { ...envelope, data: { kind: item.kind, tags: next.tags, moderation: verdict } }));
  if (verdict.verdict === 'flagged') {
    await deps.bus.publish(createEvent('media.flagged', { id: deps.ids.next(), occurredAt: now, ownerId, mediaId: id, data: { kind: item.kind, labels: verdict.labels } }));
    return { outcome: 'flagged', item: next };
  }
  return { outcome: 'tagged', item: next };
}
