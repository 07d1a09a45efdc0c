import { ConflictError, renditionPrefix, reviseItem, type MediaItem, type Rendition } from '@mediaflow/domain';
import type { VideoJobUpdateDeps, VideoSubmitDeps } from '../context.js';
import { failItem, failOrRethrow, type JobOptions } from '../jobs/failure.js';
import { begin, finishLatest, NOTHING_TO_DO, type ProcessOutcome } from '../jobs/lifecycle.js';
import { withLocalOriginal } from '../jobs/local-original.js';
import { readAll, renderStill } from '../jobs/renditions.js';

/**
 * The cloud video step, in two halves joined by a transcoding service's job (MediaConvert):
 * `submitVideoJob` probes and submits, `applyVideoJobUpdate` settles the item from the job's state
 * changes. The local twin, which does both in one go, is `processVideo`.
 */

/** A cloud transcoding job's state change, as its completion handler parsed it. */
export interface VideoJobUpdate {
  ownerId: string;
  mediaId: string;
  jobId: string;
  status: 'complete' | 'error' | 'progressing';
  /** 0..1, for `progressing`. */
  progress?: number;
  error?: { message: string };
}

export type SubmitOutcome = { outcome: 'submitted'; item: MediaItem; jobId: string } | ProcessOutcome;

/**
 * The start of the cloud video step: the item goes `processing`, the original is probed under the
 * transcoder's allow-lists (a refused or over-limit file fails the item here, before any job is
 * paid for), its facts are recorded, and a cloud transcoding job is submitted for the item's
 * rendition prefix. The job's state changes settle the item later (`applyVideoJobUpdate`).
 *
 * @example
 * await submitVideoJob({ ...deps, video: new MediaConvertTranscoder(...) }, 'alice', mediaId);
 */
export async function submitVideoJob(deps: VideoSubmitDeps, ownerId: string, id: string, options: JobOptions = {}): Promise<SubmitOutcome> {
  const item = await begin(deps, ownerId, id);
  if (!item) return NOTHING_TO_DO;
  const job = { stage: 'video', limitSeconds: deps.config.videoTimeLimitSeconds, signal: options.signal };
  try {
    const facts = await withLocalOriginal(deps, item, job, (input, _dir, signal) => deps.video.probe(input, signal));
    const probed = await deps.repo.update(reviseItem(item, deps.clock.now(), { facts }), item.version);
    const prefix = renditionPrefix(item.ownerId, item.id);
    // A retry may find outputs of an earlier job: the completion lists this prefix, so it starts clean.
    await deps.store.deleteByPrefix(prefix);
    const { jobId } = await deps.video.submit({ input: item.original.key, outputPrefix: prefix, facts, ...(options.signal ? { signal: options.signal } : {}) });
    return { outcome: 'submitted', item: probed, jobId };
  } catch (error) {
    return failOrRethrow(deps, item, error, 'video', options);
  }
}

/** What a file the transcoder wrote is, from its key under the item's prefix (`undefined`: not ours). */
export type OutputClassifier = (relativeKey: string) => { name: string; format: Rendition['format']; listed: boolean; poster?: boolean } | undefined;

const CONTENT_TYPES: Partial<Record<Rendition['format'], string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  mp4: 'video/mp4',
  jpeg: 'image/jpeg',
};

/**
 * The cloud half of the video step: a transcoding job (MediaConvert) that the video queue's handler
 * started reports its state. `progressing` moves the item's progress; `complete` lists what the job
 * wrote under the item's rendition prefix, records the listed files as renditions (segments stay
 * unlisted), renders the poster like a photo for the grid, and makes the item `ready`; `error`
 * fails it with the transcoder's message. Late or repeated events for a settled item change nothing.
 */
export async function applyVideoJobUpdate(deps: VideoJobUpdateDeps, update: VideoJobUpdate, classify: OutputClassifier): Promise<ProcessOutcome> {
  const item = await deps.repo.get(update.ownerId, update.mediaId);
  if (!item || item.status !== 'processing') return { outcome: 'ignored', reason: `item is ${item?.status ?? 'gone'}` };

  if (update.status === 'progressing') {
    if (update.progress === undefined || update.progress <= (item.progress ?? 0)) return { outcome: 'ignored', reason: 'no progress' };
    try {
      await deps.repo.update(reviseItem(item, deps.clock.now(), { progress: Math.min(1, update.progress) }), item.version);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
    return { outcome: 'ignored', reason: 'progress recorded' };
  }

  if (update.status === 'error') {
    const reason = `transcoding job ${update.jobId} failed: ${update.error?.message ?? 'no reason given'}`.slice(0, 1000);
    const failed = await failItem(deps, item, { code: 'transcode_failed', reason, stage: 'video' });
    return failed ? { outcome: 'failed', item: failed } : { outcome: 'ignored', reason: 'item moved on' };
  }

  const prefix = renditionPrefix(item.ownerId, item.id);
  const renditions: Rendition[] = [];
  let posterKey: string | undefined;
  for await (const head of deps.store.list(prefix)) {
    const what = classify(head.key.slice(prefix.length));
    if (!what) continue;
    if (what.poster) posterKey = head.key;
    if (!what.listed) continue;
    renditions.push({ name: what.name, format: what.format, key: head.key, contentType: CONTENT_TYPES[what.format] ?? head.contentType, bytes: head.size });
  }
  if (!renditions.some((r) => r.format === 'm3u8')) {
    const failed = await failItem(deps, item, { code: 'transcode_failed', reason: `transcoding job ${update.jobId} completed without a playlist`, stage: 'video' });
    return failed ? { outcome: 'failed', item: failed } : { outcome: 'ignored', reason: 'item moved on' };
  }
  const still = posterKey ? await renderStill(deps, item, await readAll(deps, posterKey)) : { renditions: [] };
  return finishLatest(deps, item, () => ({
    renditions: [...renditions, ...still.renditions],
    ...(still.placeholder ? { placeholder: still.placeholder } : {}),
  }));
}
