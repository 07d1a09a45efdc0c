import type { ImageProcessor } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { currentCorrelationId } from '@mediaflow/messaging';
import { lambdaContext, memoryRuntime } from '../test-support.js';
import { createVideoCompleteHandler, type JobStateChange } from './video-complete.js';

/** Renders a poster as the image pipeline would, without sharp. */
const stills: ImageProcessor = {
  async inspect() {
    return { facts: { format: 'jpeg', width: 4, height: 4 }, mime: 'image/jpeg' };
  },
  async render(input) {
    return { files: [{ name: 'thumb', format: 'webp', contentType: 'image/webp', body: input, width: 4, height: 4 }], placeholder: {} };
  },
};

function stateChange(status: string, ownerId: string, mediaId: string, detail: Record<string, unknown> = {}): JobStateChange {
  return {
    version: '0',
    id: `evt-${status}`,
    'detail-type': 'MediaConvert Job State Change',
    source: 'aws.mediaconvert',
    account: '123456789012',
    time: '2026-06-01T00:05:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:mediaconvert:eu-west-1:123456789012:jobs/1780272000000-abc123'],
    detail: {
      timestamp: 1780272300000,
      accountId: '123456789012',
      queue: 'arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default',
      jobId: '1780272000000-abc123',
      status,
      userMetadata: { ownerId, mediaId },
      ...detail,
    },
  };
}

describe('video-complete function (EventBridge MediaConvert Job State Change)', () => {
  async function processing() {
    const setup = memoryRuntime('video-complete', { images: stills });
    const item = await setup.deps.repo.create(makeMediaItem({ ownerId: 'alice', kind: 'video', status: 'processing', progress: 0 }));
    return { ...setup, item };
  }

  it('makes the item ready from a COMPLETE event, with the outputs under its prefix', async () => {
    const { runtime, deps, bus, item } = await processing();
    const prefix = `renditions/alice/${item.id}/`;
    for (const key of ['hls/master.m3u8', 'hls/master_720p.m3u8', 'hls/master_720p_00001.ts', 'preview.mp4', 'frames/poster.0000001.jpeg']) {
      await deps.store.put(`${prefix}${key}`, Buffer.from(key));
    }
    const bucket = runtime.config.MEDIA_BUCKET;
    const event = stateChange('COMPLETE', 'alice', item.id, {
      outputGroupDetails: [
        { type: 'HLS_GROUP', playlistFilePaths: [`s3://${bucket}/${prefix}hls/master.m3u8`], outputDetails: [{ outputFilePaths: [`s3://${bucket}/${prefix}hls/master_720p.m3u8`], durationInMs: 3000 }] },
      ],
    });

    const result = await createVideoCompleteHandler(runtime)(event, lambdaContext('video-complete'));

    expect(result).toMatchObject({ outcome: 'ready' });
    const ready = await deps.repo.get('alice', item.id);
    expect(ready?.status).toBe('ready');
    expect(ready?.renditions.map((r) => r.key)).toEqual(expect.arrayContaining([`${prefix}hls/master.m3u8`, `${prefix}preview.mp4`]));
    expect(bus.published.map((e) => e.type)).toEqual(['media.processed']);
  });

  it('publishes what the job settles with the correlation id it was submitted with, else the event\u2019s id', async () => {
    for (const [metadata, expected] of [
      [{ correlationId: 'upload-request-7' }, 'upload-request-7'],
      [{}, 'evt-ERROR'],
      [{ correlationId: 'not a token' }, 'evt-ERROR'],
    ] as const) {
      const { runtime, bus, item } = await processing();
      const seen: (string | undefined)[] = [];
      const publish = bus.publish.bind(bus);
      bus.publish = async (event) => {
        seen.push(currentCorrelationId());
        await publish(event);
      };
      const event = stateChange('ERROR', 'alice', item.id, { errorCode: 1010, errorMessage: 'Unable to open input file' });
      event.detail = { ...(event.detail as Record<string, unknown>), userMetadata: { ownerId: 'alice', mediaId: item.id, ...metadata } };
      await createVideoCompleteHandler(runtime)(event, lambdaContext('video-complete'));
      expect(bus.published.map((e) => e.type)).toEqual(['media.failed']);
      expect(seen).toEqual([expected]);
    }
  });

  it('fails the item from an ERROR event with MediaConvert\u2019s message', async () => {
    const { runtime, deps, item } = await processing();
    const event = stateChange('ERROR', 'alice', item.id, { errorCode: 1010, errorMessage: 'Unable to open input file' });

    const result = await createVideoCompleteHandler(runtime)(event, lambdaContext('video-complete'));

    expect(result).toMatchObject({ outcome: 'failed' });
    expect(await deps.repo.get('alice', item.id)).toMatchObject({
      status: 'failed',
      failure: { code: 'transcode_failed', stage: 'video', reason: expect.stringContaining('Unable to open input file') },
    });
  });

  it('ignores informational states', async () => {
    const { runtime, deps, item } = await processing();
    expect(await createVideoCompleteHandler(runtime)(stateChange('INPUT_INFORMATION', 'alice', item.id), lambdaContext('video-complete'))).toMatchObject({ outcome: 'ignored' });
    expect(await deps.repo.get('alice', item.id)).toMatchObject({ status: 'processing' });
  });
});
