export { ingestHandler, imageHandler, videoHandler, cloudVideoHandler, audioHandler, documentHandler, taggingHandler, textHandler } from './handlers.js';
export type { WorkerHandler, HandlerOptions } from './handlers.js';
export { archiveQueue, ARCHIVE_TIME_LIMIT_SECONDS, pipelineQueues, AS_IS_KINDS, TAGGED_KINDS, TEXT_KINDS, TEXT_TIME_LIMIT_SECONDS } from './topology.js';
export type { JobLimits, QueueDefinition } from './topology.js';
export { startLocalWorkers } from './runner.js';
export type { LocalWorkerDeps, LocalWorkersOptions, RunningWorkers } from './runner.js';
export { LAMBDA_FUNCTIONS, LAMBDA_ENV_KEYS, FUNCTION_ENV_KEYS, ORIGIN_VERIFY_HEADER } from './lambda-env.js';
export type { LambdaFunctionName, LambdaEnvKey, DeployedEnvKey } from './lambda-env.js';
