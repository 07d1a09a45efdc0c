// The simulated Lambda runtime inside one function instance: loads the handler the way Lambda's
// Node.js runtime does (`index.handler` → index.mjs, .js or .cjs under LAMBDA_TASK_ROOT) and runs
// one invocation at a time for the parent, over the IPC channel. Errors are reported in the
// runtime's shape ({ errorType, errorMessage, trace }); an uncaught error ends the instance, as
// it ends a Lambda sandbox.
// First: the connection hook must be in place before the handler's SDK clients exist.
import './edge-hook.mjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const handlerSpec = process.env._HANDLER ?? 'index.handler';
let handlerPromise;

function describe(error) {
  if (error instanceof Error) {
    return { errorType: error.name || error.constructor?.name || 'Error', errorMessage: error.message, trace: String(error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error), trace: [] };
}

async function loadHandler() {
  const dot = handlerSpec.lastIndexOf('.');
  const modulePath = handlerSpec.slice(0, dot);
  const exportName = handlerSpec.slice(dot + 1);
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(taskRoot, modulePath + ext)).find((f) => existsSync(f));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${modulePath}'`), { name: 'Runtime.ImportModuleError' });
  }
  const module = await import(pathToFileURL(file).href);
  const handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${modulePath}.${exportName} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler;
}

function contextFor(message) {
  const deadline = message.deadlineMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

async function invoke(message) {
  try {
    handlerPromise ??= loadHandler();
    const handler = await handlerPromise;
    const context = contextFor(message);
    const result = await new Promise((resolve, reject) => {
      const callback = (error, value) => (error ? reject(error) : resolve(value));
      const returned = handler(message.event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
    });
    process.send({ type: 'result', requestId: message.requestId, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ type: 'error', requestId: message.requestId, error: describe(error) });
  }
}

process.on('message', (message) => {
  if (message?.type === 'invoke') void invoke(message);
});
for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, (error) => {
    const described = describe(error);
    if (event === 'unhandledRejection') described.errorType = 'Runtime.UnhandledPromiseRejection';
    process.send?.({ type: 'crash', error: described }, () => process.exit(129));
  });
}
process.send({ type: 'ready' });
