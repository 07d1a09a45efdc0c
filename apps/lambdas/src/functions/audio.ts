import { SharpImageProcessor } from '@mediaflow/image-pipeline';
import { FfmpegAudioProcessor } from '@mediaflow/video-pipeline';
import type { AudioStepDeps } from '@mediaflow/media-service';
import { audioHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import { awsIdempotency } from '../idempotency.js';
import { loadConfig } from '../config.js';
import { queueConsumer } from '../consumer.js';
import { layerFfmpeg } from '../media-tools.js';

/** `media.uploaded` for audio: previews, waveform, tags (ffmpeg from the media-tools layer) and the cover (sharp). */
export function createAudioHandler(runtime: Runtime<AudioStepDeps>) {
  return queueConsumer(runtime, audioHandler, { kind: 'audio' });
}

export const handler = coldStart(async () => {
  const tools = await layerFfmpeg(loadConfig(process.env));
  return createAudioHandler(
    awsRuntime('audio', () => ({
      audio: new FfmpegAudioProcessor({ tools }),
      images: new SharpImageProcessor(),
    }), awsIdempotency),
  );
});
