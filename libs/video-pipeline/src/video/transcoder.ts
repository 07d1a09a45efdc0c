import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  MediaError,
  UnsupportedMediaError,
  type MediaFacts,
  type RenderedFile,
  type VideoTranscodeRequest,
  type VideoTranscoder,
} from '@mediaflow/domain';
import {
  primaryVideoStream,
  probeFile,
  runTool,
  ToolDir,
  TOOL_INPUT_URL,
  translateToolFailure,
  videoDemuxersFor,
  type FfmpegBuild,
  type ProbeLimits,
} from '../ffmpeg/index.js';
import { buildEncodeArgs, buildPreviewRemuxArgs } from './args.js';
import { finalizeHls } from './finalize.js';
import { clearCompressorNames } from './mp4.js';
import { ladderTimeoutMs } from './timeouts.js';
import { contentTypeOf, fileNameOf, playlistName, POSTER, PREVIEW } from './layout.js';
import { planLadder } from './ladder.js';
import { resolveVideoPolicy, type VideoPolicy } from './policy.js';
import type { VideoPlan } from './types.js';

export interface FfmpegVideoTranscoderOptions {
  /** The ffmpeg and ffprobe to run and what they can do (`detectFfmpeg` at the composition root). */
  tools: FfmpegBuild;
  policy?: Partial<VideoPolicy> | undefined;
  limits?: Partial<ProbeLimits> | undefined;
  /** Demuxer allow-list; defaults to the video containers the build reads safely (`videoDemuxersFor`). */
  demuxers?: readonly string[] | undefined;
  probeTimeoutMs?: number | undefined;
  /** Time limit of a whole transcode; by default it grows with the clip's duration (`ladderTimeoutMs`). */
  timeoutMs?: number | undefined;
  /** Encode at nice 10 so that the API and other queues stay responsive. Default true. */
  lowPriority?: boolean | undefined;
  /**
   * `remux` (default) copies the preview rung's HLS segments into the MP4 in a second, short
   * ffmpeg run; `encode` encodes the preview once more inside the ladder process. Measured on a
   * 12 s 1080p clip (5 rungs, 2 cores, children's CPU time): remux 20.6-21.5 s, encode 24.7-25.4 s,
   * so remux saves about a sixth of the work for the same picture (the preview rung's own bits).
   */
  preview?: 'remux' | 'encode' | undefined;
  /** Called with each ffmpeg pid as it starts (observability, and tests that check nothing is left running). */
  onProcess?: ((pid: number) => void) | undefined;
}

/**
 * The local `VideoTranscoder`: ffprobe under allow-lists, then one low-priority ffmpeg process for
 * the whole ladder, the poster and the thumbnails, then the HLS files renamed to the rendition
 * layout and the preview made. Every run is bounded in time and ends its processes on abort.
 *
 * ffmpeg writes into a tool directory inside the output directory (`ToolDir`, isolated as the
 * build says), named relative to it; the renditions are moved into the output directory once it
 * has finished, so it never holds, or can touch, anything else there.
 */
export class FfmpegVideoTranscoder implements VideoTranscoder {
  private readonly tools: FfmpegBuild;
  private readonly policy: VideoPolicy;
  private readonly demuxers: readonly string[];

  constructor(private readonly options: FfmpegVideoTranscoderOptions) {
    this.tools = options.tools;
    this.policy = resolveVideoPolicy(options.policy);
    this.demuxers = options.demuxers ?? videoDemuxersFor(options.tools.features);
  }

  async probe(input: string, signal?: AbortSignal): Promise<MediaFacts> {
    return (await this.probeInput(input, signal)).facts;
  }

  /**
   * Writes the renditions into `request.outputPrefix` (a local directory, created when missing) and
   * returns them. The input is probed again: `request.facts` may come from an earlier step or
   * another machine, and the allow-listed read needs the demuxer the probe finds.
   *
   * @throws UnsupportedMediaError for a refused input or one without video; TimeoutError after the
   *   time limit; the signal's reason on abort. Partial outputs are removed on any failure.
   */
  async transcode(request: VideoTranscodeRequest): Promise<{ files: RenderedFile[] }> {
    const { signal } = request;
    const probed = await this.probeInput(request.input, signal);
    if (probed.facts.width === undefined) throw new UnsupportedMediaError('input has no video stream');
    // Stills are picked by frame number, so they are planned over the video track's own length:
    // a container whose audio outlasts the picture would otherwise aim past the last frame.
    const videoSeconds = Number(primaryVideoStream(probed.raw)?.duration);
    const timeline = Number.isFinite(videoSeconds) && videoSeconds > 0 ? Math.min(videoSeconds, probed.facts.durationSeconds ?? videoSeconds) : probed.facts.durationSeconds;
    const plan = planLadder(timeline === undefined ? probed.facts : { ...probed.facts, durationSeconds: timeline }, this.policy);
    const outDir = isAbsolute(request.outputPrefix) ? request.outputPrefix : resolve(request.outputPrefix);
    const deadline = Date.now() + (this.options.timeoutMs ?? ladderTimeoutMs(plan.durationSeconds));
    const remaining = (): number => Math.max(1, deadline - Date.now());
    const report = (fraction: number): void => request.onProgress?.({ fraction: Math.min(1, Math.max(0, fraction)) });
    const previewMode = this.options.preview ?? 'remux';
    const encodeShare = previewMode === 'remux' ? 0.95 : 0.98;

    await mkdir(join(outDir, 'hls'), { recursive: true });
    await mkdir(join(outDir, 'thumbs'), { recursive: true });
    const created = await this.createdEntries(outDir);
    try {
      report(0);
      const hls = this.tools.features.hlsNamedVariants ? 'named' : 'indexed';
      const work = await ToolDir.create(outDir, this.tools.isolation, ['hls', 'thumbs']);
      try {
        // ffmpeg names its outputs relative to its working directory, the tool directory.
        const args = buildEncodeArgs(plan, { url: TOOL_INPUT_URL, demuxer: probed.demuxer, demuxers: this.demuxers }, '.', {
          preview: previewMode === 'encode',
          progress: true,
          settings: this.policy,
          hls,
        });
        await this.ffmpeg(args, work, remaining(), signal, { input: probed.path, plan, onFraction: (f) => report(f * encodeShare) });
        const files = await finalizeHls(plan, work.path, hls);
        if (previewMode === 'remux') {
          await this.ffmpeg(buildPreviewRemuxArgs(plan, '.', fileNameOf(playlistName(plan.preview.rung), 'm3u8')), work, remaining(), signal);
        }
        files.push(...(await this.stills(plan, work.path)));
        await clearCompressorNames(join(work.path, fileNameOf(PREVIEW, 'mp4')));
        await work.moveInto(outDir);
        report(1);
        return { files: files.map((f) => (f.path === undefined ? f : { ...f, path: join(outDir, relative(work.path, f.path)) })) };
      } finally {
        await work.remove();
      }
    } catch (error) {
      await this.cleanUp(outDir, created);
      throw translateToolFailure(error);
    }
  }

  private async probeInput(input: string, signal: AbortSignal | undefined): ReturnType<typeof probeFile> {
    try {
      return await probeFile(input, {
        ffprobe: this.tools.ffprobe,
        demuxers: this.demuxers,
        limits: this.options.limits,
        timeoutMs: this.options.probeTimeoutMs,
        signal,
        crashUnderMemoryBoundIsOutOfMemory: this.tools.features.crashUnderMemoryBoundIsOutOfMemory,
        isolation: this.tools.isolation,
      });
    } catch (error) {
      throw explainRefusal(error, this.tools);
    }
  }

  private async ffmpeg(
    args: string[],
    work: ToolDir,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    run: { input?: string; plan?: VideoPlan; onFraction?: (fraction: number) => void } = {},
  ): Promise<void> {
    const { onFraction } = run;
    await runTool(this.tools.ffmpeg, args, {
      timeoutMs,
      crashUnderMemoryBoundIsOutOfMemory: this.tools.features.crashUnderMemoryBoundIsOutOfMemory,
      signal,
      label: 'ffmpeg',
      workDir: work,
      input: run.input,
      lowPriority: this.options.lowPriority ?? true,
      durationSeconds: run.plan?.durationSeconds,
      onProgress: onFraction ? (p) => p.fraction !== undefined && onFraction(p.fraction) : undefined,
      onSpawn: this.options.onProcess,
    });
  }

  /** The preview, poster and thumbnails as files, checking that ffmpeg wrote each of them. */
  private async stills(plan: VideoPlan, outDir: string): Promise<RenderedFile[]> {
    const files: RenderedFile[] = [];
    const expect = async (file: RenderedFile & { path: string }): Promise<void> => {
      const info = await stat(file.path).catch(() => undefined);
      if (!info || info.size === 0) throw new MediaError('internal', `ffmpeg did not write ${file.name}`);
      files.push(file);
    };
    await expect({
      name: PREVIEW,
      format: 'mp4',
      contentType: contentTypeOf('mp4'),
      path: join(outDir, fileNameOf(PREVIEW, 'mp4')),
      width: plan.preview.width,
      height: plan.preview.height,
      durationSeconds: plan.durationSeconds,
      bitrate: plan.preview.maxBitrate + plan.preview.audioBitrate,
    });
    await expect({ name: POSTER, format: 'jpeg', contentType: contentTypeOf('jpeg'), path: join(outDir, fileNameOf(POSTER, 'jpeg')), width: plan.poster.width, height: plan.poster.height });
    // Thumbnails are a nicety: those a short or damaged stream never reached are left out (ffmpeg
    // numbers them as they come, so the missing ones are always the last).
    for (const t of plan.thumbnails) {
      const path = join(outDir, fileNameOf(t.name, 'jpeg'));
      const info = await stat(path).catch(() => undefined);
      if (info && info.size > 0) files.push({ name: t.name, format: 'jpeg', contentType: contentTypeOf('jpeg'), path, width: t.width, height: t.height });
    }
    return files;
  }

  /** Names this run will write, so that a failure removes only what it made. */
  private async createdEntries(outDir: string): Promise<Set<string>> {
    const before = new Set<string>();
    for (const sub of ['', 'hls', 'thumbs']) {
      for (const name of await readdir(join(outDir, sub)).catch(() => [] as string[])) before.add(join(sub, name));
    }
    return before;
  }

  private async cleanUp(outDir: string, before: Set<string>): Promise<void> {
    for (const sub of ['hls', 'thumbs', '']) {
      for (const name of await readdir(join(outDir, sub)).catch(() => [] as string[])) {
        const rel = join(sub, name);
        if (before.has(rel) || rel === 'hls' || rel === 'thumbs') continue;
        await rm(join(outDir, rel), { force: true, recursive: true });
      }
    }
  }
}

/**
 * A refused MPEG-TS upload says why when the build is what refuses it (the bundled fallback), so
 * the item's reason tells its owner, and the operator, what would make it work.
 */
function explainRefusal(error: unknown, tools: FfmpegBuild): unknown {
  if (error instanceof UnsupportedMediaError && !tools.features.mpegts && /"mpegts"/.test(error.message)) {
    return new UnsupportedMediaError(
      `MPEG-TS video needs ffmpeg 5.1 or newer; this server runs the bundled fallback ffmpeg ${tools.version}`,
      { cause: error, details: { container: 'mpegts' } },
    );
  }
  return error;
}
