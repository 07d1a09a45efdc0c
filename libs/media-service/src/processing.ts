import { createReadStream } from 'node:fs';
import {
  applyAction,
  createEvent,
  isMediaError,
  type MediaItem,
  type RenderedFile,
  type Rendition,
  renditionKey,
  renditionPrefix,
} from '@mediaflow/domain';
import type { ServiceDeps } from './context.js';
import { IMMUTABLE_CACHE } from './context.js';
import { failItem } from './failures.js';

export type ProcessOutcome = { outcome: 'ready' | 'failed'; item: MediaItem } | { outcome: 'ignored'; reason: string };

const EXT: Record<Rendition['format'], string> = {
  webp: 'webp',
  avif: 'avif',
  jpeg: 'jpg',
  png: 'png',
  gif: 'gif',
  mp4: 'mp4',
  m3u8: 'm3u8',
  ts: 'ts',
  m4a: 'm4a',
  opus: 'opus',
  json: 'json',
};

/**
 * Moves an item into `processing` unless a previous attempt already did (that attempt died; this
 * one takes over). Returns `undefined` when the item is settled or gone: a duplicate delivery.
 */
async function begin(deps: ServiceDeps, ownerId: string, id: string): Promise<MediaItem | undefined> {
  const item = await deps.repo.get(ownerId, id);
  if (!item) return undefined;
  if (item.status === 'processing') return item;
  if (item.status !== 'uploaded') return undefined;
  const next = applyAction(item, 'processing.started', deps.clock.now(), { progress: 0 });
  return deps.repo.update(next, item.version);
}

async function readAll(deps: ServiceDeps, key: string): Promise<Uint8Array> {
  const { body } = await deps.store.get(key);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Stores rendered files under the item's rendition keys, with immutable cache headers; files on disk
 * are streamed. Returns the renditions to list on the item (HLS segments are stored, not listed).
 */
export async function storeRenditions(deps: ServiceDeps, item: MediaItem, files: RenderedFile[]): Promise<Rendition[]> {
  const renditions: Rendition[] = [];
  for (const file of files) {
    const key = renditionKey(item.ownerId, item.id, file.name, EXT[file.format]);
    const body = file.body ?? createReadStream(file.path);
    const head = await deps.store.put(key, body, { contentType: file.contentType, cacheControl: IMMUTABLE_CACHE });
    if (file.listed === false) continue;
    const rendition: Rendition = { name: file.name, format: file.format, key, contentType: file.contentType, bytes: head.size };
    if (file.width !== undefined) rendition.width = file.width;
    if (file.height !== undefined) rendition.height = file.height;
    if (file.durationSeconds !== undefined) rendition.durationSeconds = file.durationSeconds;
    if (file.bitrate !== undefined) rendition.bitrate = file.bitrate;
    renditions.push(rendition);
  }
  return renditions;
}

async function finish(deps: ServiceDeps, item: MediaItem, changes: Partial<MediaItem>): Promise<MediaItem> {
  const ready = applyAction(item, 'processing.succeeded', deps.clock.now(), changes);
  await deps.repo.update(ready, item.version);
  await deps.bus.publish(
    createEvent('media.processed', {
      id: deps.ids.next(),
      occurredAt: deps.clock.now(),
      ownerId: item.ownerId,
      mediaId: item.id,
      data: { kind: item.kind, renditions: ready.renditions },
    }),
  );
  return ready;
}

/**
 * The image step: decode once, renditions and a placeholder, then `ready` and `media.processed`.
 * Content the pipeline refuses (corrupt, unsupported, over a limit) fails the item with the
 * pipeline's reason; anything else is thrown so the queue retries it.
 */
export async function processImage(deps: ServiceDeps, ownerId: string, id: string): Promise<ProcessOutcome> {
  if (!deps.images) throw new Error('no image processor is configured');
  const item = await begin(deps, ownerId, id);
  if (!item) return { outcome: 'ignored', reason: 'item is settled or gone' };
  try {
    const input = await readAll(deps, item.original.key);
    const inspection = await deps.images.inspect(input);
    const result = await deps.images.render(input);
    // A retry may find renditions of a previous attempt: start from a clean prefix.
    await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
    const renditions = await storeRenditions(deps, item, result.files);
    const ready = await finish(deps, item, { facts: inspection.facts, renditions, placeholder: result.placeholder });
    return { outcome: 'ready', item: ready };
  } catch (error) {
    if (isMediaError(error) && ['corrupt', 'unsupported', 'limit_exceeded', 'timeout'].includes(error.code)) {
      await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
      const failed = await failItem(deps, item, { code: error.code, reason: error.message, stage: 'image' });
      return failed ? { outcome: 'failed', item: failed } : { outcome: 'ignored', reason: 'item moved on' };
    }
    throw error;
  }
}

/**
 * Documents and other files are kept as they are: served only as attachments, never parsed.
 * (Video and audio use this step too until their pipelines are wired in.)
 */
export async function processAsIs(deps: ServiceDeps, ownerId: string, id: string): Promise<ProcessOutcome> {
  const item = await begin(deps, ownerId, id);
  if (!item) return { outcome: 'ignored', reason: 'item is settled or gone' };
  return { outcome: 'ready', item: await finish(deps, item, {}) };
}
