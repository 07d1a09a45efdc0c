import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

export const METRICS_NAMESPACE = 'Mediaflow';

/** What an item's step came to, for the `ItemsProcessed` / `ItemsFailed` counts. */
export type ItemResult = 'processed' | 'failed';

/**
 * Logs and metrics of one function. Metrics are kept per `kind` (one EMF document per kind and
 * invocation, dimensions `function` and `kind`), because a batch of the ingest or tagging queue
 * mixes kinds and a dimension belongs to a whole document.
 */
export class Telemetry {
  private readonly byKind = new Map<string, Metrics>();

  constructor(
    readonly functionName: string,
    readonly logger: Logger = new Logger({ serviceName: 'mediaflow', persistentKeys: { function: functionName } }),
  ) {}

  /** Counts one item and records how long its step took. */
  record(kind: string, result: ItemResult, durationMs: number): void {
    const metrics = this.metricsFor(kind);
    metrics.addMetric(result === 'processed' ? 'ItemsProcessed' : 'ItemsFailed', MetricUnit.Count, 1);
    metrics.addMetric('Duration', MetricUnit.Milliseconds, durationMs);
  }

  /** Runs one item's step, counted as processed or failed under `kind` (read after it ran, when it is learnt on the way). */
  async measure<T>(kind: () => string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      this.record(kind(), 'processed', performance.now() - started);
      return result;
    } catch (error) {
      this.record(kind(), 'failed', performance.now() - started);
      throw error;
    }
  }

  /** Writes the invocation's metrics (EMF on stdout) and drops its temporary log keys. */
  flush(): void {
    for (const metrics of this.byKind.values()) if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    this.logger.resetKeys();
  }

  /**
   * Wraps a Lambda handler: the Lambda context and the event's correlation id on every log line,
   * metrics flushed however the invocation ends.
   */
  wrap<E, R>(correlationId: (event: E) => string | undefined, handler: (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
    return async (event, context) => {
      this.logger.addContext(context);
      const id = correlationId(event);
      if (id !== undefined) this.logger.setCorrelationId(id);
      try {
        return await handler(event, context);
      } finally {
        this.flush();
      }
    };
  }

  private metricsFor(kind: string): Metrics {
    let metrics = this.byKind.get(kind);
    if (!metrics) {
      metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'mediaflow', defaultDimensions: { function: this.functionName, kind } });
      this.byKind.set(kind, metrics);
    }
    return metrics;
  }
}

/**
 * The workers' structured log entries (`{ level, msg, ...fields }`) on a Powertools logger, so a
 * handler's outcome lines carry the invocation's and the record's keys (`correlation_id` among
 * them). The levels are those of the local server's pino logger, `fatal` being Powertools'
 * `critical`; an entry without a known level is `info`, as locally.
 */
export function toLogger(logger: Logger): (entry: Record<string, unknown>) => void {
  return ({ level, msg, ...fields }) => {
    const message = typeof msg === 'string' ? msg : 'worker';
    switch (level) {
      case 'trace':
        return logger.trace(message, fields);
      case 'debug':
        return logger.debug(message, fields);
      case 'warn':
        return logger.warn(message, fields);
      case 'error':
        return logger.error(message, fields);
      case 'fatal':
        return logger.critical(message, fields);
      default:
        return logger.info(message, fields);
    }
  };
}
