import type { RenditionFormat } from '@mediaflow/domain';
import type { H264Level } from './level.js';

/** One rendition of the HLS ladder. */
export interface Rung {
  /** `720p`: the short side and a `p`; also the middle of its rendition names. */
  name: string;
  width: number;
  height: number;
  /** Peak video bitrate, bits/s. */
  maxBitrate: number;
  /** AAC bitrate, bits/s; 0 when the source has no audio. */
  audioBitrate: number;
  qvbrQuality: number;
  level: H264Level;
}

/** A still frame to grab: the poster or a scrubbing thumbnail. */
export interface FrameGrab {
  name: string;
  /** Where in the clip, in seconds. */
  atSeconds: number;
  /** The frame number at the plan's output frame rate. */
  frame: number;
  width: number;
  height: number;
}

export type PlannedOutputKind = 'master' | 'playlist' | 'segment' | 'preview' | 'poster' | 'thumbnail';

/** A file the plan will produce, named as the rendition it becomes. */
export interface PlannedOutput {
  name: string;
  format: RenditionFormat;
  contentType: string;
  kind: PlannedOutputKind;
  /** `false` for segments: stored beside their playlist, not listed as renditions. */
  listed: boolean;
  rung?: string;
  width?: number;
  height?: number;
  bitrate?: number;
}

/** Everything decided about a video's renditions, before any encoding. */
export interface VideoPlan {
  /** Tallest first. */
  rungs: Rung[];
  /** The constant output frame rate (variable-rate sources are made constant). */
  frameRate: number;
  /** Keyframe interval in frames: one GOP per segment, so every segment starts on a keyframe. */
  gopFrames: number;
  segmentSeconds: number;
  hasAudio: boolean;
  durationSeconds: number;
  /** The MP4 preview: the same picture as `rung`. */
  preview: { name: string; rung: string; width: number; height: number; maxBitrate: number; audioBitrate: number };
  poster: FrameGrab;
  thumbnails: FrameGrab[];
  /**
   * Every file, segments included. Segment counts are the expected ones (duration / segment
   * length); the runner reports the segments that were actually written.
   */
  outputs: PlannedOutput[];
}
