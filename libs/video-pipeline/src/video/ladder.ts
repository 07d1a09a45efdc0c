import { UnsupportedMediaError, type MediaFacts } from '@mediaflow/domain';
import { contentTypeOf, MASTER_PLAYLIST, playlistName, POSTER, PREVIEW, segmentName, thumbnailName } from './layout.js';
import { h264Level } from './level.js';
import { resolveVideoPolicy, type LadderStep, type VideoPolicy } from './policy.js';
import type { FrameGrab, PlannedOutput, Rung, VideoPlan } from './types.js';

/** Rounds down to an even number (4:2:0 chroma needs even sizes), never below 2. */
export function evenDown(value: number): number {
  return Math.max(2, Math.floor(value / 2) * 2);
}

/** Rounds to the nearest even number, never below 2. */
function evenNearest(value: number): number {
  return Math.max(2, Math.round(value / 2) * 2);
}

/** The frame `short` lines tall (landscape) or wide (portrait), keeping the source's aspect ratio. */
function frameFor(short: number, width: number, height: number): { width: number; height: number } {
  if (width >= height) return { width: Math.min(evenNearest((width * short) / height), evenDown(width)), height: short };
  return { width: short, height: Math.min(evenNearest((height * short) / width), evenDown(height)) };
}

/** Bitrate for a non-standard short side: linear in pixels between the standard steps around it. */
function interpolate(short: number, ladder: readonly LadderStep[]): Pick<LadderStep, 'maxBitrate' | 'audioBitrate' | 'qvbrQuality'> {
  const above = [...ladder].reverse().find((s) => s.height >= short);
  const below = ladder.find((s) => s.height <= short);
  if (below && above && above !== below) {
    const t = (short * short - below.height * below.height) / (above.height * above.height - below.height * below.height);
    return { maxBitrate: Math.round(below.maxBitrate + t * (above.maxBitrate - below.maxBitrate)), audioBitrate: below.audioBitrate, qvbrQuality: below.qvbrQuality };
  }
  const base = below ?? above;
  if (!base) throw new UnsupportedMediaError('the video ladder is empty');
  // Smaller than the smallest step: scale its bitrate by area, with a floor that keeps it watchable.
  const scale = (short * short) / (base.height * base.height);
  return { maxBitrate: Math.max(100_000, Math.round(base.maxBitrate * Math.min(1, scale))), audioBitrate: base.audioBitrate, qvbrQuality: base.qvbrQuality };
}

/** The output frame rate: the source's, halved while above the cap (120 → 60), defaulted when unknown. */
export function outputFrameRate(source: number | undefined, policy: Pick<VideoPolicy, 'maxFrameRate' | 'defaultFrameRate'>): number {
  let fps = source !== undefined && source > 0 ? source : policy.defaultFrameRate;
  while (fps > policy.maxFrameRate) fps /= 2;
  return Math.round(fps * 1000) / 1000;
}

function grab(name: string, atSeconds: number, fps: number, lastFrame: number, size: { width: number; height: number }): FrameGrab {
  const frame = Math.min(lastFrame, Math.max(0, Math.floor(atSeconds * fps)));
  return { name, atSeconds: Math.round((frame / fps) * 1000) / 1000, frame, ...size };
}

function fitBox(width: number, height: number, box: number): { width: number; height: number } {
  const scale = Math.min(1, box / Math.max(width, height));
  return { width: evenDown(width * scale), height: evenDown(height * scale) };
}

/**
 * Plans a video's renditions from its probed facts: an HLS ladder of 1-5 rungs never above the
 * source (1080p/720p/540p/360p/240p by short side, plus a rung at the source's own size when it
 * sits well between two steps), 6 s segments with one GOP each, an MP4 preview of at most 720p,
 * a poster frame and a few scrubbing thumbnails. Pure: the same facts give the same plan.
 *
 * @throws UnsupportedMediaError when the facts have no frame size (no video stream).
 * @example
 * planLadder({ width: 1920, height: 1080, frameRate: 30, durationSeconds: 60, audioCodec: 'aac' }).rungs.map((r) => r.name);
 * // ['1080p', '720p', '540p', '360p', '240p']
 */
export function planLadder(facts: MediaFacts, overrides: Partial<VideoPolicy> = {}): VideoPlan {
  const policy = resolveVideoPolicy(overrides);
  const { width, height } = facts;
  if (width === undefined || height === undefined) throw new UnsupportedMediaError('the video has no frame size');
  const short = Math.min(width, height);
  const fps = outputFrameRate(facts.frameRate, policy);
  const rateFactor = fps > policy.highFrameRateThreshold ? policy.highFrameRateFactor : 1;
  const hasAudio = facts.audioCodec !== undefined;
  const duration = Math.max(facts.durationSeconds ?? 0, 1 / fps);

  const steps = policy.ladder.filter((s) => s.height <= short);
  const top = steps[0];
  const nativeShort = evenDown(short);
  const wantsNative = top === undefined ? true : short < (policy.ladder[0]?.height ?? 0) && short >= top.height * policy.nativeRungGap;

  const rungs: Rung[] = [];
  const addRung = (shortSide: number, frame: { width: number; height: number }, step: Pick<LadderStep, 'maxBitrate' | 'audioBitrate' | 'qvbrQuality'>): void => {
    const maxBitrate = Math.round(step.maxBitrate * rateFactor);
    rungs.push({
      name: `${shortSide}p`,
      ...frame,
      maxBitrate,
      audioBitrate: hasAudio ? step.audioBitrate : 0,
      qvbrQuality: step.qvbrQuality,
      level: h264Level(frame.width, frame.height, fps, maxBitrate),
    });
  };
  if (wantsNative) addRung(nativeShort, { width: evenDown(width), height: evenDown(height) }, interpolate(short, policy.ladder));
  for (const step of steps) addRung(step.height, frameFor(step.height, width, height), step);

  const previewRung = rungs.find((r) => Math.min(r.width, r.height) <= policy.previewMaxHeight) ?? rungs[rungs.length - 1];
  if (!previewRung) throw new UnsupportedMediaError('no rendition fits this video');
  const lastFrame = Math.max(0, Math.ceil(duration * fps) - 1);
  const poster = grab(POSTER, Math.max(duration * 0.1, Math.min(1, duration / 2)), fps, lastFrame, { width: previewRung.width, height: previewRung.height });
  const thumbSize = fitBox(width, height, policy.thumbnailBox);
  const thumbnails: FrameGrab[] = [];
  for (let i = 0; i < policy.thumbnails; i++) {
    const g = grab(thumbnailName(thumbnails.length + 1), ((i + 0.5) / policy.thumbnails) * duration, fps, lastFrame, thumbSize);
    // A clip shorter than the thumbnail count in frames gets one thumbnail per distinct frame.
    if (!thumbnails.some((t) => t.frame === g.frame)) thumbnails.push(g);
  }

  const segments = Math.max(1, Math.ceil(duration / policy.segmentSeconds - 1e-9));
  const outputs: PlannedOutput[] = [{ name: MASTER_PLAYLIST, format: 'm3u8', contentType: contentTypeOf('m3u8'), kind: 'master', listed: true }];
  for (const rung of rungs) {
    const sized = { rung: rung.name, width: rung.width, height: rung.height, bitrate: rung.maxBitrate + rung.audioBitrate };
    outputs.push({ name: playlistName(rung.name), format: 'm3u8', contentType: contentTypeOf('m3u8'), kind: 'playlist', listed: true, ...sized });
    for (let n = 1; n <= segments; n++) {
      outputs.push({ name: segmentName(rung.name, n), format: 'ts', contentType: contentTypeOf('ts'), kind: 'segment', listed: false, rung: rung.name });
    }
  }
  const preview = { name: PREVIEW, rung: previewRung.name, width: previewRung.width, height: previewRung.height, maxBitrate: previewRung.maxBitrate, audioBitrate: previewRung.audioBitrate };
  outputs.push({ name: PREVIEW, format: 'mp4', contentType: contentTypeOf('mp4'), kind: 'preview', listed: true, width: preview.width, height: preview.height, bitrate: preview.maxBitrate + preview.audioBitrate });
  outputs.push({ name: POSTER, format: 'jpeg', contentType: contentTypeOf('jpeg'), kind: 'poster', listed: true, width: poster.width, height: poster.height });
  for (const t of thumbnails) outputs.push({ name: t.name, format: 'jpeg', contentType: contentTypeOf('jpeg'), kind: 'thumbnail', listed: true, width: t.width, height: t.height });

  return {
    rungs,
    frameRate: fps,
    gopFrames: Math.max(1, Math.round(policy.segmentSeconds * fps)),
    segmentSeconds: policy.segmentSeconds,
    hasAudio,
    durationSeconds: Math.round(duration * 1000) / 1000,
    preview,
    poster,
    thumbnails,
    outputs,
  };
}
