import { normalizeTagName, renditionPrefix, type MediaFacts, type MediaItem, type Tag } from '@mediaflow/domain';
import type { AudioStepDeps } from '../context.js';
import { failOrRethrow, type JobOptions } from '../jobs/failure.js';
import { begin, finishLatest, NOTHING_TO_DO, type ProcessOutcome } from '../jobs/lifecycle.js';
import { withLocalOriginal } from '../jobs/local-original.js';
import { renderStill, storeRenditions } from '../jobs/renditions.js';

type AudioMetadata = NonNullable<MediaFacts['audio']>;

const MAX_TAGS = 100;
const MAX_TITLE = 200;

/**
 * Tags that describe a recording, from its embedded metadata: each genre (files often list
 * several, "Jazz; Swing") and the artist, normalised like every other tag.
 *
 * @example
 * metadataTags({ genre: 'Jazz; Swing', artist: 'The Quartet' }) // jazz, swing, the quartet
 */
export function metadataTags(metadata: AudioMetadata | undefined): Tag[] {
  if (!metadata) return [];
  const raw = [...(metadata.genre?.split(/[;,/]/) ?? []), ...(metadata.artist ? [metadata.artist] : [])];
  const names = new Set<string>();
  for (const value of raw) {
    const name = normalizeTagName(value);
    if (name) names.add(name);
  }
  return [...names].map((name) => ({ name, confidence: 1, source: 'metadata' as const }));
}

/**
 * The item's tags with those of its metadata: tags from an earlier attempt's metadata are replaced,
 * a name the owner or the tagger already gave is kept as theirs.
 */
function mergeTags(current: readonly Tag[], fromMetadata: readonly Tag[]): Tag[] {
  const kept = current.filter((tag) => tag.source !== 'metadata');
  const taken = new Set(kept.map((tag) => tag.name));
  return [...kept, ...fromMetadata.filter((tag) => !taken.has(tag.name))].slice(0, MAX_TAGS);
}

/** The embedded title, when the owner has not given one. */
function titleChanges(current: MediaItem, metadata: AudioMetadata | undefined): Partial<MediaItem> {
  const title = metadata?.title?.trim().slice(0, MAX_TITLE).trim();
  return current.title === undefined && title ? { title } : {};
}

/**
 * The audio step (DESIGN.md lifecycle step 4): previews (AAC and Opus), waveform peaks, facts and
 * metadata; an embedded cover is rendered like a photo so the grid shows it with a placeholder.
 * The embedded title becomes the item's title when it has none, genres and artist become tags
 * (`source: 'metadata'`). Refused content fails the item with the reason (`isFileFault`); anything
 * else, including a shutdown, is thrown so the queue retries it.
 */
export async function processAudio(deps: AudioStepDeps, ownerId: string, id: string, options: JobOptions = {}): Promise<ProcessOutcome> {
  const item = await begin(deps, ownerId, id);
  if (!item) return NOTHING_TO_DO;
  const job = { stage: 'audio', limitSeconds: deps.config.audioTimeLimitSeconds, signal: options.signal };
  try {
    return await withLocalOriginal(deps, item, job, async (input, _dir, signal) => {
      const result = await deps.audio.process(input, signal);
      // A retry may find renditions of a previous attempt: start from a clean prefix.
      await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
      const renditions = await storeRenditions(deps, item, result.files);
      const still = result.cover ? await renderStill(deps, item, result.cover) : { renditions: [] };
      const metadata = result.facts.audio;
      return finishLatest(deps, item, (current) => ({
        facts: result.facts,
        renditions: [...renditions, ...still.renditions],
        tags: mergeTags(current.tags, metadataTags(metadata)),
        ...titleChanges(current, metadata),
        ...(still.placeholder ? { placeholder: still.placeholder } : {}),
      }));
    });
  } catch (error) {
    return failOrRethrow(deps, item, error, 'audio', options);
  }
}
