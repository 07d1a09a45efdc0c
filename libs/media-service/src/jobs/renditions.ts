import { createReadStream } from 'node:fs';
import { renditionKey, type ImageProcessor, type MediaItem, type Placeholder, type RenderedFile, type Rendition } from '@mediaflow/domain';
import { IMMUTABLE_CACHE, type CoreDeps } from '../context.js';
import { isFileFault } from './failure.js';

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
 * Puts at once per item: each put waits on the store (S3 round trips, or the filesystem's fsyncs),
 * and puts in flight together overlap those waits (a journal commits their syncs as one).
 */
const PARALLEL_PUTS = 4;

/** An object's bytes in memory: for outputs known to be small (posters, frames); originals go through `readOriginal`. */
export async function readAll(deps: Pick<CoreDeps, 'store'>, key: string): Promise<Uint8Array> {
  const { body } = await deps.store.get(key);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Stores rendered files under the item's rendition keys, with immutable cache headers; files on disk
 * are streamed. Returns the renditions to list on the item, in the order given (HLS segments are
 * stored, not listed).
 */
export async function storeRenditions(deps: Pick<CoreDeps, 'store'>, item: MediaItem, files: RenderedFile[]): Promise<Rendition[]> {
  const stored: (Rendition | undefined)[] = new Array<Rendition | undefined>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) stored[i] = await storeOne(deps, item, files[i] as RenderedFile);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PUTS, files.length) }, worker));
  return stored.filter((r): r is Rendition => r !== undefined);
}

async function storeOne(deps: Pick<CoreDeps, 'store'>, item: MediaItem, file: RenderedFile): Promise<Rendition | undefined> {
  const key = renditionKey(item.ownerId, item.id, file.name, EXT[file.format]);
  const body = file.body ?? createReadStream(file.path);
  const head = await deps.store.put(key, body, { contentType: file.contentType, cacheControl: IMMUTABLE_CACHE });
  if (file.listed === false) return undefined;
  const rendition: Rendition = { name: file.name, format: file.format, key, contentType: file.contentType, bytes: head.size };
  if (file.width !== undefined) rendition.width = file.width;
  if (file.height !== undefined) rendition.height = file.height;
  if (file.durationSeconds !== undefined) rendition.durationSeconds = file.durationSeconds;
  if (file.bitrate !== undefined) rendition.bitrate = file.bitrate;
  return rendition;
}

/**
 * A still (a video's poster, an audio file's embedded cover) rendered like a photo, so that the
 * grid shows it with the same sizes, formats and placeholder. Best effort: a still the image
 * pipeline refuses leaves the item without one rather than failing it.
 */
export async function renderStill(
  deps: Pick<CoreDeps, 'store'> & { images: ImageProcessor },
  item: MediaItem,
  bytes: Uint8Array,
): Promise<{ renditions: Rendition[]; placeholder?: Placeholder }> {
  try {
    const result = await deps.images.render(bytes);
    return { renditions: await storeRenditions(deps, item, result.files), placeholder: result.placeholder };
  } catch (error) {
    if (isFileFault(error)) return { renditions: [] };
    throw error;
  }
}
