import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import Tesseract from 'tesseract.js';
import { z } from 'zod';
import { MediaError, TEXT_MAX_LENGTH, ValidationError, type TaggerInput, type TextReader, type TextReading } from '@mediaflow/domain';
import { decodeError, decodeForGate, DEFAULT_TEXT_GATE, textLikely, type TextGateOptions } from './gate.js';
import { ocrFiles, type OcrFiles } from './paths.js';
import { DEFAULT_KEEP_WORDS, keepWords, type ReadWord } from './words.js';

export const OnDeviceTextReaderOptionsSchema = z.object({
  /** Per image, from when the engine is given it; past it the read fails with a `timeout` and the engine is replaced. */
  timeoutMs: z.number().int().positive().default(20_000),
  /** For starting the engine (its worker thread, the WASM core and the English model). */
  loadTimeoutMs: z.number().int().positive().default(60_000),
  /** Word confidence (0-100) from which a word is kept; see the README. */
  minConfidence: z.number().min(0).max(100).default(DEFAULT_KEEP_WORDS.minConfidence),
  maxLength: z.number().int().min(1).max(TEXT_MAX_LENGTH).default(TEXT_MAX_LENGTH),
  /** Read only images the gate finds text likely in (`false`: read every image). */
  gate: z.boolean().default(true),
  /** The long edge the engine reads at (larger images are shrunk). */
  maxEdge: z.number().int().min(256).max(8192).default(2048),
  /** Images with a shorter long edge are enlarged twice over first: small print reads better. */
  enlargeBelow: z.number().int().min(0).max(4096).default(1000),
  maxInputPixels: z.number().int().positive().default(100_000_000),
  /** Where the engine's files are; by default those installed with this package (`ocrFiles()`). */
  files: z.object({ workerPath: z.string().min(1), langPath: z.string().min(1), corePath: z.string().min(1) }).optional(),
});
export type OnDeviceTextReaderOptions = z.infer<typeof OnDeviceTextReaderOptionsSchema>;

/**
 * What the engine is started with: everything on disk, nothing cached (the model is read from the
 * package each start, never written anywhere), and its cache directory a private temporary one all
 * the same. The worker script refuses every network call (see `worker/ocr-worker.mjs`).
 */
export function engineOptions(files: OcrFiles, cachePath: string, onError: (error: unknown) => void = () => undefined): Partial<Tesseract.WorkerOptions> {
  return {
    workerPath: files.workerPath,
    langPath: files.langPath,
    corePath: files.corePath,
    cachePath,
    cacheMethod: 'none',
    gzip: true,
    logger: () => undefined,
    // Without a handler tesseract.js rethrows the engine's rejections where nothing can catch them;
    // a failed start is known only here (its promise never settles).
    errorHandler: onError,
  };
}

/** A reading's words, line by line, from the engine's block tree. */
export function linesOf(page: Pick<Tesseract.Page, 'blocks'>): ReadWord[][] {
  const lines: ReadWord[][] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) lines.push(line.words.map((w) => ({ text: w.text, confidence: w.confidence })));
    }
  }
  return lines;
}

class Overran extends Error {}

/** `promise`, or `Overran` after `ms`, or the signal's reason when it aborts first. */
function within<T>(promise: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(new Overran())), ms);
    const onAbort = (): void => done(() => reject(signal?.reason ?? new Error('aborted')));
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => done(() => resolve(value)),
      (error: unknown) => done(() => reject(error)),
    );
  });
}

/**
 * `TextReader` on the machine itself: tesseract.js (Tesseract's LSTM engine compiled to WASM) with
 * the English model of `@tesseract.js-data/eng`, in one worker thread, started on first use and
 * kept for the next image; nothing is downloaded, ever.
 *
 * - A cheap gate runs first (`textLikely`, tens of milliseconds on the caller's libuv pool): an
 *   image without print-like rows is skipped (`skipped: 'no text likely'`) and the engine is not
 *   even started.
 * - One image at a time; each has `timeoutMs` from when the engine gets it. An image that overruns
 *   fails with a `timeout` MediaError (retried by the queue; the file's fault on the last delivery)
 *   and the engine is terminated: the next image gets a new one. A
 *   signal that aborts also ends the engine (the caller is shutting down).
 * - Words are kept by `keepWords`: two letters or digits or more, confidence `minConfidence` or
 *   more; the text is cut at `maxLength` on a word boundary.
 *
 * @example
 * const reader = new OnDeviceTextReader();
 * const { text, skipped } = await reader.read({ kind: 'image', bytes });
 * await reader.close(); // at shutdown
 */
export class OnDeviceTextReader implements TextReader {
  private readonly options: OnDeviceTextReaderOptions;
  private engine: Promise<Tesseract.Worker> | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private files: OcrFiles | undefined;
  private cacheDir: string | undefined;

  constructor(options: Partial<z.input<typeof OnDeviceTextReaderOptionsSchema>> = {}) {
    this.options = OnDeviceTextReaderOptionsSchema.parse(options);
  }

  async read(input: TaggerInput, signal?: AbortSignal): Promise<TextReading> {
    signal?.throwIfAborted();
    const { bytes } = input;
    if (bytes === undefined || bytes.byteLength === 0) throw new ValidationError('the on-device text reader needs the image bytes (it cannot read object keys)');
    if (this.options.gate) {
      const gate: TextGateOptions = DEFAULT_TEXT_GATE;
      const verdict = textLikely(await decodeForGate(bytes, gate.edge, this.options.maxInputPixels), gate);
      if (!verdict.likely) return { text: '', skipped: 'no text likely' };
    }
    const page = await this.prepare(bytes);
    // One image at a time: the engine is one thread, and a queue of images behind it would eat
    // into their time budgets.
    const mine = this.turn.then(() => this.recognise(page, signal));
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  /** Starts the engine now rather than on the first image (a server's start, a benchmark). */
  async ready(): Promise<void> {
    await this.started();
  }

  /** Ends the engine; the next read starts a new one. */
  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    if (engine === undefined) return;
    const running = await engine.catch(() => undefined);
    await running?.terminate().catch(() => undefined);
  }

  /** The image as the engine reads it: upright, grey, its long edge within `maxEdge`, small ones enlarged. */
  private async prepare(bytes: Uint8Array): Promise<Buffer> {
    const { maxEdge, enlargeBelow, maxInputPixels } = this.options;
    try {
      const image = sharp(bytes, { failOn: 'error', limitInputPixels: maxInputPixels }).rotate();
      const meta = await image.metadata();
      const upright = (meta.orientation ?? 1) >= 5;
      const long = Math.max((upright ? meta.height : meta.width) ?? 0, (upright ? meta.width : meta.height) ?? 0);
      const edge = long > 0 && long < enlargeBelow ? Math.min(long * 2, maxEdge) : maxEdge;
      return await image
        .resize(edge, edge, { fit: 'inside', withoutEnlargement: long >= enlargeBelow })
        .flatten({ background: '#ffffff' })
        .toColourspace('b-w')
        .png({ compressionLevel: 1 })
        .toBuffer();
    } catch (error) {
      throw decodeError(error);
    }
  }

  private started(): Promise<Tesseract.Worker> {
    if (this.engine !== undefined) return this.engine;
    this.files ??= this.options.files ?? ocrFiles();
    this.cacheDir ??= mkdtempSync(join(tmpdir(), 'mediaflow-ocr-'));
    let startFailed: (error: unknown) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => {
      startFailed = reject;
    });
    const created = Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, engineOptions(this.files, this.cacheDir, (error) => startFailed(error)));
    const starting = within(Promise.race([created, failure]), this.options.loadTimeoutMs, undefined).then(
      (engine) => {
        // Rejections after the start belong to the jobs that get them.
        startFailed = () => undefined;
        return engine;
      },
      (error: unknown) => {
        // A start that failed is not kept: the next image tries again (the queue retries this one).
        if (this.engine === starting) this.engine = undefined;
        const message = error instanceof Overran ? `did not start within ${this.options.loadTimeoutMs} ms` : error instanceof Error ? error.message : String(error);
        throw new MediaError('internal', `the OCR engine could not start: ${message}`, { cause: error, details: { retryable: true } });
      },
    );
    this.engine = starting;
    void starting.then(
      (engine) => {
        // A worker thread that dies emits `error` (the worker script ends itself on an uncaught
        // exception, so it exits instead; `error` stays heard in case another path raises it). Either
        // way the engine is let go, the image in flight runs into its time budget and the next
        // image starts a new engine.
        const thread: unknown = (engine as unknown as { worker?: unknown }).worker;
        if (thread instanceof EventEmitter) {
          const letGo = (): void => {
            if (this.engine === starting) this.engine = undefined;
          };
          thread.on('error', letGo);
          thread.on('exit', letGo);
        }
      },
      () => undefined,
    );
    return starting;
  }

  private async recognise(page: Buffer, signal: AbortSignal | undefined): Promise<TextReading> {
    signal?.throwIfAborted();
    const engine = await this.started();
    try {
      const result = await within(engine.recognize(page, {}, { blocks: true, text: false }), this.options.timeoutMs, signal);
      return { text: keepWords(linesOf(result.data), { minConfidence: this.options.minConfidence, maxLength: this.options.maxLength }) };
    } catch (error) {
      if (error instanceof Overran) {
        // The engine may be stuck on this image: let it go. The image is not called textless: a busy
        // machine overruns too, so this is a `timeout` the queue retries, and the file's fault only
        // on its last delivery (the step's rule, `isFileFault`).
        await this.close();
        throw new MediaError('timeout', `not read within ${this.options.timeoutMs} ms`, { cause: error });
      }
      if (signal?.aborted) {
        await this.close();
        throw error;
      }
      throw new MediaError('internal', `the OCR engine failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { retryable: true } });
    }
  }
}
