import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { SharpImageProcessor } from '@mediaflow/image-pipeline';
import type { CloudVideoDeps } from '@mediaflow/media-service';
import { AWS_RETRY } from '@mediaflow/storage/dynamodb';
import { FfmpegVideoTranscoder, lambdaVcpus, MB_PER_VCPU, placeVideo } from '@mediaflow/video-pipeline';
import { cloudVideoHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, serviceConfig, type Runtime } from '../composition.js';
import { awsIdempotency } from '../idempotency.js';
import { loadConfig, requireSetting, type LambdaEnv } from '../config.js';
import { queueConsumer } from '../consumer.js';
import { MediaConvertTranscoder } from '../mediaconvert-transcoder.js';
import { layerFfmpeg } from '../media-tools.js';

/**
 * Where this function's videos are transcoded (`placeVideo`): here with the ffmpeg ladder when the
 * estimate for the function's vCPUs (from its memory, as Lambda sets it) fits well inside the job's
 * time limit, else a MediaConvert job; every video a job when the stage says `VIDEO_TRANSCODER=mediaconvert`.
 */
export function videoPlacement(config: LambdaEnv): CloudVideoDeps['placeVideo'] {
  const options = {
    transcoder: config.VIDEO_TRANSCODER,
    limitSeconds: serviceConfig(config).videoTimeLimitSeconds,
    vcpus: lambdaVcpus(config.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? MB_PER_VCPU),
  };
  return (facts, original) => placeVideo(facts, original, options);
}

/**
 * `media.uploaded` for videos: the item goes `processing`, the original is copied to /tmp and
 * probed, then transcoded here (HLS ladder, preview, poster, thumbnails with the media-tools
 * layer's ffmpeg; the poster's renditions with sharp) or handed to MediaConvert, whose job state
 * changes the video-complete function settles.
 */
export function createVideoHandler(runtime: Runtime<CloudVideoDeps>) {
  return queueConsumer(runtime, cloudVideoHandler, { kind: 'video' });
}

export const handler = coldStart(async () => {
  const tools = await layerFfmpeg(loadConfig(process.env));
  return createVideoHandler(
    awsRuntime('video', (config) => {
      // The function has the whole of its CPU share to itself: no need to yield to an API in the same process.
      const ffmpeg = new FfmpegVideoTranscoder({ tools, lowPriority: false });
      return {
        video: ffmpeg,
        images: new SharpImageProcessor(),
        jobs: new MediaConvertTranscoder({
          client: new MediaConvertClient({ ...AWS_RETRY, region: config.AWS_REGION, ...(config.MEDIACONVERT_ENDPOINT ? { endpoint: config.MEDIACONVERT_ENDPOINT } : {}) }),
          bucket: config.MEDIA_BUCKET,
          roleArn: requireSetting(config, 'MEDIACONVERT_ROLE_ARN'),
          queueArn: config.MEDIACONVERT_QUEUE_ARN,
          prober: ffmpeg,
        }),
        placeVideo: videoPlacement(config),
      };
    }, awsIdempotency),
  );
});
