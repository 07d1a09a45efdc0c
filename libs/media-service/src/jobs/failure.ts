import {
  applyAction,
  canTransition,
  ConflictError,
  createEvent,
  isMediaError,
  renditionPrefix,
  type Failure,
  type MediaError,
  type MediaItem,
} from '@mediaflow/domain';
import type { CoreDeps } from '../context.js';
import { OriginalChangedError } from '../errors.js';
import type { ProcessOutcome } from './lifecycle.js';

/** Where a job stands in its queue's deliveries. */
export interface JobOptions {
  /** Aborts the job when the worker shuts down: the message goes back to its queue. */
  signal?: AbortSignal | undefined;
  /**
   * Whether this is the last delivery the queue makes before dead-lettering the message. A
   * caller outside a queue (a test, a script) makes exactly one attempt, so the default is true.
   */
  lastAttempt?: boolean | undefined;
}

/** Errors that always describe the content: retrying cannot help. */
const CONTENT_ERRORS: readonly string[] = ['corrupt', 'unsupported', 'limit_exceeded'];

/**
 * The one rule every step follows for "the file's fault". Corrupt, unsupported and over-limit
 * content is the file's fault at once, and so is an original changed since ingest. Running out of time may be the file's (a pathological
 * input) or the machine's (a burst of other work), so a timeout is retried while the queue has
 * deliveries left and is the file's fault on the last one. Everything else is the machine's:
 * thrown, so the queue retries it.
 *
 * @example
 * if (isFileFault(error, options)) return failItem(...); else throw error;
 */
export function isFileFault(error: unknown, options: Pick<JobOptions, 'lastAttempt'> = {}): error is MediaError {
  if (!isMediaError(error)) return false;
  if (CONTENT_ERRORS.includes(error.code) || error instanceof OriginalChangedError) return true;
  return error.code === 'timeout' && (options.lastAttempt ?? true);
}

/**
 * Marks an item failed with a reason and publishes `media.failed`. Returns the failed item, or
 * `undefined` when the item had moved on meanwhile (a concurrent writer won; nothing to do).
 */
export async function failItem(deps: CoreDeps, item: MediaItem, failure: Failure): Promise<MediaItem | undefined> {
  if (!canTransition(item.status, 'processing.failed')) return undefined;
  const failed = applyAction(item, 'processing.failed', deps.clock.now(), { failure });
  try {
    await deps.repo.update(failed, item.version);
  } catch (error) {
    if (error instanceof ConflictError) return undefined;
    throw error;
  }
  await deps.bus.publish(
    createEvent('media.failed', {
      id: deps.ids.next(),
      occurredAt: deps.clock.now(),
      ownerId: item.ownerId,
      mediaId: item.id,
      data: { kind: item.kind, failure },
    }),
  );
  return failed;
}

/**
 * Marks an item failed by id (used when a message is about to be dead-lettered), re-reading it
 * first. Does nothing when the item is gone or already settled.
 */
export async function failById(deps: CoreDeps, ownerId: string, id: string, failure: Failure): Promise<MediaItem | undefined> {
  const item = await deps.repo.get(ownerId, id);
  return item ? failItem(deps, item, failure) : undefined;
}

/**
 * Settles a processing step that threw. When `isFileFault` says the file is to blame, whatever
 * renditions were stored are removed and the item fails with the pipeline's reason. Anything else
 * is rethrown so the queue retries it, and so is everything after `signal` fired (a shutdown: the
 * job is given back, not failed).
 */
export async function failOrRethrow(deps: CoreDeps, item: MediaItem, error: unknown, stage: string, options: JobOptions = {}): Promise<ProcessOutcome> {
  if (options.signal?.aborted || !isFileFault(error, options)) throw error;
  await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
  // Long jobs write progress (and owners may edit meanwhile): fail the version stored now.
  const current = await deps.repo.get(item.ownerId, item.id);
  if (!current) return { outcome: 'ignored', reason: 'item is gone' };
  const code = error instanceof OriginalChangedError ? error.failureCode : error.code;
  const failed = await failItem(deps, current, { code, reason: error.message, stage });
  return failed ? { outcome: 'failed', item: failed } : { outcome: 'ignored', reason: 'item moved on' };
}
