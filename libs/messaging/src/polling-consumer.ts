import {
  ConflictError,
  ValidationError,
  type MessageHandler,
  type MessageQueue,
  type QueueConsumer,
  type ReceivedMessage,
} from '@mediaflow/domain';
import { DEFAULT_RETRY_BACKOFF, retryDelaySeconds, type RetryBackoff } from './backoff.js';
import { correlationIdOf, withCorrelationId } from './correlation.js';
import { canChangeVisibility } from './types.js';

/** Pause between receives that found nothing when long polling is off. */
const IDLE_PAUSE_MS = 100;

/** Where in a message's life an error happened. */
export type ConsumerErrorStage = 'handle' | 'receive' | 'ack' | 'release' | 'heartbeat';

export interface ConsumerErrorContext {
  stage: ConsumerErrorStage;
  /** The message concerned (every stage but `receive`). */
  message?: ReceivedMessage;
  /** For `handle`: the delay before the message is delivered again. */
  retryDelaySeconds?: number;
}

export interface PollingConsumerOptions {
  /** Handlers running at once (default 4). */
  concurrency?: number;
  /** Long-poll wait per receive, in seconds (default 2, at most 20). `stop()` may wait this long for a receive in progress. */
  waitTimeSeconds?: number;
  /**
   * Visibility timeout asked for on each receive (default 30 s). On queues that can change the
   * visibility of a message in flight (the SQLite queue), a heartbeat renews it every third of this
   * while the handler runs, so long handlers keep their message. On other queues it must cover the
   * longest handler.
   */
  visibilityTimeoutSeconds?: number;
  /** Delay before a failed message is delivered again (default 2 s doubling to 300 s). */
  retryBackoff?: Partial<RetryBackoff>;
  /** How long `stop()` waits for handlers in flight before returning their messages (default 30 s). */
  stopTimeoutMs?: number;
  /** Pause after a failed receive before the next one (default 1 s). */
  receiveErrorDelayMs?: number;
  /** Called for every error; the consumer itself never throws them. Exceptions it throws are ignored. */
  onError?: (error: unknown, context: ConsumerErrorContext) => void;
}

interface Job {
  message: ReceivedMessage;
  /** Set when `stop()` gave up waiting and returned the message to the queue. */
  abandoned: boolean;
  heartbeat: ReturnType<typeof setInterval> | undefined;
  done: Promise<void>;
}

/**
 * Runs a handler over a queue, like the Lambda SQS event source does in the cloud: long-polling
 * receives, at most `concurrency` handlers at once, ack on success, and on failure a release with
 * an exponential backoff delay so the message is retried and, once the queue's `maxReceives` is
 * reached, moves to its dead-letter queue. Handler errors never escape; report them with `onError`.
 * Each message is handled (and its errors reported) with the correlation id its body carries
 * ({@link correlationIdOf}): the events it publishes pass it on, and a logger can read it.
 *
 * @example
 * const consumer = new PollingConsumer(broker.queue('image'), { concurrency: 2, onError: (e, c) => log.error(c.stage, e) });
 * consumer.start(async (message) => processImage(parseEvent(message.body)));
 * process.on('SIGTERM', () => void consumer.stop());
 */
export class PollingConsumer implements QueueConsumer {
  private readonly concurrency: number;
  private readonly waitTimeSeconds: number;
  private readonly visibilityTimeoutSeconds: number;
  private readonly backoff: RetryBackoff;
  private readonly stopTimeoutMs: number;
  private readonly receiveErrorDelayMs: number;
  private readonly jobs = new Set<Job>();
  private running = false;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private wakeLoop: (() => void) | undefined;

  constructor(
    private readonly queue: MessageQueue,
    private readonly options: PollingConsumerOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 4;
    this.waitTimeSeconds = options.waitTimeSeconds ?? 2;
    this.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
    this.backoff = { ...DEFAULT_RETRY_BACKOFF, ...options.retryBackoff };
    this.stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
    this.receiveErrorDelayMs = options.receiveErrorDelayMs ?? 1000;
    const issues: { path: string; message: string }[] = [];
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) issues.push({ path: 'concurrency', message: 'must be a positive integer' });
    if (!(this.waitTimeSeconds >= 0 && this.waitTimeSeconds <= 20)) issues.push({ path: 'waitTimeSeconds', message: 'must be 0-20' });
    if (!(this.visibilityTimeoutSeconds > 0)) issues.push({ path: 'visibilityTimeoutSeconds', message: 'must be positive' });
    if (!(this.backoff.baseSeconds >= 0 && this.backoff.maxSeconds >= 0)) issues.push({ path: 'retryBackoff', message: 'must be non-negative' });
    if (!(this.stopTimeoutMs >= 0)) issues.push({ path: 'stopTimeoutMs', message: 'must be non-negative' });
    if (issues.length > 0) throw new ValidationError('invalid consumer options', issues);
  }

  /** Handlers running now. */
  get inFlight(): number {
    return this.jobs.size;
  }

  /** Starts receiving. Throws `ConflictError` when already running. */
  start(handler: MessageHandler): void {
    if (this.loop) throw new ConflictError(`a consumer of "${this.queue.name}" is already running`);
    this.running = true;
    this.loop = this.run(handler);
  }

  /**
   * Stops receiving, waits up to `stopTimeoutMs` for the handlers in flight, and returns the
   * messages of those that did not finish to the queue (visible at once, for another consumer).
   * A handler that finishes later has no effect on its message. Safe to call more than once.
   */
  stop(): Promise<void> {
    if (!this.loop) return Promise.resolve();
    this.stopping ??= this.shutdown(this.loop).finally(() => {
      this.loop = undefined;
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async shutdown(loop: Promise<void>): Promise<void> {
    const deadline = Date.now() + this.stopTimeoutMs;
    this.running = false;
    this.wakeLoop?.();
    // The loop ends after the receive in progress (at most waitTimeSeconds) and releases what it got.
    await loop;
    const pending = [...this.jobs];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([Promise.all(pending.map((job) => job.done)), timedOut]);
    clearTimeout(timer);
    const unfinished = [...this.jobs];
    for (const job of unfinished) {
      job.abandoned = true;
      this.stopHeartbeat(job);
    }
    await Promise.all(unfinished.map((job) => this.release(job.message, 0)));
  }

  private async run(handler: MessageHandler): Promise<void> {
    while (this.running) {
      const free = this.concurrency - this.jobs.size;
      if (free <= 0) {
        await this.pause();
        continue;
      }
      let batch: ReceivedMessage[];
      try {
        batch = await this.queue.receive({
          maxMessages: Math.min(free, 10),
          waitTimeSeconds: this.waitTimeSeconds,
          visibilityTimeoutSeconds: this.visibilityTimeoutSeconds,
        });
      } catch (error) {
        this.report(error, { stage: 'receive' });
        await this.pause(this.receiveErrorDelayMs);
        continue;
      }
      if (!this.running) {
        // Received while stopping: hand them straight back rather than start work we may not finish.
        await Promise.all(batch.map((message) => this.release(message, 0)));
        break;
      }
      for (const message of batch) this.dispatch(handler, message);
      // Without a long poll an empty queue would be asked again at once, in a hot loop.
      if (batch.length === 0 && this.waitTimeSeconds === 0) await this.pause(IDLE_PAUSE_MS);
    }
  }

  private dispatch(handler: MessageHandler, message: ReceivedMessage): void {
    const job: Job = { message, abandoned: false, heartbeat: undefined, done: Promise.resolve() };
    this.jobs.add(job);
    // The heartbeat too, so that its failures are reported under the message's correlation id.
    job.done = withCorrelationId(correlationIdOf(message.body), () => {
      this.startHeartbeat(job);
      return this.handle(handler, job);
    }).finally(() => {
      this.stopHeartbeat(job);
      this.jobs.delete(job);
      this.wakeLoop?.();
    });
  }

  private async handle(handler: MessageHandler, job: Job): Promise<void> {
    let failure: { error: unknown } | undefined;
    try {
      await handler(job.message);
    } catch (error) {
      failure = { error };
    }
    this.stopHeartbeat(job);
    if (job.abandoned) return;
    if (!failure) {
      try {
        await this.queue.ack(job.message.receiptHandle);
      } catch (error) {
        this.report(error, { stage: 'ack', message: job.message });
      }
      return;
    }
    const delay = retryDelaySeconds(job.message.receiveCount, this.backoff);
    this.report(failure.error, { stage: 'handle', message: job.message, retryDelaySeconds: delay });
    await this.release(job.message, delay);
  }

  private async release(message: ReceivedMessage, delaySeconds: number): Promise<void> {
    try {
      await this.queue.release(message.receiptHandle, delaySeconds);
    } catch (error) {
      // Typically a ConflictError: the visibility ran out and the message is already back in the queue.
      this.report(error, { stage: 'release', message });
    }
  }

  private startHeartbeat(job: Job): void {
    const queue = this.queue;
    if (!canChangeVisibility(queue)) return;
    const seconds = this.visibilityTimeoutSeconds;
    job.heartbeat = setInterval(() => {
      queue.changeVisibility(job.message.receiptHandle, seconds).catch((error: unknown) => {
        this.stopHeartbeat(job);
        this.report(error, { stage: 'heartbeat', message: job.message });
      });
    }, (seconds * 1000) / 3);
    // A heartbeat alone must not keep the process alive.
    job.heartbeat.unref();
  }

  private stopHeartbeat(job: Job): void {
    if (job.heartbeat !== undefined) clearInterval(job.heartbeat);
    job.heartbeat = undefined;
  }

  /** Waits until a handler finishes, `stop()` is called, or `ms` passes. */
  private pause(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeLoop = () => {
        this.wakeLoop = undefined;
        done();
      };
    });
  }

  private report(error: unknown, context: ConsumerErrorContext): void {
    try {
      this.options.onError?.(error, context);
    } catch {
      // A failing logger must not take the consumer down with it.
    }
  }
}
