import { isMediaEvent, parseEvent, parseKey, type ReceivedMessage, ValidationError } from '@mediaflow/domain';
import {
  failById,
  ingestObject,
  ObjectCreatedSchema,
  processAsIs,
  processAudio,
  processCloudVideo,
  processImage,
  tagMedia,
  readText,
  processVideo,
  type AudioStepDeps,
  type CloudVideoDeps,
  type CoreDeps,
  type ImageStepDeps,
  type JobOptions,
  type TaggingStepDeps,
  type TextStepDeps,
  type VideoStepDeps,
} from '@mediaflow/media-service';

/** A queue handler: resolves when the message is done (ack), throws to retry it. */
export type WorkerHandler = (message: ReceivedMessage) => Promise<void>;

export interface HandlerOptions {
  /** The queue's maxReceives: on the last attempt a failure also fails the item, with the reason. */
  maxReceives: number;
  log?: (entry: Record<string, unknown>) => void;
  /** Fires when the worker shuts down: long jobs (ffmpeg) stop, and their messages go back to the queue. */
  signal?: AbortSignal;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a step knows of its delivery: the shutdown signal, and whether the queue will try again. */
function jobOptions(options: HandlerOptions, message: ReceivedMessage): JobOptions {
  return { signal: options.signal, lastAttempt: message.receiveCount >= options.maxReceives };
}

/**
 * Wraps a handler so that a message about to be dead-lettered leaves its item `failed` with the
 * reason (visible to the owner), instead of stuck in `processing`. The message still goes to the
 * dead-letter queue, where `mediaflow dlq redrive` can bring it back after a fix.
 */
function lastAttemptFailsItem(
  deps: CoreDeps,
  options: HandlerOptions,
  stage: string,
  target: (message: ReceivedMessage) => { ownerId: string; mediaId: string } | undefined,
  handler: WorkerHandler,
): WorkerHandler {
  return async (message) => {
    try {
      await handler(message);
    } catch (error) {
      if (options.signal?.aborted) {
        // Not a failure of the job: it runs again after the restart.
        options.log?.({ level: 'info', msg: 'job given back on shutdown', stage, messageId: message.id });
        throw error;
      }
      options.log?.({ level: 'error', msg: 'handler failed', stage, messageId: message.id, receiveCount: message.receiveCount, error: describe(error) });
      const item = safeTarget(target, message);
      if (item && message.receiveCount >= options.maxReceives) {
        await failById(deps, item.ownerId, item.mediaId, {
          code: 'dead_lettered',
          reason: `${stage} failed ${message.receiveCount} times: ${describe(error)}`.slice(0, 1000),
          stage,
        });
      }
      throw error;
    }
  };
}

function safeTarget(
  target: (message: ReceivedMessage) => { ownerId: string; mediaId: string } | undefined,
  message: ReceivedMessage,
): { ownerId: string; mediaId: string } | undefined {
  try {
    return target(message);
  } catch {
    return undefined;
  }
}

function eventTarget(message: ReceivedMessage): { ownerId: string; mediaId: string } {
  const event = parseEvent(message.body);
  // Processing queues subscribe to media events only; an album event here was misrouted.
  if (!isMediaEvent(event)) throw new ValidationError(`${event.type} is not an event about one media item`);
  return { ownerId: event.ownerId, mediaId: event.mediaId };
}

function objectTarget(message: ReceivedMessage): { ownerId: string; mediaId: string } | undefined {
  const parsed = parseKey(ObjectCreatedSchema.parse(JSON.parse(message.body)).key);
  return parsed ? { ownerId: parsed.ownerId, mediaId: parsed.mediaId } : undefined;
}

/** Object created -> ingest (sniff, limits, hash, `media.uploaded`). */
export function ingestHandler(deps: CoreDeps, options: HandlerOptions): WorkerHandler {
  return lastAttemptFailsItem(deps, options, 'ingest', objectTarget, async (message) => {
    const result = await ingestObject(deps, ObjectCreatedSchema.parse(JSON.parse(message.body)));
    options.log?.({ level: 'info', msg: 'ingest', outcome: result.outcome, ...('item' in result ? { mediaId: result.item.id, kind: result.item.kind } : { reason: result.reason }) });
  });
}

/** `media.uploaded` with kind=image -> renditions. */
export function imageHandler(deps: ImageStepDeps, options: HandlerOptions): WorkerHandler {
  return lastAttemptFailsItem(deps, options, 'image', eventTarget, async (message) => {
    const { ownerId, mediaId } = eventTarget(message);
    const result = await processImage(deps, ownerId, mediaId, jobOptions(options, message));
    options.log?.({ level: 'info', msg: 'image', outcome: result.outcome, mediaId });
  });
}

/** `media.uploaded` with kind=video -> HLS ladder, preview, poster (ffmpeg locally). */
export function videoHandler(deps: VideoStepDeps, options: HandlerOptions): WorkerHandler {
  return lastAttemptFailsItem(deps, options, 'video', eventTarget, async (message) => {
    const { ownerId, mediaId } = eventTarget(message);
    const result = await processVideo(deps, ownerId, mediaId, jobOptions(options, message));
    options.log?.({ level: 'info', msg: 'video', outcome: result.outcome, mediaId });
  });
}

/**
 * `media.uploaded` with kind=video in the cloud: the ladder made in the function when it fits its
 * time, else a MediaConvert job (settled later by the job's state changes).
 */
export function cloudVideoHandler(deps: CloudVideoDeps, options: HandlerOptions): WorkerHandler {
  return lastAttemptFailsItem(deps, options, 'video', eventTarget, async (message) => {
    const { ownerId, mediaId } = eventTarget(message);
    const started = performance.now();
    const result = await processCloudVideo(deps, ownerId, mediaId, jobOptions(options, message));
    const seconds = (performance.now() - started) / 1000;
    // A transcode here says how fast it went, per second of video: the figure the placement's estimate is checked against.
    const duration = result.outcome === 'ready' ? result.item.facts?.durationSeconds : undefined;
    options.log?.({
      level: 'info',
      msg: 'video',
      outcome: result.outcome,
      mediaId,
      ...('where' in result && result.where ? { transcodedBy: result.where === 'here' ? 'function' : 'job', placement: result.reason } : {}),
      ...('jobId' in result ? { jobId: result.jobId } : {}),
      ...(result.outcome === 'ready' && duration ? { seconds: Math.round(seconds * 10) / 10, secondsPerVideoSecond: Math.round((seconds / duration) * 1000) / 1000 } : {}),
    });
  });
}

/** `media.uploaded` with kind=audio -> previews, waveform, metadata tags, cover. */
export function audioHandler(deps: AudioStepDeps, options: HandlerOptions): WorkerHandler {
  return lastAttemptFailsItem(deps, options, 'audio', eventTarget, async (message) => {
    const { ownerId, mediaId } = eventTarget(message);
    const result = await processAudio(deps, ownerId, mediaId, jobOptions(options, message));
    options.log?.({ level: 'info', msg: 'audio', outcome: result.outcome, mediaId });
  });
}

/**
 * `media.processed` -> labels and moderation. Not wrapped like the processing steps: the item is
 * already `ready`, and a tagging failure must not take that away. A message that keeps failing
 * reaches the dead-letter queue with the item ready and its verdict `pending`.
 */
export function taggingHandler(deps: TaggingStepDeps, options: HandlerOptions): WorkerHandler {
  return async (message) => {
    const { ownerId, mediaId } = eventTarget(message);
    const result = await tagMedia(deps, ownerId, mediaId, jobOptions(options, message));
    options.log?.({ level: 'info', msg: 'tagging', outcome: result.outcome, mediaId, ...('reason' in result ? { reason: result.reason } : { tags: result.item.tags.length }) });
  };
}

/**
 * `media.tagged` (images) -> the words in the picture, for search. Not wrapped like the processing
 * steps, for the reason tagging is not: the item is ready, and reading its text is an extra.
 */
export function textHandler(deps: TextStepDeps, options: HandlerOptions): WorkerHandler {
  return async (message) => {
    const { ownerId, mediaId } = eventTarget(message);
    const result = await readText(deps, ownerId, mediaId, jobOptions(options, message));
    options.log?.({
      level: 'info',
      msg: 'text',
      outcome: result.outcome,
      mediaId,
      ...('reason' in result ? { reason: result.reason } : { characters: result.item.text?.content.length ?? 0, ...(result.skipped === undefined ? {} : { skipped: result.skipped }) }),
    });
  };
}

/** `media.uploaded` for documents and other files -> kept as they are. */
export function documentHandler(deps: CoreDeps, options: HandlerOptions): WorkerHandler {
  return lastAttemptFailsItem(deps, options, 'document', eventTarget, async (message) => {
    const { ownerId, mediaId } = eventTarget(message);
    const result = await processAsIs(deps, ownerId, mediaId);
    options.log?.({ level: 'info', msg: 'document', outcome: result.outcome, mediaId });
  });
}
