import { detectFfmpeg, type FfmpegBuild } from '../build.js';

let chosen: Promise<FfmpegBuild> | undefined;
let fallback: Promise<FfmpegBuild> | undefined;

/**
 * The build tests run on, chosen as the local stack chooses it: `MEDIAFLOW_FFMPEG`/`MEDIAFLOW_FFPROBE`,
 * else a current pair on PATH, else the bundled fallback. CI installs a current ffmpeg, so the
 * suites run there on it; a machine with nothing installed runs them on the fallback.
 */
export function testFfmpeg(): Promise<FfmpegBuild> {
  chosen ??= detectFfmpeg({
    configured: { ffmpeg: process.env['MEDIAFLOW_FFMPEG'], ffprobe: process.env['MEDIAFLOW_FFPROBE'] },
    searchPath: process.env['PATH'],
  });
  return chosen;
}

/** The npm-bundled fallback pair, whatever else the machine has. */
export function bundledFfmpeg(): Promise<FfmpegBuild> {
  fallback ??= detectFfmpeg({});
  return fallback;
}
