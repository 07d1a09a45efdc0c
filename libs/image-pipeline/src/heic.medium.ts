import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import workerThreads, { type Worker } from 'node:worker_threads';
import { CorruptMediaError, LimitExceededError, TimeoutError } from '@mediaflow/domain';
import heicDecode from 'heic-decode';
import sharp from 'sharp';
import { Deadline } from './deadline.js';
import { decodeHeic } from './heic.js';
import { heicWorkerPath } from './heic-worker-path.js';
import { defaultLimits } from './limits.js';
import { planRenditions } from './plan.js';
import { SharpImageProcessor } from './processor.js';
import { renderImage } from './render.js';
import { QUADRANTS, closeTo, pixelAt } from './testing/index.js';

// sharp's prebuilt libvips reads HEIC headers but cannot decode HEVC, and no npm package can encode
// it: the file is a committed fixture, a real HEVC-coded HEIC of the four QUADRANTS at 480x320,
// made by testing/fixtures/make-heic.sh (Debian's ImageMagick and libheif's heif-enc with x265).
const QUADRANTS_HEIC = join(__dirname, 'testing', 'fixtures', 'quadrants.heic');

describe('HEIC (HEVC) input', () => {
  let heic: Buffer;

  beforeAll(async () => {
    heic = await readFile(QUADRANTS_HEIC);
  });

  it('is a real HEVC file that sharp alone cannot decode', async () => {
    expect((await sharp(heic).metadata()).compression).toBe('hevc');
    await expect(sharp(heic).raw().toBuffer()).rejects.toThrow(/HEVC|decoder|compression/i);
  });

  it('decodes to RGBA with heic-decode', async () => {
    const image = await decodeHeic(heic);
    expect([image.width, image.height, image.data.length]).toEqual([480, 320, 480 * 320 * 4]);
    const rgbAt = (x: number, y: number): [number, number, number] => {
      const i = (y * image.width + x) * 4;
      return [image.data[i] ?? -1, image.data[i + 1] ?? -1, image.data[i + 2] ?? -1];
    };
    // The centre of each quadrant, away from the chroma-subsampled edges between them.
    expect(closeTo(rgbAt(120, 80), QUADRANTS.topLeft)).toBe(true);
    expect(closeTo(rgbAt(360, 80), QUADRANTS.topRight)).toBe(true);
    expect(closeTo(rgbAt(120, 240), QUADRANTS.bottomLeft)).toBe(true);
    expect(closeTo(rgbAt(360, 240), QUADRANTS.bottomRight)).toBe(true);
  });

  it('is inspected as HEIC and rendered through the WebAssembly decoder', async () => {
    const images = new SharpImageProcessor();
    const { inspection, files } = await images.process(heic);
    expect(inspection).toMatchObject({ format: 'heic', mime: 'image/heic', facts: { format: 'heic', width: 480, height: 320 } });
    const thumb = files.find((f) => f.name === 'thumb' && f.format === 'webp');
    expect([thumb?.width, thumb?.height]).toEqual([256, 171]);
    const body = thumb?.body ?? new Uint8Array();
    expect(closeTo(await pixelAt(body, 30, 30), QUADRANTS.topLeft, 40)).toBe(true);
    expect(closeTo(await pixelAt(body, 226, 140), QUADRANTS.bottomRight, 40)).toBe(true);
  });

  it('rejects a truncated HEIC with a typed error that says why', async () => {
    const truncated = heic.subarray(0, Math.floor(heic.length * 0.7));
    const error = await new SharpImageProcessor().render(truncated).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CorruptMediaError);
    // libheif-js tells the reason only on the console; the worker keeps it for the error.
    expect((error as Error).message).toMatch(/HEIC.*end of file/is);
  });
});

describe('HEIC decoding in a worker thread', () => {
  let heic: Buffer;
  /** Every worker thread started while a test runs. */
  let started: Worker[];
  let spawn: jest.SpiedClass<typeof workerThreads.Worker>;

  const outcome = (work: Promise<unknown>): Promise<unknown> => work.then(() => undefined, (e: unknown) => e);
  /** -1 is the id of a thread that has stopped. */
  const threadIds = (): number[] => started.map((worker) => worker.threadId);
  /** How long one whole decode takes here, to size budgets that are surely shorter. */
  const timeOneDecode = async (): Promise<number> => {
    const start = performance.now();
    await decodeHeic(heic);
    return performance.now() - start;
  };

  beforeAll(async () => {
    heic = await readFile(QUADRANTS_HEIC);
  });

  beforeEach(() => {
    started = [];
    const RealWorker = workerThreads.Worker;
    spawn = jest.spyOn(workerThreads, 'Worker').mockImplementation((...args) => {
      const worker = new RealWorker(...args);
      started.push(worker);
      return worker;
    });
  });

  afterEach(() => spawn.mockRestore());

  it('decodes in a worker to the same pixels as heic-decode on this thread, leaving the input intact', async () => {
    const before = Buffer.from(heic);
    const reference = await heicDecode({ buffer: heic });
    const image = await decodeHeic(heic);
    expect([image.width, image.height]).toEqual([reference.width, reference.height]);
    expect(Buffer.compare(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), Buffer.from(reference.data.buffer))).toBe(0);
    // The worker got a copy: the caller's bytes were neither moved away nor changed.
    expect(heic.equals(before)).toBe(true);
    // One worker, already stopped when the pixels arrive.
    expect(threadIds()).toEqual([-1]);
  });

  it("keeps this thread's event loop turning while a HEIC decodes", async () => {
    let longestGap = 0;
    let last = performance.now();
    const tick = (): void => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    };
    const ticker = setInterval(tick, 2);
    const start = performance.now();
    try {
      await decodeHeic(heic);
    } finally {
      clearInterval(ticker);
    }
    tick();
    const took = performance.now() - start;
    // On this thread the decode is one uninterrupted stretch: the longest gap is then most of it.
    expect(longestGap).toBeLessThan(took / 3);
    expect(started).toHaveLength(1);
  });

  it('refuses a HEIC whose header exceeds the pixel limit before starting a worker', async () => {
    const error = await outcome(decodeHeic(heic, { limits: { ...defaultLimits, maxPixels: 480 * 320 - 1 } }));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(started).toHaveLength(0);
  });

  it('stops a decode when its deadline runs out, with a TimeoutError and no worker left running', async () => {
    const budget = Math.max(1, Math.floor((await timeOneDecode()) / 4));
    const deadline = new Deadline(budget, 'image job');
    const error = await outcome(decodeHeic(heic, { signal: deadline.signal }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(`image job exceeded its time limit of ${budget} ms`);
    expect(threadIds()).toEqual([-1, -1]);
  });

  it('terminates a running worker when the caller aborts', async () => {
    const shutdown = new AbortController();
    const decoding = outcome(decodeHeic(heic, { signal: shutdown.signal }));
    const worker = started[0];
    const exited = new Promise<number>((resolve) => worker?.once('exit', resolve));
    worker?.once('online', () => shutdown.abort(new Error('shutting down')));
    expect(((await decoding) as Error).message).toBe('shutting down');
    expect(threadIds()).toEqual([-1]);
    // 1: stopped while running its script, not ended by itself.
    expect(await exited).toBe(1);
  });

  it("terminates the worker when a render's budget runs out during the decode", async () => {
    const budget = Math.max(1, Math.floor((await timeOneDecode()) / 4));
    // A clock that stands still: the budget then starts counting, in real time, when the decode asks
    // for the deadline's signal, and the steps before it (sniffing, the header) cannot use it up.
    const deadline = new Deadline(budget, 'image job', () => 0);
    const plan = planRenditions({ width: 480, height: 320 });
    const error = await outcome(renderImage(heic, plan, { deadline }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(threadIds()).toEqual([-1, -1]);
  });

  it('has the worker refuse an image larger than the limit it is given, before decoding it', async () => {
    const worker = new workerThreads.Worker(heicWorkerPath(), { workerData: { bytes: new Uint8Array(heic), maxPixels: 1000 } });
    const reply: unknown = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(reply).toEqual({ type: 'failed', kind: 'limit', message: 'too many pixels', width: 480, height: 320 });
  });
});
