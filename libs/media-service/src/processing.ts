import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  applyAction,
  ConflictError,
  createEvent,
  isMediaError,
  type MediaError,
  type MediaItem,
  type Placeholder,
  type RenderedFile,
  type Rendition,
  renditionKey,
  renditionPrefix,
  TimeoutError,
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
 * one takes over). Returns `undefined` when the item is settled or gone, or when another delivery
 * of the same event began it at the same moment: duplicate deliveries.
 */
export async function begin(deps: ServiceDeps, ownerId: string, id: string): Promise<MediaItem | undefined> {
  const item = await deps.repo.get(ownerId, id);
  if (!item) return undefined;
  if (item.status === 'processing') return item;
  let next: MediaItem;
  if (item.status === 'failed' && item.failure?.code === 'dead_lettered') {
    // A redriven dead letter (`mediaflow dlq redrive`): the step ran out of retries on something
    // outside the content (since fixed), so it gets another go. Content failures stay failed.
    const { failure: _lastFailure, ...rest } = item;
    next = applyAction(rest, 'reprocess.requested', deps.clock.now(), { progress: 0 });
  } else if (item.status === 'uploaded') {
    next = applyAction(item, 'processing.started', deps.clock.now(), { progress: 0 });
  } else {
    return undefined;
  }
  try {
    return await deps.repo.update(next, item.version);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // Two deliveries of one event, side by side: the other began first and its message stays with
    // the job (to take over if it dies), so this one has nothing to do. Any other change (a title
    // edited at that moment) is thrown, and the queue tries again.
    const current = await deps.repo.get(ownerId, id);
    if (current?.status === 'processing') return undefined;
    throw error;
  }
}

/** An object's bytes in memory: for inputs known to be small (images, covers, posters). */
export async function readAll(deps: ServiceDeps, key: string): Promise<Uint8Array> {
  const { body } = await deps.store.get(key);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Puts at once per item: each put waits on the store (S3 round trips, or the filesystem's fsyncs),
 * and puts in flight together overlap those waits (a journal commits their syncs as one).
 */
const PARALLEL_PUTS = 4;

/**
 * Stores rendered files under the item's rendition keys, with immutable cache headers; files on disk
 * are streamed. Returns the renditions to list on the item, in the order given (HLS segments are
 * stored, not listed).
 */
export async function storeRenditions(deps: ServiceDeps, item: MediaItem, files: RenderedFile[]): Promise<Rendition[]> {
  const stored: (Rendition | undefined)[] = new Array<Rendition | undefined>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) stored[i] = await storeOne(deps, item, files[i] as RenderedFile);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PUTS, files.length) }, worker));
  return stored.filter((r): r is Rendition => r !== undefined);
}

async function storeOne(deps: ServiceDeps, item: MediaItem, file: RenderedFile): Promise<Rendition | undefined> {
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

/** `processing -> ready` with the step's changes, then `media.processed` for tagging. */
export async function finish(deps: ServiceDeps, item: MediaItem, changes: Partial<MediaItem>): Promise<MediaItem> {
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
 * Ends a long job: re-reads the item (its progress and the owner's edits moved its version on
 * meanwhile) and moves that version to `ready`. An item deleted or settled meanwhile is left alone.
 */
export async function finishLatest(deps: ServiceDeps, item: MediaItem, changes: (current: MediaItem) => Partial<MediaItem>): Promise<ProcessOutcome> {
  const current = await deps.repo.get(item.ownerId, item.id);
  if (!current || current.status !== 'processing') {
    await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
    return { outcome: 'ignored', reason: 'item moved on' };
  }
  return { outcome: 'ready', item: await finish(deps, current, changes(current)) };
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
    // One pass when the processor offers it: the header is parsed once, under one time budget.
    const { inspection, ...result } = deps.images.process
      ? await deps.images.process(input)
      : { inspection: await deps.images.inspect(input), ...(await deps.images.render(input)) };
    // A retry may find renditions of a previous attempt: start from a clean prefix.
    await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
    const renditions = await storeRenditions(deps, item, result.files);
    const ready = await finish(deps, item, { facts: inspection.facts, renditions, placeholder: result.placeholder });
    return { outcome: 'ready', item: ready };
  } catch (error) {
    return failOrRethrow(deps, item, error, 'image');
  }
}

/** Errors that describe the content (not the machine): retrying cannot help, the item fails. */
const CONTENT_ERRORS: readonly string[] = ['corrupt', 'unsupported', 'limit_exceeded', 'timeout'];

export function isContentError(error: unknown): error is MediaError {
  return isMediaError(error) && CONTENT_ERRORS.includes(error.code);
}

/**
 * Settles a processing step that threw. Content the pipeline refuses (corrupt, unsupported, over
 * a limit or the time limit) removes whatever renditions were stored and fails the item with the
 * pipeline's reason. Anything else is rethrown so the queue retries it, and so is everything after
 * `signal` fired (a shutdown: the job is given back, not failed).
 */
export async function failOrRethrow(deps: ServiceDeps, item: MediaItem, error: unknown, stage: string, signal?: AbortSignal): Promise<ProcessOutcome> {
  if (signal?.aborted || !isContentError(error)) throw error;
  await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
  // Long jobs write progress (and owners may edit meanwhile): fail the version stored now.
  const current = await deps.repo.get(item.ownerId, item.id);
  if (!current) return { outcome: 'ignored', reason: 'item is gone' };
  const failed = await failItem(deps, current, { code: error.code, reason: error.message, stage });
  return failed ? { outcome: 'failed', item: failed } : { outcome: 'ignored', reason: 'item moved on' };
}

export interface JobOptions {
  /** Aborts the job when the worker shuts down: the message goes back to its queue. */
  signal?: AbortSignal;
}

/**
 * Runs a job that needs the original as a local file (ffmpeg seeks in its input, an MP4 with
 * its index at the end above all, and a stream cannot be sought): the original is streamed into a
 * fresh directory under the scratch directory, `work` gets its path, that directory and a signal
 * that fires on shutdown or at the time limit. The
 * directory is removed whatever happens. Running past the limit throws `TimeoutError`, so the
 * item fails instead of being retried forever; a shutdown rethrows the abort so the job is retried.
 */
export async function withLocalOriginal<T>(
  deps: ServiceDeps,
  item: MediaItem,
  job: { stage: string; limitSeconds: number; signal?: AbortSignal | undefined },
  work: (input: string, dir: string, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const root = deps.scratchDir ?? tmpdir();
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, `${job.stage}-${item.id}-`));
  const limit = AbortSignal.timeout(job.limitSeconds * 1000);
  const signal = job.signal ? AbortSignal.any([job.signal, limit]) : limit;
  try {
    const input = join(dir, 'original');
    const { body } = await deps.store.get(item.original.key);
    await pipeline(body, createWriteStream(input, { flags: 'wx' }), { signal });
    return await work(input, dir, signal);
  } catch (error) {
    if (limit.aborted && !job.signal?.aborted) {
      throw new TimeoutError(`${job.stage} processing took longer than ${job.limitSeconds} s`, { cause: error });
    }
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A still (a video's poster, an audio file's embedded cover) rendered like a photo, so that the
 * grid shows it with the same sizes, formats and placeholder. Best effort: a still the image
 * pipeline refuses leaves the item without one rather than failing it.
 */
export async function renderStill(deps: ServiceDeps, item: MediaItem, bytes: Uint8Array): Promise<{ renditions: Rendition[]; placeholder?: Placeholder }> {
  if (!deps.images) return { renditions: [] };
  try {
    const result = await deps.images.render(bytes);
    return { renditions: await storeRenditions(deps, item, result.files), placeholder: result.placeholder };
  } catch (error) {
    if (isContentError(error)) return { renditions: [] };
    throw error;
  }
}

/** Documents and other files are kept as they are: served only as attachments, never parsed. */
export async function processAsIs(deps: ServiceDeps, ownerId: string, id: string): Promise<ProcessOutcome> {
  const item = await begin(deps, ownerId, id);
  if (!item) return { outcome: 'ignored', reason: 'item is settled or gone' };
  return { outcome: 'ready', item: await finish(deps, item, {}) };
}
