import type { MessageQueue } from '@mediaflow/domain';
import type { ServiceDeps } from '@mediaflow/media-service';
import { PollingConsumer } from '@mediaflow/messaging';
import { documentHandler, imageHandler, ingestHandler, type HandlerOptions, type WorkerHandler } from './handlers.js';
import type { QueueDefinition } from './topology.js';

export interface LocalWorkersOptions {
  deps: ServiceDeps;
  definitions: readonly QueueDefinition[];
  queue: (name: string) => MessageQueue;
  log?: (entry: Record<string, unknown>) => void;
  /** Long-poll wait per receive (short in tests so that stop() is quick). */
  waitTimeSeconds?: number;
  /** First retry delay after a failure (seconds); doubles per attempt. */
  retryBaseSeconds?: number;
}

export interface RunningWorkers {
  /** Stops receiving; in-flight jobs finish or go back to their queue. */
  stop(): Promise<void>;
}

const HANDLERS: Record<string, (deps: ServiceDeps, options: HandlerOptions) => WorkerHandler> = {
  ingest: ingestHandler,
  image: imageHandler,
  document: documentHandler,
};

/**
 * Runs every queue's handler in this process with the queue's concurrency bound, like Lambda's
 * SQS event sources do in the cloud.
 */
export function startLocalWorkers(options: LocalWorkersOptions): RunningWorkers {
  const consumers = options.definitions.map((definition) => {
    const make = HANDLERS[definition.name];
    if (!make) throw new Error(`no handler for queue "${definition.name}"`);
    const handlerOptions: HandlerOptions = { maxReceives: definition.maxReceives };
    if (options.log) handlerOptions.log = options.log;
    const handler = make(options.deps, handlerOptions);
    const consumer = new PollingConsumer(options.queue(definition.name), {
      concurrency: definition.concurrency,
      visibilityTimeoutSeconds: definition.visibilityTimeoutSeconds,
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
      await Promise.all(consumers.map((c) => c.stop()));
    },
  };
}
