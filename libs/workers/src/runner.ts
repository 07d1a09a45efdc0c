import type { MessageQueue } from '@mediaflow/domain';
import type { AudioStepDeps, ImageStepDeps, TaggingDeps, TextDeps, VideoStepDeps } from '@mediaflow/media-service';
import { canChangeVisibility, PollingConsumer, type VisibilityExtendable } from '@mediaflow/messaging';
import {
  audioHandler,
  documentHandler,
  imageHandler,
  ingestHandler,
  taggingHandler,
  textHandler,
  videoHandler,
  type HandlerOptions,
  type WorkerHandler,
} from './handlers.js';
import type { QueueDefinition } from './topology.js';

/**
 * What the local runner's handlers need together: every processing step's processors, and the
 * tagging and text steps' when their queues are defined.
 */
export type LocalWorkerDeps = ImageStepDeps & VideoStepDeps & AudioStepDeps & { tagging?: TaggingDeps | undefined; text?: TextDeps | undefined };

export interface LocalWorkersOptions {
  deps: LocalWorkerDeps;
  definitions: readonly QueueDefinition[];
  queue: (name: string) => MessageQueue;
  log?: (entry: Record<string, unknown>) => void;
  /** Long-poll wait per receive (short in tests so that stop() is quick). */
  waitTimeSeconds?: number;
  /** First retry delay after a failure (seconds); doubles per attempt. */
  retryBaseSeconds?: number;
}

export interface RunningWorkers {
  /** Stops receiving; short jobs in flight finish, long ones (video, audio) are aborted and go back to their queue. */
  stop(): Promise<void>;
}

const HANDLERS: Record<string, (deps: LocalWorkerDeps, options: HandlerOptions) => WorkerHandler> = {
  ingest: ingestHandler,
  image: imageHandler,
  video: videoHandler,
  audio: audioHandler,
  document: documentHandler,
  tagging: (deps, options) => {
    const { tagging } = deps;
    // A wiring mistake, caught when the workers start rather than on the first message.
    if (!tagging) throw new Error('the tagging queue is defined but no tagger was given');
    return taggingHandler({ ...deps, tagging }, options);
  },
  text: (deps, options) => {
    const { text } = deps;
    if (!text) throw new Error('the text queue is defined but no text reader was given');
    return textHandler({ ...deps, text }, options);
  },
};

/**
 * Where the consumer renews a message's visibility while its job runs (the SQLite queue), a short
 * timeout is enough however long the job, and after a crash the message comes back this soon
 * instead of after the longest job's time (half an hour for video).
 */
const HEARTBEAT_VISIBILITY_SECONDS = 120;

/**
 * A job given back on shutdown did not fail: its message becomes visible again at once (for the
 * next start, or another worker), not after a retry backoff.
 */
function releasedAtOnceOnShutdown(queue: MessageQueue, shutdown: AbortSignal): MessageQueue {
  const wrapped: MessageQueue & Partial<VisibilityExtendable> = {
    name: queue.name,
    send: (body, options) => queue.send(body, options),
    receive: (options) => queue.receive(options),
    ack: (receiptHandle) => queue.ack(receiptHandle),
    release: (receiptHandle, delaySeconds) => queue.release(receiptHandle, shutdown.aborted ? 0 : delaySeconds),
    depth: () => queue.depth(),
  };
  // The consumer's heartbeat keeps long jobs' messages hidden; it looks for this method.
  if (canChangeVisibility(queue)) wrapped.changeVisibility = (receiptHandle, seconds) => queue.changeVisibility(receiptHandle, seconds);
  return wrapped;
}

/**
 * Runs every queue's handler in this process with the queue's concurrency bound, like Lambda's
 * SQS event sources do in the cloud.
 */
export function startLocalWorkers(options: LocalWorkersOptions): RunningWorkers {
  const shutdown = new AbortController();
  const consumers = options.definitions.map((definition) => {
    const make = HANDLERS[definition.name];
    if (!make) throw new Error(`no handler for queue "${definition.name}"`);
    const handlerOptions: HandlerOptions = { maxReceives: definition.maxReceives, signal: shutdown.signal };
    if (options.log) handlerOptions.log = options.log;
    const handler = make(options.deps, handlerOptions);
    const queue = options.queue(definition.name);
    const consumer = new PollingConsumer(releasedAtOnceOnShutdown(queue, shutdown.signal), {
      concurrency: definition.concurrency,
      visibilityTimeoutSeconds: canChangeVisibility(queue)
        ? Math.min(definition.visibilityTimeoutSeconds, HEARTBEAT_VISIBILITY_SECONDS)
        : definition.visibilityTimeoutSeconds,
      waitTimeSeconds: options.waitTimeSeconds ?? 2,
      retryBackoff: { baseSeconds: options.retryBaseSeconds ?? 2 },
      onError: (error, context) => {
        if (context.stage !== 'handle') {
          options.log?.({ level: 'error', msg: `queue ${definition.name}: ${context.stage} failed`, error: String(error) });
        }
      },
    });
    consumer.start(handler);
    return consumer;
  });
  return {
    async stop() {
      // Stop receiving first, then abort the long jobs in flight (an ffmpeg run may take minutes;
      // short jobs ignore the signal and finish).
      const stopping = consumers.map((c) => c.stop());
      shutdown.abort(new Error('the worker is shutting down'));
      await Promise.all(stopping);
    },
  };
}
