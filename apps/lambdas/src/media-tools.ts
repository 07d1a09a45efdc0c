import { detectFfmpeg, type FfmpegBuild } from '@mediaflow/video-pipeline';
import type { LambdaEnv } from './config.js';

/**
 * The media-tools layer's ffmpeg and ffprobe, checked once per container (`coldStart`): of one
 * build and at least 5.1 (the layer carries Debian's security-maintained 5.1), or the cold start
 * fails saying why.
 */
export function layerFfmpeg(config: Pick<LambdaEnv, 'FFMPEG_PATH' | 'FFPROBE_PATH'>): Promise<FfmpegBuild> {
  return detectFfmpeg({ configured: { ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH } });
}
