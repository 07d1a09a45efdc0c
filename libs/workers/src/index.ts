export { ingestHandler, imageHandler, videoHandler, audioHandler, documentHandler, taggingHandler } from './handlers.js';
export type { WorkerHandler, HandlerOptions } from './handlers.js';
export { pipelineQueues, AS_IS_KINDS, TAGGED_KINDS } from './topology.js';
export type { JobLimits, QueueDefinition } from './topology.js';
export { startLocalWorkers } from './runner.js';
export type { LocalWorkerDeps, LocalWorkersOptions, RunningWorkers } from './runner.js';
