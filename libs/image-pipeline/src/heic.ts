import { Worker } from 'node:worker_threads';
import { CorruptMediaError, MediaError, UnsupportedMediaError } from '@mediaflow/domain';
import { readHeader } from './header.js';
import { heicWorkerPath } from './heic-worker-path.js';
import { checkDimensions, defaultLimits } from './limits.js';
import type { ImageLimits } from './types.js';

/** Decoded pixels: 8-bit RGBA, row by row, already rotated and mirrored as the file says (irot/imir). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface HeicDecodeOptions {
  /** `maxPixels` bounds the decode, checked from the header before the worker starts (default `defaultLimits`). */
  limits?: ImageLimits | undefined;
  /** Stops the decode: the worker is terminated, then the call rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** The worker script (default: `heicWorkerPath()`). */
  workerPath?: string | undefined;
}

/** The worker's one message (worker/heic-decode-worker.mjs). */
type WorkerReply =
  | { type: 'decoded'; width: number; height: number; data: Uint8ClampedArray }
  | { type: 'failed'; kind: 'unsupported' | 'corrupt' | 'limit'; message: string; width?: number; height?: number };

/**
 * Starts the worker on its own copy of the bytes and settles with its one message, once the thread
 * has stopped: one decode's WebAssembly memory is gone before the next can start. The copy is moved
 * to the worker, not cloned again, and the caller's bytes stay usable (they may share a buffer with
 * others, which could not be moved).
 */
function runWorker(path: string, bytes: Uint8Array, maxPixels: number, signal: AbortSignal | undefined): Promise<WorkerReply> {
  signal?.throwIfAborted();
  const copy = new Uint8Array(bytes);
  const worker = new Worker(path, { workerData: { bytes: copy, maxPixels }, transferList: [copy.buffer] });
  return new Promise<WorkerReply>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // WebAssembly cannot be interrupted from outside; the thread can.
      void worker.terminate().then(outcome, outcome);
    };
    const onAbort = (): void => settle(() => reject(signal?.reason));
    worker.on('message', (reply: WorkerReply) => settle(() => resolve(reply)));
    worker.on('error', (error) =>
      settle(() => reject(new MediaError('internal', `the HEIC decoder's worker failed: ${error.message}`, { cause: error, details: { path } }))),
    );
    worker.on('exit', (code) => settle(() => reject(new MediaError('internal', `the HEIC decoder's worker exited (code ${code}) without an answer`))));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Decodes the primary image of a HEIC file to RGBA with libheif compiled to WebAssembly
 * (`heic-decode`): sharp's prebuilt libvips reads HEIC headers but has no HEVC decoder.
 *
 * The decode runs in a worker thread started for this image, so this thread's event loop keeps
 * serving while it runs, `signal` can stop it (the worker is terminated) and its WebAssembly memory
 * is released when it ends. The dimensions are checked against `limits.maxPixels` first: from the
 * container header before the worker starts, and from the decoder's own reading before it
 * allocates the pixels.
 *
 * @throws UnsupportedMediaError for HEIF variants the decoder does not take; CorruptMediaError
 *   when decoding fails; LimitExceededError for too many pixels; the signal's reason when it fires;
 *   MediaError (`internal`) when the worker cannot run.
 * @example
 * const deadline = new Deadline(60_000);
 * const { width, height, data } = await decodeHeic(bytes, { signal: deadline.signal });
 */
export async function decodeHeic(bytes: Uint8Array, options: HeicDecodeOptions = {}): Promise<RgbaImage> {
  const limits = options.limits ?? defaultLimits;
  const header = readHeader(bytes, 'heic');
  if (header !== undefined) checkDimensions(header, limits);

  const reply = await runWorker(options.workerPath ?? heicWorkerPath(), bytes, limits.maxPixels, options.signal);
  if (reply.type === 'decoded') {
    return { width: reply.width, height: reply.height, data: new Uint8Array(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength) };
  }
  switch (reply.kind) {
    case 'unsupported':
      throw new UnsupportedMediaError('this HEIF variant is not supported', { details: { reason: reply.message } });
    case 'limit':
      checkDimensions({ width: reply.width ?? 0, height: reply.height ?? 0, frames: 1 }, limits);
      throw new MediaError('internal', `the HEIC decoder's worker refused an image within the limits: ${reply.message}`);
    case 'corrupt':
      throw new CorruptMediaError(`decoding the HEIC image failed: ${reply.message}`);
  }
}
