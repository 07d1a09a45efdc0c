export { defaultIdempotencyKey, idempotent, type IdempotencyOptions, type IdempotentHandler } from './idempotency.js';
export { SnsEventBus, snsAttributes, type SnsEventBusOptions } from './sns-event-bus.js';
export { sqsBatchHandler, type SqsBatchHandler } from './sqs-batch.js';
export { toReceivedMessage } from './sqs-records.js';
