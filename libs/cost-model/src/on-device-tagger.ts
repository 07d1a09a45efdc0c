/**
 * The on-device tagger in a Lambda function, as measured (docs/benchmarks.md, "On-device tagger on
 * one core"): `node tools/bench/tagging/run.mjs --setups default --rounds 3 --one-core` on
 * 2026-12-07, the labelled set's 34 photographs per round, pinned to one x86_64 core (AMD EPYC,
 * Node 20.20.2), the share of CPU a 1,769 MB function gets. Lambda runs the tagger on arm64
 * (Graviton), which was not measured: the figures assume one Graviton vCPU runs the WASM SIMD
 * kernels as fast as this core. The previous measurement (2026-12-06, before the detector ran at
 * 384 px) was 430 ms per image, 2.3 s of cold start and 346 MiB.
 */
export const ON_DEVICE_TAGGER = {
  /** Process start to models loaded and warmed up: 1,304-1,520 ms over three rounds. */
  coldStartMs: 1500,
  /** One image at a time once warm, the median: 216-224 ms over three rounds (longest image 452 ms). */
  modelMsPerImage: 220,
  /**
   * What a tagging invocation bills per image: the model's median plus about 70 ms for reading the
   * rendition from S3 and updating the item (not measured: the Rekognition figure's I/O share).
   */
  billedMsPerImage: 290,
  /** Peak RSS of the process (main thread and worker): 367-374 MiB. */
  peakRssMiB: 374,
  /**
   * The function's memory: the least that buys a whole vCPU (Lambda gives one at 1,769 MB, and CPU
   * in proportion below it). The worker runs one image at a time on one thread, so more buys nothing,
   * and less stretches every image by the same factor it saves in MB: the same GB-seconds, slower.
   */
  lambdaMiB: 1769,
} as const;

/**
 * The text step (OCR) on one core, as measured by the same command's text part (docs/benchmarks.md,
 * "Text (OCR) on one core", three runs on 2026-12-07): the print gate on every picture, then
 * tesseract.js on those it lets through, one at a time, in the tagging function (same memory).
 */
export const ON_DEVICE_TEXT_READER = {
  /** The gate (decode at 800 px, the print-row test), the mean over the photographs: 22-25 ms. */
  gateMs: 24,
  /**
   * A read of a picture the gate lets through, the mean over the photographs let through (what a
   * month of reads bills): 968-1,045 ms (median 322-409 ms; a dense CCTV frame took 3.1-3.2 s).
   */
  readMsPerImage: 1050,
  /**
   * Pictures the gate lets through: 5 of the labelled set's 34 photographs (2 of the 4 with legible
   * print, and 3 without: the engine finds no words in those). A small set chosen for objects, not a library's mix: a library of screenshots and
   * documents reads more (the workload's `textShare` sets it).
   */
  gateShare: 0.15,
  /** The engine's start (worker thread, WASM core, English model), once per container: 327-406 ms. */
  engineStartMs: 400,
  /** Peak RSS of a process running the gate and the engine alone: 294-320 MiB. */
  peakRssMiB: 320,
} as const;
