import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testFfmpeg } from './tools.js';
import { runTool } from '../run.js';

/** What a generated test clip looks like. Small sizes and a few seconds keep tests quick on 2 cores. */
export interface ClipSpec {
  width?: number;
  height?: number;
  seconds?: number;
  fps?: number;
  /** Add a sine tone. Default true. */
  audio?: boolean;
  /** File extension, which picks the muxer: mp4, mov, mkv, webm, avi, ts. */
  container?: 'mp4' | 'mov' | 'mkv' | 'webm' | 'avi' | 'ts';
  /** Writes a display-matrix rotation (as phones do for portrait footage). */
  rotate?: 90 | 180 | 270;
  /** Exactly one video frame. */
  singleFrame?: boolean;
  /** `smptebars` instead of the moving `testsrc2`. */
  pattern?: 'testsrc2' | 'smptebars';
}

const codecs: Record<NonNullable<ClipSpec['container']>, string[]> = {
  mp4: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
  mov: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
  mkv: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'libopus'],
  webm: ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-c:a', 'libopus'],
  avi: ['-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'libmp3lame'],
  ts: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
};

/**
 * Writes a synthetic clip with the tests' ffmpeg (`testFfmpeg`) into `dir` and returns its path.
 *
 * @example
 * const clip = await makeClip(dir, { width: 640, height: 360, seconds: 2, rotate: 90 });
 */
export async function makeClip(dir: string, spec: ClipSpec = {}, name = 'clip'): Promise<string> {
  const { ffmpeg } = await testFfmpeg();
  const width = spec.width ?? 640;
  const height = spec.height ?? 360;
  const seconds = spec.seconds ?? 2;
  const fps = spec.fps ?? 25;
  const container = spec.container ?? 'mp4';
  const pattern = spec.pattern ?? 'testsrc2';
  const out = join(dir, `${name}.${container}`);
  const video = `${pattern}=s=${width}x${height}:r=${fps}:d=${seconds}`;
  const args = ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', video];
  if (spec.audio ?? true) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`);
  args.push(...codecs[container]);
  if (spec.singleFrame) args.push('-frames:v', '1');
  if (spec.audio === false) args.push('-an');
  else args.push('-shortest');
  if (spec.rotate === undefined) {
    args.push('-y', out);
    await runTool(ffmpeg, args, { timeoutMs: 60_000 });
    return out;
  }
  // ffmpeg 4.1 drops a requested rotation while encoding; a stream copy writes the matrix.
  const plain = join(dir, `${name}.plain.${container}`);
  args.push('-y', plain);
  await runTool(ffmpeg, args, { timeoutMs: 60_000 });
  await runTool(ffmpeg, ['-nostdin', '-v', 'error', '-i', plain, '-c', 'copy', '-metadata:s:v:0', `rotate=${spec.rotate}`, '-y', out], {
    timeoutMs: 60_000,
  });
  await rm(plain, { force: true });
  return out;
}

/** A fresh temporary directory; remove it with `rm(dir, { recursive: true, force: true })`. */
export function tempDir(prefix = 'mediaflow-video-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
