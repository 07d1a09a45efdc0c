import type { MediaItem } from '@mediaflow/domain';
import type { ServiceDeps } from './context.js';
import { errorText, logEntry } from './log.js';

/**
 * Discards the store's multipart upload of an item that is going for good while it was still
 * `uploading`, so its parts stop costing storage now rather than when the bucket's rule aborts them.
 * Best effort: a failure is logged (the rule, or the local sweep of temp files, still removes the
 * parts), never thrown, so it cannot stop the delete. An item without `upload` has nothing to abort.
 */
export async function abortStoreUpload(deps: Pick<ServiceDeps, 'multipart' | 'log'>, item: MediaItem): Promise<void> {
  if (item.upload === undefined || deps.multipart === undefined) return;
  try {
    await deps.multipart.abort(item.original.key, item.upload.multipartId);
  } catch (error) {
    logEntry(deps, { level: 'warn', msg: 'could not abort the multipart upload of a removed item', mediaId: item.id, error: errorText(error) });
  }
}
