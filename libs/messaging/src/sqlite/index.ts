/**
 * `@mediaflow/messaging/sqlite`: the durable local queue (SQLite, SQS semantics) for `mediaflow serve`.
 */
export { openQueues, SqliteQueueBroker, type SqliteQueueOptions } from './broker.js';
export { validateDefinitions, type QueueDefinition, type QueueDefinitions } from './definitions.js';
export { SqliteQueue, type ListOptions, type MessageState, type QueuedMessage } from './queue.js';
export { redrive } from './redrive.js';
export { QUEUE_SCHEMA_VERSION } from './schema.js';
