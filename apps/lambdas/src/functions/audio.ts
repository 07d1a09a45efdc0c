import { SharpImageProcessor } from '@mediaflow/image-pipeline';
import { FfmpegAudioProcessor, resolveBinaries } from '@mediaflow/video-pipeline';
import { audioHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import { awsIdempotency } from '../idempotency.js';
import { queueConsumer } from '../consumer.js';

/** `media.uploaded` for audio: previews, waveform, tags (ffmpeg from the media-tools layer) and the cover (sharp). */
export function createAudioHandler(runtime: Runtime) {
  return queueConsumer(runtime, audioHandler, { kind: 'audio' });
}

export const handler = coldStart(() =>
  createAudioHandler(
    awsRuntime('audio', (config) => ({
      audio: new FfmpegAudioProcessor({ binaries: resolveBinaries({ ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH }) }),
      images: new SharpImageProcessor(),
    }), awsIdempotency),
  ),
);
