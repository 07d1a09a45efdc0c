import { SharpImageProcessor } from '@mediaflow/image-pipeline';
import type { ImageStepDeps } from '@mediaflow/media-service';
import { imageHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import { awsIdempotency } from '../idempotency.js';
import { queueConsumer } from '../consumer.js';

/** `media.uploaded` for images: renditions and a placeholder (sharp, from the sharp layer). */
export function createImageHandler(runtime: Runtime<ImageStepDeps>) {
  return queueConsumer(runtime, imageHandler, { kind: 'image' });
}

export const handler = coldStart(() => createImageHandler(awsRuntime('image', () => ({ images: new SharpImageProcessor() }), awsIdempotency)));
