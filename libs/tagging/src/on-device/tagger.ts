import { availableParallelism } from 'node:os';
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
import { imageStatistics } from './image-stats.js';
import { analyse, type OnDeviceAnalysis, type RawDetections } from './map.js';
import { onDeviceWorkerPath } from './worker-path.js';

export const OnDeviceTaggerOptionsSchema = z.object({
  /** COCO object detection (CenterNet, shipped with Human). */
  objects: z.boolean().default(true),
  /** Face detection (Human's BlazeFace): the `faces` count. */
  faces: z.boolean().default(true),
  /** The nsfwjs classifier: the moderation signal. */
  nsfw: z.boolean().default(true),
  /** WASM SIMD kernels (much faster; off only to compare). */
  simd: z.boolean().default(true),
  /**
   * Worker threads, each with its own copy of the models, one image at a time each: the WASM
   * backend uses one core per thread. A second one starts when two images wait at once (or on
   * `ready()`); it costs about 160-200 MB at peak (see the README). Default: 2, or 1 on a machine
   * with one core.
   */
  workers: z
    .number()
    .int()
    .min(1)
    .max(8)
    .default(() => Math.min(2, availableParallelism())),
  /**
   * Where the image is decoded and shrunk: `worker` (sharp inside the worker, one image at a time)
   * or `main` (sharp on this thread's libuv pool, the worker gets pixels). Throughput was the same
   * within the noise, the worker used about 25 MB less and leaves this thread's pool to file and
   * database work; see the README.
   */
  decodeIn: z.enum(['main', 'worker']).default('worker'),
  /**
   * The object detector's input edge (a multiple of 32, at most the 512 its graph was made for):
   * 384 takes about two thirds of the time of 512 and scored the labelled photographs no lower.
   */
  detectorInput: z
    .number()
    .int()
    .min(256)
    .max(512)
    .refine((edge) => edge % 32 === 0, 'the detector input must be a multiple of 32')
    .default(384),
  /** The long edge of the picture the models see; 640 scored objects best on the test photos. */
  maxEdge: z.number().int().min(64).max(4096).default(640),
  maxInputPixels: z.number().int().positive().default(100_000_000),
  /** The detector's floor inside the worker; the real thresholds are per class (`OBJECT_RULES`). */
  objectFloor: z.number().min(0).max(1).default(0.15),
  maxObjects: z.number().int().min(1).max(100).default(50),
  /**
   * From this score a face is counted: real faces of the labelled set scored 0.68-0.93 (a few
   * turned away 0.47-0.54), faces seen in a wine glass, a phone, a book's cover 0.60-0.62.
   */
  faceMinConfidence: z.number().min(0).max(1).default(0.65),
  /** A "face" box over this share of the image is not counted (real faces: at most 0.27; false ones 0.55-1.3). */
  faceMaxArea: z.number().min(0).max(2).default(0.5),
  /** Per image, from when a worker is given it; a stuck worker is replaced. */
  timeoutMs: z.number().int().positive().default(30_000),
  /** For starting a worker and loading its models. */
  loadTimeoutMs: z.number().int().positive().default(120_000),
  /** The worker script; by default the one shipped in this package (`onDeviceWorkerPath()`). */
  workerPath: z.string().min(1).optional(),
});
export type OnDeviceTaggerOptions = z.infer<typeof OnDeviceTaggerOptionsSchema>;

/** What a worker reported once its models were loaded. */
export interface OnDeviceModelInfo {
  loadMs: number;
  backend: string;
  simd: boolean;
}

interface Observed {
  raw: RawDetections;
  pixels: RgbPixels;
}

type WorkerReply =
  | ({ type: 'ready' } & OnDeviceModelInfo)
  | { type: 'failed'; message: string }
  | ({ type: 'result'; id: number; pixels: RgbPixels } & RawDetections)
  | { type: 'error'; id: number; code: MediaErrorCode; message: string };

interface Job {
  id: number;
  payload: { pixels: RgbPixels } | { bytes: Uint8Array };
  resolve: (observed: Observed) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  settled: boolean;
  timer?: NodeJS.Timeout;
}

interface Running {
  worker: Worker;
  ready: Promise<OnDeviceModelInfo>;
}

/** One worker's place in the pool: its worker (once started) and the image it is working on. */
interface Slot {
  running: Running | undefined;
  current: Job | undefined;
}

const ERRORS: Partial<Record<MediaErrorCode, new (message: string) => MediaError>> = {
  corrupt: CorruptMediaError,
  unsupported: UnsupportedMediaError,
  limit_exceeded: LimitExceededError,
  validation: ValidationError,
};

/**
 * Labels, a face count and a moderation signal computed on this machine, fully offline: a COCO
 * object detector, Human's face detector and nsfwjs on the tfjs WASM backend, in worker threads
 * (`workers`) that load the models once and take one image at a time each. A worker that dies or
 * overruns `timeoutMs` is replaced on the next image. Call `close()` when done (idle workers do not
 * keep the process alive).
 *
 * @example
 * const tagger = new OnDeviceTagger();
 * const { labels, moderation, faces } = await tagger.detect({ kind: 'image', bytes: jpeg });
 * const tags = normaliseLabels(labels, ON_DEVICE_NORMALISE_OPTIONS);
 * const verdict = moderate(moderation, ON_DEVICE_MODERATION_POLICY);
 * await tagger.close();
 */
export class OnDeviceTagger implements Tagger {
  readonly options: OnDeviceTaggerOptions;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private startCount = 0;

  constructor(options: Partial<z.input<typeof OnDeviceTaggerOptionsSchema>> = {}) {
    this.options = OnDeviceTaggerOptionsSchema.parse(options);
    this.slots = Array.from({ length: this.options.workers }, () => ({ running: undefined, current: undefined }));
  }

  /** How many workers were started: more than `workers` means a worker was replaced. */
  get starts(): number {
    return this.startCount;
  }

  /**
   * Starts every worker and waits until the first has loaded its models, which is when images are
   * taken; the others go on loading, each on its own core (optional: `detect` starts workers as
   * images come). Fails only when every worker failed to load.
   */
  async ready(): Promise<OnDeviceModelInfo> {
    this.assertOpen();
    try {
      return await Promise.any(this.slots.map((slot) => this.start(slot).ready));
    } catch (error) {
      throw error instanceof AggregateError && error.errors[0] !== undefined ? error.errors[0] : error;
    }
  }

  async detect(input: TaggerInput, signal?: AbortSignal): Promise<TaggerResult> {
    return (await this.inspect(input, signal)).result;
  }

  /** `detect` with the evidence: the image statistics, the photograph verdict and the kept boxes. */
  async inspect(input: TaggerInput, signal?: AbortSignal): Promise<OnDeviceAnalysis> {
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
    const observed = await new Promise<Observed>((resolve, reject) => {
      const onAbort = (): void => this.settle(job, signal?.reason);
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      const job: Job = {
        id: this.nextId++,
        payload,
        resolve: (value) => (done(), resolve(value)),
        reject: (error) => (done(), reject(error)),
        signal,
        settled: false,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
    return analyse(observed.raw, imageStatistics(observed.pixels), {
      faceMinConfidence: this.options.faceMinConfidence,
      faceMaxArea: this.options.faceMaxArea,
      facesLooked: this.options.faces,
    });
  }

  /** Stops the workers; queued images are rejected and later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new MediaError('internal', 'the on-device tagger was closed');
    for (const job of this.queue.splice(0)) this.settle(job, error);
    for (const slot of this.slots) if (slot.current !== undefined) this.settle(slot.current, error);
    await Promise.all(this.slots.map((slot) => this.stop(slot)));
  }

  private assertOpen(): void {
    if (this.closed) throw new MediaError('internal', 'the on-device tagger was closed');
  }

  private start(slot: Slot): Running {
    if (slot.running !== undefined) return slot.running;
    const { workerPath, objects, faces, nsfw, simd, maxEdge, maxInputPixels, objectFloor, maxObjects, detectorInput } = this.options;
    const worker = new Worker(workerPath ?? onDeviceWorkerPath(), {
      workerData: { objects, faces, nsfw, simd, maxEdge, maxInputPixels, objectFloor, maxObjects, detectorInput },
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
      if (slot.running?.worker === worker) void this.stop(slot);
    });
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, worker, reply));
    worker.on('error', (error) => this.onExit(slot, worker, error));
    worker.on('exit', (code) => this.onExit(slot, worker, new Error(`exit code ${code}`)));
    worker.unref();
    slot.running = { worker, ready };
    return slot.running;
  }

  private async stop(slot: Slot): Promise<void> {
    const running = slot.running;
    slot.running = undefined;
    if (running !== undefined) await running.worker.terminate();
  }

  /** A free slot for the next image: one with a warm worker first, so that cold ones start only under load. */
  private freeSlot(): Slot | undefined {
    const free = this.slots.filter((slot) => slot.current === undefined);
    return free.find((slot) => slot.running !== undefined) ?? free[0];
  }

  private pump(): void {
    while (!this.closed) {
      let job = this.queue.shift();
      while (job !== undefined && job.settled) job = this.queue.shift();
      if (job === undefined) return;
      const slot = this.freeSlot();
      if (slot === undefined) {
        this.queue.unshift(job);
        return;
      }
      this.assign(slot, job);
    }
  }

  private assign(slot: Slot, job: Job): void {
    slot.current = job;
    const running = this.start(slot);
    running.worker.ref();
    void running.ready.then(
      () => this.send(slot, running, job),
      (error: unknown) => {
        this.settle(job, error instanceof MediaError ? error : new MediaError('internal', 'the tagging models could not be loaded', { cause: error }));
        this.finish(slot, job);
      },
    );
  }

  private send(slot: Slot, running: Running, job: Job): void {
    if (slot.current !== job || slot.running !== running) return;
    if (job.settled) {
      // Aborted while the models were loading: nothing was sent, go on with the next image.
      this.finish(slot, job);
      return;
    }
    // The budget runs even when the caller has given up: a stuck worker must still be replaced.
    job.timer = setTimeout(() => {
      this.settle(job, new TimeoutError(`tagging one image took longer than ${this.options.timeoutMs} ms`, { details: { limitMs: this.options.timeoutMs } }));
      // A WASM computation cannot be interrupted: replace the worker.
      if (slot.running === running) void this.stop(slot);
      this.finish(slot, job);
    }, this.options.timeoutMs);
    const transfer = 'pixels' in job.payload ? [job.payload.pixels.data.buffer] : [job.payload.bytes.buffer];
    running.worker.postMessage({ type: 'detect', id: job.id, ...job.payload }, transfer as ArrayBuffer[]);
  }

  private onReply(slot: Slot, worker: Worker, reply: WorkerReply): void {
    const job = slot.current;
    if (slot.running?.worker !== worker || job === undefined || !('id' in reply) || reply.id !== job.id) return;
    if (reply.type === 'result') {
      if (!job.settled) {
        job.settled = true;
        const { objects, faces, nsfw, scene } = reply;
        job.resolve({ raw: { objects, faces, nsfw, ...(scene === undefined ? {} : { scene }) }, pixels: reply.pixels });
      }
    } else {
      const Kind = ERRORS[reply.code];
      this.settle(job, Kind === undefined ? new MediaError(reply.code, reply.message) : new Kind(reply.message));
    }
    // An aborted job's late answer still marks the worker free again.
    this.finish(slot, job);
  }

  private onExit(slot: Slot, worker: Worker, cause: unknown): void {
    if (slot.running?.worker !== worker) return;
    slot.running = undefined;
    const job = slot.current;
    if (job !== undefined) {
      this.settle(job, new MediaError('internal', 'the tagging worker stopped while processing an image', { cause }));
      this.finish(slot, job);
    }
  }

  private settle(job: Job, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    job.reject(error);
  }

  private finish(slot: Slot, job: Job): void {
    clearTimeout(job.timer);
    if (slot.current !== job) return;
    slot.current = undefined;
    if (this.queue.length === 0) slot.running?.worker.unref();
    this.pump();
  }
}
