import { ConflictError, renditionPrefix, reviseItem, type Rendition } from '@mediaflow/domain';
import type { VideoJobUpdateDeps } from '../context.js';
import { failItem } from '../jobs/failure.js';
import { finishLatest, type ProcessOutcome } from '../jobs/lifecycle.js';
import { readAll, renderStill } from '../jobs/renditions.js';

/**
 * The end of the cloud video step for videos handed to a transcoding service's job (MediaConvert):
 * `processCloudVideo` probed and submitted, `applyVideoJobUpdate` settles the item from the job's
 * state changes. Videos the video function transcodes itself are settled there, as `processVideo`
 * does locally.
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

/** What a file the transcoder wrote is, from its key under the item's prefix (`undefined`: not ours). */
export type OutputClassifier = (relativeKey: string) => { name: string; format: Rendition['format']; listed: boolean; poster?: boolean } | undefined;

const CONTENT_TYPES: Partial<Record<Rendition['format'], string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  mp4: 'video/mp4',
  jpeg: 'image/jpeg',
};

/**
 * The cloud half of the video step for a job: a transcoding job (MediaConvert) that the video
 * function started reports its state. `progressing` moves the item's progress; `complete` lists what the job
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
