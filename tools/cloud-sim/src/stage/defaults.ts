import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerKind } from '../lambda/layers.js';

/** The host-architecture layer builds (`nx run @mediaflow/lambdas:layer-sharp-host` and `layer-media-tools-host`). */
export function defaultHostLayers(root: string): Partial<Record<LayerKind, string>> {
  const layers: Partial<Record<LayerKind, string>> = {};
  const sharp = join(root, 'apps/lambdas/dist-layers/sharp-x64');
  const mediaTools = join(root, 'apps/lambdas/dist-layers/media-tools-x64');
  if (existsSync(sharp)) layers.sharp = sharp;
  if (existsSync(mediaTools)) layers['media-tools'] = mediaTools;
  return layers;
}

/**
 * ffmpeg for the MediaConvert stand-in. MediaConvert is a managed service, not one of our layers, so
 * it runs the machine's full build (`MEDIAFLOW_FFMPEG`/`MEDIAFLOW_FFPROBE`, else the PATH's); the
 * functions' own ffmpeg is the host build of their layer, with only the components they list.
 */
export function defaultMediaTools(): { ffmpeg: string; ffprobe: string } {
  return { ffmpeg: process.env.MEDIAFLOW_FFMPEG ?? 'ffmpeg', ffprobe: process.env.MEDIAFLOW_FFPROBE ?? 'ffprobe' };
}
