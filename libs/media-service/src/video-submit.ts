import { type MediaItem, renditionPrefix } from '@mediaflow/domain';
import type { ServiceDeps } from './context.js';
import { begin, failOrRethrow, type JobOptions, type ProcessOutcome, withLocalOriginal } from './processing.js';

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
export async function submitVideoJob(deps: ServiceDeps, ownerId: string, id: string, options: JobOptions = {}): Promise<SubmitOutcome> {
  const video = deps.video;
  if (!video) throw new Error('no video transcoder is configured');
  const item = await begin(deps, ownerId, id);
  if (!item) return { outcome: 'ignored', reason: 'item is settled or gone' };
  const job = { stage: 'video', limitSeconds: deps.config.videoTimeLimitSeconds, signal: options.signal };
  try {
    const facts = await withLocalOriginal(deps, item, job, (input, _dir, signal) => video.probe(input, signal));
    const probed = await deps.repo.update({ ...item, facts, version: item.version + 1, updatedAt: deps.clock.now().toISOString() }, item.version);
    const prefix = renditionPrefix(item.ownerId, item.id);
    // A retry may find outputs of an earlier job: the completion lists this prefix, so it starts clean.
    await deps.store.deleteByPrefix(prefix);
    const result = await video.transcode({ input: item.original.key, outputPrefix: prefix, facts, ...(options.signal ? { signal: options.signal } : {}) });
    if (!('jobId' in result)) throw new Error('submitVideoJob needs a transcoder that submits a job');
    return { outcome: 'submitted', item: probed, jobId: result.jobId };
  } catch (error) {
    return failOrRethrow(deps, item, error, 'video', options.signal);
  }
}
