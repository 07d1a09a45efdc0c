/**
 * Renders one output group of a planned job on this machine and reports what it made: the local
 * files with the keys they go to, and per output the path, duration and frame size MediaConvert
 * puts in its COMPLETE event. Uploading is the caller's part (it acts as the job role).
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { frameCaptureArgs, hlsArgs, localName, mp4Args, probe, runTool, type Probe } from './ffmpeg.js';
import { AAC_LC, avcCodec, masterPlaylist, playlistSegments, type HlsVariant } from './hls.js';
import type { FrameCaptureOutput, HlsOutput, Mp4Output, PlannedGroup, PlannedOutput, S3Location } from './plan.js';

export interface RenderedFile {
  path: string;
  location: S3Location;
  contentType: string;
}

export interface RenderedOutput {
  files: RenderedFile[];
  /** The file the event names for this output (a variant playlist, the MP4, the last capture). */
  reported: S3Location;
  durationMs?: number;
  width?: number;
  height?: number;
}

export interface RenderedGroup {
  type: PlannedGroup['type'];
  outputs: RenderedOutput[];
  master?: RenderedFile;
}

export interface RenderContext {
  ffmpeg: string;
  ffprobe: string;
  /** The local copy of the input. */
  input: string;
  inputFacts: Probe;
  /** An empty directory for this group's files. */
  dir: string;
  signal?: AbortSignal;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/MP2T',
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
};

function contentType(file: string): string {
  return CONTENT_TYPES[file.slice(file.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}

/** The key a file written next to `name` gets: the same folder, the file's own name. */
function siblingKey(name: S3Location, file: string): S3Location {
  return { bucket: name.bucket, key: `${name.key.slice(0, name.key.lastIndexOf('/') + 1)}${file}` };
}

function fileOf(dir: string, name: S3Location, file: string): RenderedFile {
  return { path: join(dir, file), location: siblingKey(name, file), contentType: contentType(file) };
}

function withFrame(output: RenderedOutput, facts: Probe): RenderedOutput {
  if (facts.video) {
    output.width = facts.video.width;
    output.height = facts.video.height;
  }
  return output;
}

async function renderHls(output: HlsOutput, ctx: RenderContext, dir: string): Promise<{ rendered: RenderedOutput; variant: HlsVariant }> {
  await runTool(ctx.ffmpeg, hlsArgs(output, ctx.input, dir, ctx.inputFacts.hasAudio), ctx.signal);
  const name = localName(output);
  const playlist = `${name}.m3u8`;
  const segments = playlistSegments(await readFile(join(dir, playlist), 'utf8'));
  const first = segments[0];
  if (first === undefined) throw new Error(`ffmpeg wrote no segments for ${playlist}`);
  let bits = 0;
  let seconds = 0;
  let peak = 0;
  for (const segment of segments) {
    const segmentBits = (await stat(join(dir, segment.uri))).size * 8;
    bits += segmentBits;
    seconds += segment.durationSeconds;
    peak = Math.max(peak, segmentBits / Math.max(segment.durationSeconds, 0.001));
  }
  const facts = await probe(ctx.ffprobe, join(dir, first.uri), ctx.signal);
  const rendered = withFrame(
    {
      files: [fileOf(dir, output.name, playlist), ...segments.map((segment) => fileOf(dir, output.name, segment.uri))],
      reported: siblingKey(output.name, playlist),
      durationMs: Math.round(seconds * 1000),
    },
    facts,
  );
  const codecs = [avcCodec(facts.video?.profile, facts.video?.level), ...(facts.hasAudio ? [AAC_LC] : [])];
  const variant: HlsVariant = {
    uri: playlist,
    peakBitrate: peak,
    averageBitrate: bits / Math.max(seconds, 0.001),
    width: facts.video?.width ?? 0,
    height: facts.video?.height ?? 0,
    codecs,
  };
  const frameRate = output.video.frameRate ? output.video.frameRate.numerator / output.video.frameRate.denominator : facts.video?.frameRate;
  if (frameRate !== undefined) variant.frameRate = frameRate;
  return { rendered, variant };
}

async function renderMp4(output: Mp4Output, ctx: RenderContext, dir: string): Promise<RenderedOutput> {
  await runTool(ctx.ffmpeg, mp4Args(output, ctx.input, dir, ctx.inputFacts.hasAudio), ctx.signal);
  const file = `${localName(output)}.mp4`;
  const facts = await probe(ctx.ffprobe, join(dir, file), ctx.signal);
  const rendered: RenderedOutput = { files: [fileOf(dir, output.name, file)], reported: siblingKey(output.name, file) };
  if (facts.durationSeconds !== undefined) rendered.durationMs = Math.round(facts.durationSeconds * 1000);
  return withFrame(rendered, facts);
}

async function renderFrames(output: FrameCaptureOutput, ctx: RenderContext, dir: string): Promise<RenderedOutput> {
  await runTool(ctx.ffmpeg, frameCaptureArgs(output, ctx.input, dir), ctx.signal);
  const prefix = `${localName(output)}.`;
  const captures = (await readdir(dir)).filter((file) => file.startsWith(prefix) && file.endsWith(`.${output.extension}`)).sort();
  const last = captures.at(-1);
  if (last === undefined) throw new Error(`ffmpeg captured no frames for ${prefix}${output.extension}`);
  const facts = await probe(ctx.ffprobe, join(dir, captures[0] as string), ctx.signal);
  const rendered: RenderedOutput = { files: captures.map((file) => fileOf(dir, output.name, file)), reported: siblingKey(output.name, last) };
  if (ctx.inputFacts.durationSeconds !== undefined) rendered.durationMs = Math.round(ctx.inputFacts.durationSeconds * 1000);
  return withFrame(rendered, facts);
}

async function renderOutput(output: PlannedOutput, ctx: RenderContext, dir: string): Promise<{ rendered: RenderedOutput; variant?: HlsVariant }> {
  if (output.kind === 'hls') return renderHls(output, ctx, dir);
  if (output.kind === 'mp4') return { rendered: await renderMp4(output, ctx, dir) };
  return { rendered: await renderFrames(output, ctx, dir) };
}

/** Renders every output of `group` into its own folder under `ctx.dir`; the HLS master is written last. */
export async function renderGroup(group: PlannedGroup, ctx: RenderContext): Promise<RenderedGroup> {
  const outputs: RenderedOutput[] = [];
  const variants: HlsVariant[] = [];
  for (const [index, output] of group.outputs.entries()) {
    // One folder per output: two outputs of a group may share file names only in different folders.
    const dir = join(ctx.dir, String(index));
    await mkdir(dir, { recursive: true });
    const { rendered, variant } = await renderOutput(output, ctx, dir);
    outputs.push(rendered);
    if (variant) variants.push(variant);
  }
  const result: RenderedGroup = { type: group.type, outputs };
  if (group.master) {
    const file = group.master.key.slice(group.master.key.lastIndexOf('/') + 1);
    const path = join(ctx.dir, file);
    await writeFile(path, masterPlaylist(variants));
    result.master = { path, location: group.master, contentType: contentType(file) };
  }
  return result;
}
