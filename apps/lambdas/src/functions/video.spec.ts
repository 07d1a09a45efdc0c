import { CreateJobCommand, MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { createEvent, type ImageProcessor, type MediaFacts, type VideoTranscoder } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { buildMediaConvertJob, planLadder } from '@mediaflow/video-pipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaConvertTranscoder } from '../mediaconvert-transcoder.js';
import { loadConfig } from '../config.js';
import { GOOD_ENV, lambdaContext, memoryRuntime, sqsEvent, sqsRecord } from '../test-support.js';
import { createVideoHandler, videoPlacement } from './video.js';

const FACTS: MediaFacts = { container: 'mp4', width: 1920, height: 1080, durationSeconds: 12, frameRate: 30, videoCodec: 'h264', audioCodec: 'aac' };

/** The ffmpeg side of the function, for the cases where MediaConvert transcodes: it only probes. */
function probeOnly(probe: (input: string) => Promise<MediaFacts>): VideoTranscoder {
  return {
    probe,
    transcode: async () => {
      throw new Error('a video placed in a MediaConvert job is not transcoded in the function');
    },
  };
}

const noStills: ImageProcessor = {
  inspect: async () => ({ facts: {}, mime: 'image/jpeg' }),
  render: async () => ({ files: [], placeholder: { thumbhash: 'abc' } }),
};

/** The placement of a stage that sends every video to MediaConvert. */
const EVERY_VIDEO_A_JOB = videoPlacement(loadConfig({ ...GOOD_ENV, VIDEO_TRANSCODER: 'mediaconvert' }));

describe('video placement in the function', () => {
  const lambda = (memory: number) => videoPlacement(loadConfig({ ...GOOD_ENV, VIDEO_TIME_LIMIT_SECONDS: '810', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory) }));

  it('transcodes a 20 s 1080p clip in the function and sends a two-hour film to MediaConvert', () => {
    expect(lambda(3538)({ ...FACTS, durationSeconds: 20 }, { bytes: 40e6 })).toMatchObject({ where: 'here' });
    expect(lambda(3538)({ ...FACTS, durationSeconds: 7200 }, { bytes: 14e9 })).toMatchObject({ where: 'job' });
  });

  it('takes longer videos with more memory (more vCPUs), and none when the stage says mediaconvert', () => {
    const longest = (place: ReturnType<typeof lambda>) => {
      let seconds = 1;
      while (place({ ...FACTS, durationSeconds: seconds + 1 }, { bytes: 1 }).where === 'here') seconds += 1;
      return seconds;
    };
    expect(longest(lambda(7076))).toBeGreaterThan(longest(lambda(3538)));
    expect(EVERY_VIDEO_A_JOB({ ...FACTS, durationSeconds: 1 }, { bytes: 1 })).toMatchObject({ where: 'job', reason: 'the stage transcodes every video with MediaConvert' });
  });
});

describe('video function, videos placed in MediaConvert jobs (SQS -> MediaConvert)', () => {
  const mediaConvert = mockClient(MediaConvertClient);
  let scratchDir: string;
  beforeAll(async () => {
    scratchDir = await mkdtemp(join(tmpdir(), 'mf-video-'));
  });
  afterAll(() => rm(scratchDir, { recursive: true, force: true }));
  beforeEach(() => mediaConvert.reset());

  it('moves the item to processing and creates the job buildMediaConvertJob describes', async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: '1780272000000-abc123', Role: 'x', Settings: {} } });
    const probed: string[] = [];
    const config = loadConfig(GOOD_ENV);
    const video = probeOnly(async (input) => {
      probed.push(input);
      return FACTS;
    });
    const jobs = new MediaConvertTranscoder({
      client: new MediaConvertClient({ region: 'eu-west-1' }),
      bucket: config.MEDIA_BUCKET,
      roleArn: config.MEDIACONVERT_ROLE_ARN ?? '',
      queueArn: config.MEDIACONVERT_QUEUE_ARN,
      prober: video,
    });
    const base = memoryRuntime('video', { video, jobs, images: noStills, placeVideo: EVERY_VIDEO_A_JOB, scratchDir });
    const item = await base.deps.repo.create(makeMediaItem({ ownerId: 'alice', kind: 'video', status: 'uploaded' }));
    await base.deps.store.put(item.original.key, Buffer.from('\x00\x00\x00\x20ftypisom'));
    const uploaded = createEvent('media.uploaded', {
      id: '01JQ0000000000000000000097',
      occurredAt: '2026-06-01T00:00:00.000Z',
      ownerId: 'alice',
      mediaId: item.id,
      correlationId: 'upload-request-7',
      data: { kind: 'video', mime: 'video/mp4', size: 12, sha256: 'c'.repeat(64), key: item.original.key },
    });

    const result = await createVideoHandler(base.runtime)(sqsEvent(sqsRecord('v-1', JSON.stringify(uploaded))), lambdaContext('video'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(probed).toHaveLength(1);
    const calls = mediaConvert.commandCalls(CreateJobCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual(
      buildMediaConvertJob(
        planLadder(FACTS),
        { bucket: config.MEDIA_BUCKET, key: item.original.key },
        { bucket: config.MEDIA_BUCKET, prefix: `renditions/alice/${item.id}/` },
        config.MEDIACONVERT_ROLE_ARN ?? '',
        // The upload's correlation id goes with the job, for what its completion publishes.
        { ownerId: 'alice', mediaId: item.id, queueArn: config.MEDIACONVERT_QUEUE_ARN, correlationId: 'upload-request-7' },
      ),
    );
    expect(calls[0]?.args[0].input.UserMetadata).toEqual({ ownerId: 'alice', mediaId: item.id, correlationId: 'upload-request-7' });
    expect(await base.deps.repo.get('alice', item.id)).toMatchObject({ status: 'processing', facts: FACTS });
  });

  it('gives a refused CreateJob back to the queue, the item still processing for the retry', async () => {
    mediaConvert.on(CreateJobCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const config = loadConfig(GOOD_ENV);
    const video = probeOnly(async () => FACTS);
    const jobs = new MediaConvertTranscoder({
      client: new MediaConvertClient({ region: 'eu-west-1', maxAttempts: 1 }),
      bucket: config.MEDIA_BUCKET,
      roleArn: config.MEDIACONVERT_ROLE_ARN ?? '',
      prober: video,
    });
    const base = memoryRuntime('video', { video, jobs, images: noStills, placeVideo: EVERY_VIDEO_A_JOB, scratchDir });
    const item = await base.deps.repo.create(makeMediaItem({ ownerId: 'alice', kind: 'video', status: 'uploaded' }));
    await base.deps.store.put(item.original.key, Buffer.from('movie'));
    const body = JSON.stringify(
      createEvent('media.uploaded', {
        id: '01JQ0000000000000000000096',
        occurredAt: '2026-06-01T00:00:00.000Z',
        ownerId: 'alice',
        mediaId: item.id,
        data: { kind: 'video', mime: 'video/mp4', size: 5, sha256: 'd'.repeat(64), key: item.original.key },
      }),
    );
    const handler = createVideoHandler(base.runtime);
    await expect(handler(sqsEvent(sqsRecord('v-2', body)), lambdaContext('video'))).rejects.toThrow('All records failed');
    expect(await base.deps.repo.get('alice', item.id)).toMatchObject({ status: 'processing' });
  });
});
