/**
 * The on-device tagger in a Lambda function, as measured (docs/benchmarks.md, "On-device tagger on
 * one core"): `node tools/bench/tagging/run.mjs --setups default --rounds 3 --one-core` on
 * 2026-12-06, 28 photographs per round, pinned to one x86_64 core (AMD EPYC, Node 20.20.2), the
 * share of CPU a 1,769 MB function gets. Lambda runs the tagger on arm64 (Graviton), which was not
 * measured: the figures assume one Graviton vCPU runs the WASM SIMD kernels as fast as this core.
 */
export const ON_DEVICE_TAGGER = {
  /** Process start to models loaded and warmed up: 1,997-2,324 ms over three rounds. */
  coldStartMs: 2300,
  /** One image at a time once warm, the median: 418-501 ms over three rounds (longest image 630 ms). */
  modelMsPerImage: 430,
  /**
   * What a tagging invocation bills per image: the model's median plus about 70 ms for reading the
   * rendition from S3 and updating the item (not measured: the Rekognition figure's I/O share).
   */
  billedMsPerImage: 500,
  /** Peak RSS of the process (main thread and worker): 325-346 MiB. */
  peakRssMiB: 346,
  /**
   * The function's memory: the least that buys a whole vCPU (Lambda gives one at 1,769 MB, and CPU
   * in proportion below it). The worker runs one image at a time on one thread, so more buys nothing,
   * and less stretches every image by the same factor it saves in MB: the same GB-seconds, slower.
   */
  lambdaMiB: 1769,
} as const;
