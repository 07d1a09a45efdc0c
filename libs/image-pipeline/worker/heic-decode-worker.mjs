// Decodes one HEIC image with libheif compiled to WebAssembly (`heic-decode`), off the thread that
// started it. Plain JavaScript on purpose: a worker thread cannot load TypeScript under jest, and the
// same file has to start from the built package and from a bundle. One worker decodes one image and
// exits, so the WebAssembly memory a large image needed goes with it; the caller terminates it when
// the job's time runs out. What it returns is interpreted by typed, tested code (`src/heic.ts`).
//
// Protocol:
//   workerData: { bytes: Uint8Array (its buffer transferred), maxPixels: number }
//   out (one message): { type: 'decoded', width, height, data: Uint8ClampedArray (its buffer transferred) }
//                    | { type: 'failed', kind: 'unsupported' | 'corrupt' | 'limit', message, width?, height? }
import { parentPort, workerData } from 'node:worker_threads';

const { bytes, maxPixels } = workerData;

// libheif-js reports why a decode failed only on the console ("Decoding image failed", handle,
// { message }), then fails with a bare "HEIF processing error". Its console output is kept here so
// that the reason travels with the error instead of reaching the parent's stdout on its own. Set
// before the decoder loads, which binds its own printing to the console it finds.
const reasons = [];
const keep = (...args) => {
  for (const arg of args) {
    if (arg !== null && typeof arg === 'object' && typeof arg.message === 'string' && arg.message.trim() !== '') reasons.push(arg.message.trim());
  }
};
for (const level of ['log', 'info', 'warn', 'error', 'debug']) console[level] = keep;

function withReasons(message) {
  return reasons.length === 0 ? message : `${message} (${reasons.join('; ')})`;
}

async function decode() {
  // Under Node's ESM loader the CommonJS module arrives as `default`; a bundler may hand it over as is.
  const loaded = await import('heic-decode');
  const heicDecode = loaded.default ?? loaded;
  let images;
  try {
    images = await heicDecode.all({ buffer: bytes });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const kind = error instanceof TypeError && /not a HEIC/i.test(message) ? 'unsupported' : 'corrupt';
    return { type: 'failed', kind, message: withReasons(message) };
  }
  try {
    // The primary image, as heic-decode's single-image call takes it.
    const primary = images[0];
    // The RGBA result alone is 4 bytes a pixel: a size the container header did not announce is
    // refused here, before anything is decoded.
    if (primary.width * primary.height > maxPixels) {
      return { type: 'failed', kind: 'limit', message: 'too many pixels', width: primary.width, height: primary.height };
    }
    const { width, height, data } = await primary.decode();
    return { type: 'decoded', width, height, data };
  } catch (error) {
    return { type: 'failed', kind: 'corrupt', message: withReasons(error instanceof Error ? error.message : String(error)) };
  } finally {
    images.dispose();
  }
}

const answer = await decode();
if (answer.type === 'decoded') {
  // Moved, not copied: the pixels are allocated for this image alone.
  const data = answer.data.byteOffset === 0 && answer.data.byteLength === answer.data.buffer.byteLength ? answer.data : answer.data.slice();
  parentPort.postMessage({ ...answer, data }, [data.buffer]);
} else {
  parentPort.postMessage(answer);
}
