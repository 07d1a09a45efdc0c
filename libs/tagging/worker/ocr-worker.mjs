// The on-device text reader's worker thread: tesseract.js's own Node worker script, run with the
// network switched off in this thread first. Tesseract fetches its language data from a CDN when
// it is not told where the data is; the reader always tells it (the files of @tesseract.js-data/eng
// on disk), and this makes any other path fail loudly instead of reaching out. Plain JavaScript for
// the same reason as on-device-worker.mjs: a worker thread cannot load TypeScript.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** What every network entry point of this thread does: refuse, saying why. */
function refuse(what) {
  return () => {
    throw new Error(`the OCR worker reads no network (${what} was called): its language data and WASM core come from installed packages`);
  };
}

// Replaced before tesseract's worker script loads: it keeps a reference to `fetch` at load time.
globalThis.fetch = async (input) => refuse(`fetch(${String(input)})`)();
for (const [name, methods] of [
  ['node:http', ['request', 'get']],
  ['node:https', ['request', 'get']],
  ['node:net', ['connect', 'createConnection']],
  ['node:tls', ['connect']],
  ['node:dns', ['lookup', 'resolve']],
]) {
  const module = require(name);
  for (const method of methods) module[method] = refuse(`${name.slice(5)}.${method}`);
}

// A start that fails (the model cannot be read, a network call refused) is reported to the reader
// and then ends this thread: tesseract.js never settles a failed start on its side, and a thread
// left waiting would keep the process alive.
const STARTING = new Set(['load', 'loadLanguage', 'initialize']);
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (message, ...rest) => {
  post(message, ...rest);
  if (message && message.status === 'reject' && STARTING.has(message.action)) setImmediate(() => process.exit(1));
};

// An exception nothing in this thread catches would reach the reader as the thread's `error` event,
// which nobody hears while the engine starts (tesseract.js listens only for messages): unheard, it
// would end the whole process. This thread ends instead (exit code 1); a start then runs into the
// reader's load time limit, a read into its time budget, and the next image gets a new engine.
process.on('uncaughtException', () => process.exit(1));
process.on('unhandledRejection', () => process.exit(1));

require('tesseract.js/src/worker-script/node/index.js');
