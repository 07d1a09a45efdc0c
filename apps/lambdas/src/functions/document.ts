import { documentHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import { awsIdempotency } from '../idempotency.js';
import { queueConsumer } from '../consumer.js';

/** `media.uploaded` for documents and other files: kept as they are. */
export function createDocumentHandler(runtime: Runtime) {
  return queueConsumer(runtime, documentHandler, { kind: 'document' });
}

export const handler = coldStart(() => createDocumentHandler(awsRuntime('document', undefined, awsIdempotency)));
