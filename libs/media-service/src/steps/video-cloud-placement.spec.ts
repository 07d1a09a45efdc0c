import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaFacts, VideoJobRequest, VideoJobTranscoder } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import type { VideoPlacement } from '../context.js';
import { inMemoryDeps } from '../testing/index.js';
import { FAKE_MOVIE, FAKE_MOVIE_FACTS, posterStills, ScriptedTranscoder } from '../testing/video.js';
import { processCloudVideo } from './video.js';

const ORIGINAL = FAKE_MOVIE;
const FACTS = FAKE_MOVIE_FACTS;

/** Stands in for MediaConvert: records the jobs it is given. */
class JobService implements VideoJobTranscoder {
  requests: VideoJobRequest[] = [];
  async probe(): Promise<MediaFacts> {
    throw new Error('the function probes its own copy; the job service is never asked to');
  }
  async submit(request: VideoJobRequest): Promise<{ jobId: string }> {
    this.requests.push(request);
    return { jobId: 'job-1' };
  }
}

describe('processCloudVideo', () => {
  let scratchDir: string;
  beforeEach(async () => {
    scratchDir = await mkdtemp(join(tmpdir(), 'mf-cloud-video-'));
  });
  afterEach(() => rm(scratchDir, { recursive: true, force: true }));

  async function setup(placement: VideoPlacement, video = new ScriptedTranscoder()) {
    const jobs = new JobService();
    const asked: Array<{ facts: MediaFacts; bytes: number }> = [];
    const deps = inMemoryDeps({
      video,
      jobs,
      images: posterStills,
      scratchDir,
      placeVideo: (facts: MediaFacts, original: { bytes: number }) => {
        asked.push({ facts, bytes: original.bytes });
        return placement;
      },
    });
    const item = await deps.repo.create(makeMediaItem({ kind: 'video', status: 'uploaded' }));
    await deps.store.put(item.original.key, ORIGINAL);
    await deps.store.put(`renditions/${item.ownerId}/${item.id}/hls/master.m3u8`, Buffer.from('#EXTM3U stale'));
    return { deps, item, jobs, video, asked };
  }

  it('places the video from its probed facts and the size of the copy, and transcodes it here when it fits', async () => {
    const { deps, item, jobs, video, asked } = await setup({ where: 'here', reason: 'about 40 s of 405 s' });
    const result = await processCloudVideo(deps, item.ownerId, item.id);
    expect(result).toMatchObject({ outcome: 'ready', where: 'here', reason: 'about 40 s of 405 s' });
    expect(asked).toEqual([{ facts: FACTS, bytes: ORIGINAL.length }]);
    expect(video.transcoded).toBe(1);
    expect(jobs.requests).toEqual([]);
    const ready = await deps.repo.get(item.ownerId, item.id);
    expect(ready).toMatchObject({ status: 'ready', facts: FACTS });
    expect(ready?.renditions.map((r) => r.name)).toEqual(['hls/master', 'hls/240p', 'preview', 'poster', 'thumb']);
    expect(await readdir(scratchDir)).toEqual([]);
    expect(deps.bus.published.map((e) => e.type)).toEqual(['media.processed']);
  });

  it('hands a video that would not fit to a job: facts recorded, a clean prefix, the job for the object key', async () => {
    const { deps, item, jobs, video } = await setup({ where: 'job', reason: 'about 1,200 s, more than 405 s' });
    const result = await processCloudVideo(deps, item.ownerId, item.id);
    expect(result).toMatchObject({ outcome: 'submitted', jobId: 'job-1', where: 'job', reason: 'about 1,200 s, more than 405 s' });
    expect(video.transcoded).toBe(0);
    expect(jobs.requests).toHaveLength(1);
    expect(jobs.requests[0]).toMatchObject({ input: item.original.key, outputPrefix: `renditions/${item.ownerId}/${item.id}/`, facts: FACTS });
    expect(await deps.repo.get(item.ownerId, item.id)).toMatchObject({ status: 'processing', facts: FACTS });
    expect(await deps.store.head(`renditions/${item.ownerId}/${item.id}/hls/master.m3u8`)).toBeUndefined();
    expect(deps.bus.published).toEqual([]);
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('fails the item when the probe refuses the content, and neither transcodes nor submits', async () => {
    const { deps, item, jobs, asked } = await setup({ where: 'job', reason: 'stage setting' }, new ScriptedTranscoder(undefined, 'corrupt'));
    expect(await processCloudVideo(deps, item.ownerId, item.id)).toMatchObject({ outcome: 'failed' });
    expect(asked).toEqual([]);
    expect(jobs.requests).toEqual([]);
    expect(await deps.repo.get(item.ownerId, item.id)).toMatchObject({ status: 'failed', failure: { code: 'corrupt', stage: 'video' } });
  });

  it('fails an original that changed since ingest before placing it, and submits no job', async () => {
    const { deps, item: stored, jobs, video, asked } = await setup({ where: 'job', reason: 'always' });
    // Ingest recorded the hash of other bytes: the object was written again afterwards.
    const sha256 = createHash('sha256').update('the bytes ingest accepted').digest('hex');
    const item = await deps.repo.update({ ...stored, original: { ...stored.original, sha256 }, version: stored.version + 1 }, stored.version);
    expect((await processCloudVideo(deps, item.ownerId, item.id)).outcome).toBe('failed');
    expect((await deps.repo.get(item.ownerId, item.id))?.failure).toMatchObject({ code: 'original_changed', stage: 'video' });
    expect([asked, jobs.requests, video.transcoded]).toEqual([[], [], 0]);
  });

  it('leaves a settled item alone', async () => {
    const { deps, item, jobs } = await setup({ where: 'job', reason: 'stage setting' });
    await processCloudVideo(deps, item.ownerId, item.id);
    const submitted = await deps.repo.get(item.ownerId, item.id);
    if (!submitted) throw new Error('the item is gone');
    await deps.repo.update({ ...submitted, status: 'ready', version: submitted.version + 1 }, submitted.version);
    expect(await processCloudVideo(deps, item.ownerId, item.id)).toEqual({ outcome: 'ignored', reason: 'item is settled or gone' });
    expect(jobs.requests).toHaveLength(1);
  });
});
