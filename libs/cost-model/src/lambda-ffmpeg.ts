/**
 * The project's ffmpeg ladder in the video function, as measured (docs/benchmarks.md, "Video
 * ladder"): `node tools/bench/video/run.mjs --cores 1,2` on 2026-12-07, the media-tools layer's x64
 * build (the recipe and versions of the arm64 layer Lambda runs), a 20 s 1080p30 clip at 16 Mb/s
 * with light grain (the workload's video), five HLS rungs, poster, thumbnails and preview.
 *
 * How a 2-core x64 measurement maps to Lambda: Lambda gives one vCPU per 1,769 MB, and an arm64
 * (Graviton2) vCPU is a whole core, so a function of 3,538 MB runs the ladder on two cores as the
 * measurement did. Whether a Graviton2 core is as fast as the measured one (an AMD EPYC core) for
 * this work was not measured; the cost model assumes it is (`coreSlowdown` 1, the on-device
 * tagger's assumption too), and the video function's placement, where a wrong guess fails a job
 * rather than a forecast, assumes a 1.5 times slower core and uses half of the job's time
 * (`placeVideo` of `@mediaflow/video-pipeline`). The function logs its real seconds per second of
 * video with every transcode, which settles the question at the first deployment.
 */
export const LAMBDA_FFMPEG = {
  /**
   * Two vCPUs. One vCPU is the cheapest per second of video (the ladder's threads keep two cores
   * 85% busy: 2.12 s on one core, 1.26 s on two, per second of video: 16% less GB-s on one), but two
   * transcode videos up to 223 s long themselves against 133 s on one, and MediaConvert, which takes
   * the longer ones, costs about twelve times as much per second of video in this model: for any mix
   * with more than a few percent of its seconds in videos of two to four minutes, two vCPUs cost less.
   */
  memoryMb: 3538,
  vcpus: 2,
  /** Wall seconds per second of video on two cores, light grain (1.26); clean 1.26, heavy grain 1.82. */
  secondsPerVideoSecond: 1.264,
  /** How much slower the cost model takes a Lambda core to be than the measured one (see above). */
  coreSlowdown: 1,
  /** Peak resident memory of the function's process tree (Node and ffmpeg) on two cores: 575 MiB. */
  peakRssMiB: 575,
  /**
   * The longest video the function transcodes itself (`longestPlacedSeconds` of the video
   * pipeline for its two vCPUs and job limit); longer ones go to MediaConvert. The infra's tests
   * check this against the pipeline's own placement.
   */
  maxPlacedSeconds: 223,
  /**
   * /tmp beside the original: the ladder, preview and stills of the longest video placed here, at
   * the ladder's peak bitrates (about 19 Mb/s over all rungs and the preview: 500 MiB at 223 s), with room.
   */
  scratchExtraMiB: 1024,
} as const;
