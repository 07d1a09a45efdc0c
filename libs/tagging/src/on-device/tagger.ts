import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import {
  CorruptMediaError,
  LimitExceededError,
  MediaError,
  TimeoutError,
  UnsupportedMediaError,
  ValidationError,
  type MediaErrorCode,
  type Tagger,
  type TaggerInput,
  type TaggerResult,
} from '@mediaflow/domain';
import { decodeForDetector, type RgbPixels } from './decode.js';
import { toTaggerResult, type RawDetections } from './map.js';
import { onDeviceWorkerPath } from './worker-path.js';

export const OnDeviceTaggerOptionsSchema = z.object({
  /** COCO object detection (Human's CenterNet). */
  objects: z.boolean().default(true),
  /** Face detection (Human's BlazeFace): a confident face adds `person`. */
  faces: z.boolean().default(true),
  /** The nsfwjs classifier: the moderation signal. */
  nsfw: z.boolean().default(true),
  /** WASM SIMD kernels (much faster; off only to compare). */
  simd: z.boolean().default(true),
  /**
   * Where the image is decoded and shrunk: `worker` (sharp inside the worker, one image at a time)
   * or `main` (sharp on this thread's libuv pool, the worker gets pixels). Throughput was the same
   * within the noise, the worker used about 25 MB less and leaves this thread's pool to file and
   * database work; see the README.
   */
  decodeIn: z.enum(['main', 'worker']).default('worker'),
  /** The long edge of the picture the models see; 640 scored objects best on the test photos. */
  maxEdge: z.number().int().min(64).max(4096).default(640),
  maxInputPixels: z.number().int().positive().default(100_000_000),
  /** Detector floors inside the worker; the real thresholds are applied by `normaliseLabels`. */
  objectFloor: z.number().min(0).max(1).default(0.2),
  maxObjects: z.number().int().min(1).max(100).default(20),
  /** From this score a face counts as a person (the detector sees faces in aircraft roundels at 0.38). */
  faceMinConfidence: z.number().min(0).max(1).default(0.6),
  /** Per image, from when the worker is given it; a stuck worker is replaced. */
  timeoutMs: z.number().int().positive().default(30_000),
  /** For starting the worker and loading the models. */
  loadTimeoutMs: z.number().int().positive().default(120_000),
  /** The worker script; by default the one shipped in this package (`onDeviceWorkerPath()`). */
  workerPath: z.string().min(1).optional(),
});
export type OnDeviceTaggerOptions = z.infer<typeof OnDeviceTaggerOptionsSchema>;

/** What the worker reported once its models were loaded. */
export interface OnDeviceModelInfo {
  loadMs: number;
  backend: string;
  simd: boolean;
}

type WorkerReply =
  | ({ type: 'ready' } & OnDeviceModelInfo)
  | { type: 'failed'; message: string }
  | ({ type: 'result'; id: number } & RawDetections)
  | { type: 'error'; id: number; code: MediaErrorCode; message: string };

interface Job {
  id: number;
  payload: { pixels: RgbPixels } | { bytes: Uint8Array };
  resolve: (raw: RawDetections) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  settled: boolean;
  timer?: NodeJS.Timeout;
}

interface Running {
  worker: Worker;
  ready: Promise<OnDeviceModelInfo>;
}

const ERRORS: Partial<Record<MediaErrorCode, new (message: string) => MediaError>> = {
  corrupt: CorruptMediaError,
  unsupported: UnsupportedMediaError,
  limit_exceeded: LimitExceededError,
  validation: ValidationError,
};

/**
 * Labels and a moderation signal computed on this machine, fully offline: Human's COCO object and
 * face detectors and nsfwjs on the tfjs WASM backend, in one worker thread that loads the models
 * once and takes one image at a time. A worker that dies or overruns `timeoutMs` is replaced on
 * the next image. Call `close()` when done (an idle worker does not keep the process alive).
 *
 * @example
 * const tagger = new OnDeviceTagger();
 * const { labels, moderation } = await tagger.detect({ kind: 'image', bytes: jpeg });
 * const tags = normaliseLabels(labels, ON_DEVICE_NORMALISE_OPTIONS);
 * const verdict = moderate(moderation, ON_DEVICE_MODERATION_POLICY);
 * await tagger.close();
 */
export class OnDeviceTagger implements Tagger {
  readonly options: OnDeviceTaggerOptions;
  private running: Running | undefined;
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  private nextId = 1;
  private closed = false;
  private startCount = 0;

  constructor(options: Partial<z.input<typeof OnDeviceTaggerOptionsSchema>> = {}) {
    this.options = OnDeviceTaggerOptionsSchema.parse(options);
  }

  /** How many workers were started: more than one means a worker was replaced. */
  get starts(): number {
    return this.startCount;
  }

  /** Starts the worker and waits for its models (optional: `detect` does it on first use). */
  async ready(): Promise<OnDeviceModelInfo> {
    this.assertOpen();
    return this.start().ready;
  }

  async detect(input: TaggerInput, signal?: AbortSignal): Promise<TaggerResult> {
    this.assertOpen();
    signal?.throwIfAborted();
    const { bytes } = input;
    if (bytes === undefined || bytes.byteLength === 0) {
      throw new ValidationError('the on-device tagger needs the image bytes (it cannot read object keys)');
    }
    const payload =
      this.options.decodeIn === 'main'
        ? { pixels: await decodeForDetector(bytes, { maxEdge: this.options.maxEdge, maxInputPixels: this.options.maxInputPixels }) }
        : { bytes: Uint8Array.from(bytes) };
    signal?.throwIfAborted();
    this.assertOpen();
    const raw = await new Promise<RawDetections>((resolve, reject) => {
      const onAbort = (): void => this.settle(job, signal?.reason);
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      const job: Job = {
        id: this.nextId++,
        payload,
        resolve: (raw) => (done(), resolve(raw)),
        reject: (error) => (done(), reject(error)),
        signal,
        settled: false,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
    return toTaggerResult(raw, { faceMinConfidence: this.options.faceMinConfidence });
  }

  /** Stops the worker; queued images are rejected and later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new MediaError('internal', 'the on-device tagger was closed');
    for (const job of this.queue.splice(0)) this.settle(job, error);
    if (this.current !== undefined) this.settle(this.current, error);
    await this.stop();
  }

  private assertOpen(): void {
    if (this.closed) throw new MediaError('internal', 'the on-device tagger was closed');
  }

  private start(): Running {
    if (this.running !== undefined) return this.running;
    const { workerPath, objects, faces, nsfw, simd, maxEdge, maxInputPixels, objectFloor, maxObjects } = this.options;
    const worker = new Worker(workerPath ?? onDeviceWorkerPath(), {
      workerData: { objects, faces, nsfw, simd, maxEdge, maxInputPixels, objectFloor, maxObjects },
    });
    this.startCount++;
    const ready = new Promise<OnDeviceModelInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimeoutError(`loading the tagging models took longer than ${this.options.loadTimeoutMs} ms`)), this.options.loadTimeoutMs);
      worker.once('message', (reply: WorkerReply) => {
        clearTimeout(timer);
        if (reply.type === 'ready') resolve({ loadMs: reply.loadMs, backend: reply.backend, simd: reply.simd });
        else reject(new MediaError('internal', `loading the tagging models failed: ${reply.type === 'failed' ? reply.message : reply.type}`));
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new MediaError('internal', `the tagging worker exited (code ${code}) before its models were loaded`));
      });
    });
    // A worker whose models failed to load is not kept: the next image starts a new one. The
    // rejection itself goes to whoever awaits `ready`.
    ready.catch(() => {
      if (this.running?.worker === worker) void this.stop();
    });
    worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onExit(worker, error));
    worker.on('exit', (code) => this.onExit(worker, new Error(`exit code ${code}`)));
    worker.unref();
    this.running = { worker, ready };
    return this.running;
  }

  private async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running !== undefined) await running.worker.terminate();
  }

  private pump(): void {
    if (this.current !== undefined || this.closed) return;
    let job = this.queue.shift();
    while (job !== undefined && job.settled) job = this.queue.shift();
    if (job === undefined) return;
    this.current = job;
    const running = this.start();
    running.worker.ref();
    void running.ready.then(
      () => this.send(running, job),
      (error: unknown) => {
        this.settle(job, error instanceof MediaError ? error : new MediaError('internal', 'the tagging models could not be loaded', { cause: error }));
        this.finish(job);
      },
    );
  }

  private send(running: Running, job: Job): void {
    if (this.current !== job || this.running !== running) return;
    if (job.settled) {
      // Aborted while the models were loading: nothing was sent, go on with the next image.
      this.finish(job);
      return;
    }
    // The budget runs even when the caller has given up: a stuck worker must still be replaced.
    job.timer = setTimeout(() => {
      this.settle(job, new TimeoutError(`tagging one image took longer than ${this.options.timeoutMs} ms`, { details: { limitMs: this.options.timeoutMs } }));
      // A WASM computation cannot be interrupted: replace the worker.
      if (this.running === running) void this.stop();
      this.finish(job);
    }, this.options.timeoutMs);
    const transfer = 'pixels' in job.payload ? [job.payload.pixels.data.buffer] : [job.payload.bytes.buffer];
    running.worker.postMessage({ type: 'detect', id: job.id, ...job.payload }, transfer as ArrayBuffer[]);
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const job = this.current;
    if (this.running?.worker !== worker || job === undefined || !('id' in reply) || reply.id !== job.id) return;
    if (reply.type === 'result') {
      if (!job.settled) {
        job.settled = true;
        job.resolve({ objects: reply.objects, faces: reply.faces, nsfw: reply.nsfw });
      }
    } else {
      const Kind = ERRORS[reply.code];
      this.settle(job, Kind === undefined ? new MediaError(reply.code, reply.message) : new Kind(reply.message));
    }
    // An aborted job's late answer still marks the worker free again.
    this.finish(job);
  }

  private onExit(worker: Worker, cause: unknown): void {
    if (this.running?.worker !== worker) return;
    this.running = undefined;
    const job = this.current;
    if (job !== undefined) {
      this.settle(job, new MediaError('internal', 'the tagging worker stopped while processing an image', { cause }));
      this.finish(job);
    }
  }

  private settle(job: Job, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    job.reject(error);
  }

  private finish(job: Job): void {
    clearTimeout(job.timer);
    if (this.current !== job) return;
    this.current = undefined;
    if (this.queue.length === 0) this.running?.worker.unref();
    this.pump();
  }
}
