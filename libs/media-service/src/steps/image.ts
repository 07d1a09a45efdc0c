import { renditionPrefix } from '@mediaflow/domain';
import type { ImageStepDeps } from '../context.js';
import { failOrRethrow, type JobOptions } from '../jobs/failure.js';
import { begin, finish, NOTHING_TO_DO, type ProcessOutcome } from '../jobs/lifecycle.js';
import { readOriginal } from '../jobs/original.js';
import { storeRenditions } from '../jobs/renditions.js';

/**
 * The image step: decode once, renditions and a placeholder, then `ready` and `media.processed`.
 * The original is read up to the image limit and checked against the hash recorded at ingest.
 * Content the pipeline refuses (corrupt, unsupported, over a limit) and an original changed since
 * ingest fail the item with the reason; anything else is thrown so the queue retries it.
 */
export async function processImage(deps: ImageStepDeps, ownerId: string, id: string, options: JobOptions = {}): Promise<ProcessOutcome> {
  const item = await begin(deps, ownerId, id);
  if (!item) return NOTHING_TO_DO;
  try {
    const input = await readOriginal(deps, item, deps.config.maxBytesByKind.image);
    // One pass when the processor offers it: the header is parsed once, under one time budget.
    const { inspection, ...result } = deps.images.process
      ? await deps.images.process(input)
      : { inspection: await deps.images.inspect(input), ...(await deps.images.render(input)) };
    // A retry may find renditions of a previous attempt: start from a clean prefix.
    await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
    const renditions = await storeRenditions(deps, item, result.files);
    const ready = await finish(deps, item, { facts: inspection.facts, renditions, placeholder: result.placeholder });
    return { outcome: 'ready', item: ready };
  } catch (error) {
    return failOrRethrow(deps, item, error, 'image', options);
  }
}
