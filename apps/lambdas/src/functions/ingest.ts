import { ingestHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import { objectsCreated, queueConsumer, s3Facts, type WorkerFactory } from '../consumer.js';

/**
 * S3 `ObjectCreated` notifications of `originals/`, delivered through an SQS queue (S3 -> SQS ->
 * this function) rather than invoking it directly: bursts queue up instead of throttling, each
 * message is retried alone, and what keeps failing lands in the queue's DLQ for redrive, like
 * every other hop. One message may carry several records; each goes through the ingest step.
 */
const fromS3: WorkerFactory = (deps, options) => {
  const ingest = ingestHandler(deps, options);
  return async (message) => {
    for (const { key, size } of objectsCreated(message.body)) {
      await ingest({ ...message, body: JSON.stringify(size === undefined ? { key } : { key, size }) });
    }
  };
};

/** The ingest function for a runtime (tests pass in-memory fakes). */
export function createIngestHandler(runtime: Runtime) {
  // Ingest acts only on an `uploading` item, so a redelivery is harmless without an idempotency record.
  return queueConsumer(runtime, fromS3, { kind: 'unknown', facts: s3Facts, idempotent: false });
}

export const handler = coldStart(() => createIngestHandler(awsRuntime('ingest')));
