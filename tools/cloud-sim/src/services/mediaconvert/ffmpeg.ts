/**
 * The planned outputs as ffmpeg and ffprobe invocations. Building the arguments is pure (and
 * tested apart); `runTool` only runs them. Encodes use x264's fastest preset: the simulator stands
 * in for the managed service, so the shape, names and sizes of the files matter, not their quality.
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import type { FrameCaptureOutput, HlsOutput, Mp4Output, PlannedOutput, VideoEncode, AudioEncode } from './plan.js';

/** What a rendered file is called on disk: the last segment of its key. */
export function localName(output: PlannedOutput): string {
  return basename(output.name.key);
}

function scaleFilter(size: { width?: number; height?: number }): string {
  const { width, height } = size;
  // MediaConvert's default scaling fits the picture into the frame and pads the rest.
  if (width !== undefined && height !== undefined) {
    return `scale=${width}:${height}:force_original_aspect_ratio=decrease,scale=trunc(iw/2)*2:trunc(ih/2)*2,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1`;
  }
  if (width !== undefined) return `scale=${width}:-2,setsar=1`;
  if (height !== undefined) return `scale=-2:${height},setsar=1`;
  return 'scale=trunc(iw/2)*2:trunc(ih/2)*2,setsar=1';
}

function videoArgs(video: VideoEncode, keyframeEverySeconds: number | undefined): string[] {
  const args = ['-map', '0:v:0', '-vf', scaleFilter(video), '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', video.profile, '-pix_fmt', 'yuv420p'];
  args.push('-b:v', String(video.bitrate), '-maxrate', String(video.maxBitrate), '-bufsize', String(video.bufferSize));
  if (video.frameRate) args.push('-r', `${video.frameRate.numerator}/${video.frameRate.denominator}`);
  const fps = video.frameRate ? video.frameRate.numerator / video.frameRate.denominator : undefined;
  const gopFrames = video.gop?.units === 'FRAMES' ? video.gop.size : video.gop && fps ? Math.max(1, Math.round(video.gop.size * fps)) : undefined;
  if (gopFrames !== undefined) args.push('-g', String(Math.round(gopFrames)));
  if (!video.sceneChangeDetect) args.push('-sc_threshold', '0');
  // Segment boundaries need keyframes; with a GOP in seconds and no fixed rate, force them by time.
  const forceEvery = keyframeEverySeconds ?? (video.gop?.units === 'SECONDS' && fps === undefined ? video.gop.size : undefined);
  if (forceEvery !== undefined) args.push('-force_key_frames', `expr:gte(t,n_forced*${forceEvery})`);
  return args;
}

function audioArgs(audio: AudioEncode | undefined, inputHasAudio: boolean): string[] {
  if (!audio || !inputHasAudio) return ['-an'];
  return ['-map', '0:a:0', '-c:a', 'aac', '-b:a', String(audio.bitrate), '-ar', String(audio.sampleRate), '-ac', String(audio.channels)];
}

const COMMON = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];

export function hlsArgs(output: HlsOutput, input: string, outDir: string, inputHasAudio: boolean): string[] {
  const name = localName(output);
  return [
    ...COMMON,
    '-i',
    input,
    ...videoArgs(output.video, output.segmentSeconds),
    ...audioArgs(output.audio, inputHasAudio),
    '-f',
    'hls',
    '-hls_time',
    String(output.segmentSeconds),
    '-hls_playlist_type',
    'vod',
    '-hls_list_size',
    '0',
    '-hls_flags',
    'independent_segments',
    '-start_number',
    '1',
    '-hls_segment_filename',
    `${outDir}/${name}_%05d.ts`,
    `${outDir}/${name}.m3u8`,
  ];
}

export function mp4Args(output: Mp4Output, input: string, outDir: string, inputHasAudio: boolean): string[] {
  return [
    ...COMMON,
    '-i',
    input,
    ...videoArgs(output.video, undefined),
    ...audioArgs(output.audio, inputHasAudio),
    ...(output.moovFirst ? ['-movflags', '+faststart'] : []),
    '-f',
    'mp4',
    `${outDir}/${localName(output)}.mp4`,
  ];
}

/** MediaConvert's JPEG quality 1-100 on ffmpeg's MJPEG scale (2 best, 31 worst). */
export function jpegQscale(quality: number): number {
  return Math.round(31 - ((Math.min(100, Math.max(1, quality)) - 1) / 99) * 29);
}

export function frameCaptureArgs(output: FrameCaptureOutput, input: string, outDir: string): string[] {
  const { numerator, denominator } = output.rate;
  return [
    ...COMMON,
    '-i',
    input,
    '-map',
    '0:v:0',
    // Captures are taken from 0 s on, one every denominator/numerator seconds.
    '-vf',
    `fps=${numerator}/${denominator},${scaleFilter(output)}`,
    ...(output.maxCaptures !== undefined ? ['-frames:v', String(output.maxCaptures)] : []),
    '-q:v',
    String(jpegQscale(output.quality)),
    '-start_number',
    '0',
    '-f',
    'image2',
    `${outDir}/${localName(output)}.%07d.${output.extension}`,
  ];
}

export class ToolFailedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ToolFailedError';
  }
}

/** Runs ffmpeg or ffprobe; resolves stdout, rejects with the end of stderr. */
export function runTool(path: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.once('error', (error) => reject(new ToolFailedError(`${basename(path)} could not run: ${error.message}`, { cause: error })));
    child.once('close', (code, killed) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(new ToolFailedError(`${basename(path)} exited with ${code ?? killed}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

export interface ProbedVideo {
  width: number;
  height: number;
  codec: string;
  profile?: string;
  level?: number;
  frameRate?: number;
}

export interface Probe {
  durationSeconds?: number;
  video?: ProbedVideo;
  hasAudio: boolean;
  audioCodec?: string;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  profile?: string;
  level?: number;
  avg_frame_rate?: string;
  duration?: string;
}

function rate(fraction: string | undefined): number | undefined {
  const [n, d] = (fraction ?? '').split('/').map(Number);
  return n && d ? n / d : undefined;
}

/** The facts of a media file that the job's events report. */
export async function probe(ffprobe: string, file: string, signal?: AbortSignal): Promise<Probe> {
  const json = await runTool(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], signal);
  const parsed = JSON.parse(json) as { streams?: FfprobeStream[]; format?: { duration?: string } };
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const duration = Number(parsed.format?.duration ?? video?.duration);
  const result: Probe = { hasAudio: audio !== undefined };
  if (Number.isFinite(duration)) result.durationSeconds = duration;
  if (audio?.codec_name) result.audioCodec = audio.codec_name;
  if (video?.width && video.height) {
    result.video = { width: video.width, height: video.height, codec: video.codec_name ?? 'unknown' };
    if (video.profile) result.video.profile = video.profile;
    if (video.level !== undefined) result.video.level = video.level;
    const fps = rate(video.avg_frame_rate);
    if (fps !== undefined) result.video.frameRate = fps;
  }
  return result;
}
