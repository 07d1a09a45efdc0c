import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptMediaError, type MediaFacts, type VideoJobRequest, type VideoJobTranscoder } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { inMemoryDeps } from '../testing/index.js';
import { submitVideoJob } from './video-cloud.js';

const ORIGINAL = Buffer.from('\x00\x00\x00\x20ftypisom fake movie bytes');
const FACTS: MediaFacts = { container: 'mp4', width: 320, height: 240, durationSeconds: 3, videoCodec: 'h264' };

/** A cloud transcoder: probes the local copy, submits a job for the object key. */
class SubmittingTranscoder implements VideoJobTranscoder {
  requests: VideoJobRequest[] = [];
  constructor(private readonly corrupt = false) {}
  async probe(input: string): Promise<MediaFacts> {
    expect(await readFile(input)).toEqual(ORIGINAL);
    if (this.corrupt) throw new CorruptMediaError('moov atom not found');
    return FACTS;
  }
  async submit(request: VideoJobRequest): Promise<{ jobId: string }> {
    this.requests.push(request);
    return { jobId: 'job-1' };
  }
}

describe('submitVideoJob', () => {
  let scratchDir: string;
  beforeAll(async () => {
    scratchDir = await mkdtemp(join(tmpdir(), 'mf-submit-'));
  });
  afterAll(() => rm(scratchDir, { recursive: true, force: true }));

  async function setup(video: VideoJobTranscoder) {
    const deps = inMemoryDeps({ video, scratchDir });
    const item = await deps.repo.create(makeMediaItem({ kind: 'video', status: 'uploaded' }));
    await deps.store.put(item.original.key, ORIGINAL);
    await deps.store.put(`renditions/${item.ownerId}/${item.id}/hls/master.m3u8`, Buffer.from('#EXTM3U stale'));
    return { deps, item };
  }

  it('moves the item to processing with its facts and submits a job for the object key and a clean prefix', async () => {
    const video = new SubmittingTranscoder();
    const { deps, item } = await setup(video);
    const result = await submitVideoJob(deps, item.ownerId, item.id);
    expect(result).toMatchObject({ outcome: 'submitted', jobId: 'job-1' });
    expect(video.requests).toEqual([{ input: item.original.key, outputPrefix: `renditions/${item.ownerId}/${item.id}/`, facts: FACTS }]);
    const stored = await deps.repo.get(item.ownerId, item.id);
    expect(stored).toMatchObject({ status: 'processing', facts: FACTS });
    expect(await deps.store.head(`renditions/${item.ownerId}/${item.id}/hls/master.m3u8`)).toBeUndefined();
  });

  it('fails the item when the probe refuses the content, and submits nothing', async () => {
    const video = new SubmittingTranscoder(true);
    const { deps, item } = await setup(video);
    expect(await submitVideoJob(deps, item.ownerId, item.id)).toMatchObject({ outcome: 'failed' });
    expect(video.requests).toEqual([]);
    expect(await deps.repo.get(item.ownerId, item.id)).toMatchObject({ status: 'failed', failure: { code: 'corrupt', stage: 'video' } });
  });

  it('leaves a settled item alone', async () => {
    const video = new SubmittingTranscoder();
    const { deps, item } = await setup(video);
    await submitVideoJob(deps, item.ownerId, item.id);
    const submitted = await deps.repo.get(item.ownerId, item.id);
    if (!submitted) throw new Error('the item is gone');
    await deps.repo.update({ ...submitted, status: 'ready', version: submitted.version + 1 }, submitted.version);
    expect(await submitVideoJob(deps, item.ownerId, item.id)).toEqual({ outcome: 'ignored', reason: 'item is settled or gone' });
    expect(video.requests).toHaveLength(1);
  });
});
