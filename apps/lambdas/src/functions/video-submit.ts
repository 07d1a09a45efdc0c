import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { parseEvent } from '@mediaflow/domain';
import { failById, submitVideoJob, type VideoSubmitDeps } from '@mediaflow/media-service';
import { AWS_RETRY } from '@mediaflow/storage/dynamodb';
import { FfmpegVideoTranscoder } from '@mediaflow/video-pipeline';
import type { WorkerHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import { awsIdempotency } from '../idempotency.js';
import { loadConfig, requireSetting } from '../config.js';
import { queueConsumer, type WorkerFactory } from '../consumer.js';
import { MediaConvertTranscoder } from '../mediaconvert-transcoder.js';
import { layerFfmpeg } from '../media-tools.js';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `media.uploaded` for videos: the item goes `processing`, the original is probed, a MediaConvert
 * job is created. A message about to be dead-lettered fails its item first, so it is not left
 * `processing` with no job behind it.
 */
const submitter: WorkerFactory<VideoSubmitDeps> = (deps, options): WorkerHandler => {
  return async (message) => {
    const event = parseEvent(message.body);
    try {
      const result = await submitVideoJob(deps, event.ownerId, event.mediaId, { lastAttempt: message.receiveCount >= options.maxReceives });
      options.log?.({ level: 'info', msg: 'video submitted', outcome: result.outcome, mediaId: event.mediaId, kind: 'video', ...('jobId' in result ? { jobId: result.jobId } : {}) });
    } catch (error) {
      options.log?.({ level: 'error', msg: 'video submission failed', mediaId: event.mediaId, receiveCount: message.receiveCount, error: describe(error) });
      if (message.receiveCount >= options.maxReceives) {
        await failById(deps, event.ownerId, event.mediaId, {
          code: 'dead_lettered',
          reason: `video failed ${message.receiveCount} times: ${describe(error)}`.slice(0, 1000),
          stage: 'video',
        });
      }
      throw error;
    }
  };
};

/** The video-submit function for a runtime whose `deps.video` submits jobs (tests: MediaConvert mocked). */
export function createVideoSubmitHandler(runtime: Runtime<VideoSubmitDeps>) {
  return queueConsumer(runtime, submitter, { kind: 'video' });
}

export const handler = coldStart(async () => {
  const tools = await layerFfmpeg(loadConfig(process.env));
  return createVideoSubmitHandler(
    awsRuntime('video-submit', (config) => ({
      video: new MediaConvertTranscoder({
        client: new MediaConvertClient({ ...AWS_RETRY, region: config.AWS_REGION, ...(config.MEDIACONVERT_ENDPOINT ? { endpoint: config.MEDIACONVERT_ENDPOINT } : {}) }),
        bucket: config.MEDIA_BUCKET,
        roleArn: requireSetting(config, 'MEDIACONVERT_ROLE_ARN'),
        queueArn: config.MEDIACONVERT_QUEUE_ARN,
        prober: new FfmpegVideoTranscoder({ tools }),
      }),
    }), awsIdempotency),
  );
});
