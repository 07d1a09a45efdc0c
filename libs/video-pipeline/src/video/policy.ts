/** One standard rung of the ladder. */
export interface LadderStep {
  /** The short side of the frame: height for landscape, width for portrait. */
  height: number;
  /** Peak video bitrate, bits/s (the cap of capped CRF locally, MaxBitrate of QVBR in MediaConvert). */
  maxBitrate: number;
  /** AAC bitrate, bits/s, when the source has audio. */
  audioBitrate: number;
  /** MediaConvert QVBR quality level (1-10). */
  qvbrQuality: number;
}

export interface VideoPolicy {
  /** Standard rungs, tallest first. */
  ladder: readonly LadderStep[];
  /**
   * A source whose short side is at least this factor above its tallest fitting standard rung
   * also gets a rung at its own size (a 480-line source keeps 480 lines rather than dropping to 360).
   */
  nativeRungGap: number;
  /** HLS segment length; every segment starts on a keyframe (GOP = segmentSeconds × fps). */
  segmentSeconds: number;
  /** Higher source rates are halved or capped: 120 fps slow motion is not streamed at 120. */
  maxFrameRate: number;
  /** Used when the source does not say. */
  defaultFrameRate: number;
  /** Rates above this get `highFrameRateFactor` × the bitrate: twice the frames need more bits. */
  highFrameRateThreshold: number;
  highFrameRateFactor: number;
  /** The MP4 preview and the poster use the tallest rung whose short side is at most this. */
  previewMaxHeight: number;
  thumbnails: number;
  /** Thumbnails fit in a square of this size (small: they are for scrubbing). */
  thumbnailBox: number;
  /** libx264 quality inside each rung's cap (capped CRF behaves like QVBR). */
  crf: number;
  x264Preset: string;
  /** JPEG quality scale of ffmpeg's mjpeg encoder (2 best .. 31 worst). */
  posterQuality: number;
  thumbnailQuality: number;
}

/**
 * The ladder follows the AWS "Video on Demand on AWS" solution's QVBR presets for H.264 HLS
 * (`_Ott_Hls_Ts_Avc_Aac_16x9_*_qvbr`: 1080p 8.5 Mb/s, 720p 6.5/5.0/3.5, 540p 3.5, 360p 1.2/0.6,
 * 270p 0.4, QVBR level 7) and its MP4 presets (1080p 6 Mb/s, 720p 4.5 Mb/s), tuned down for
 * user uploads, mostly phone footage with little grain: 1080p at the MP4 preset's 6 Mb/s, 720p
 * between the HLS 3.5 and MP4 4.5, 540p and 360p between the solution's two 360p/540p points,
 * and 240p a little above its 270p at 0.4 Mb/s. Audio is AAC-LC 128/96/64 kb/s.
 */
export const defaultLadder: readonly LadderStep[] = Object.freeze([
  { height: 1080, maxBitrate: 6_000_000, audioBitrate: 128_000, qvbrQuality: 8 },
  { height: 720, maxBitrate: 4_000_000, audioBitrate: 128_000, qvbrQuality: 7 },
  { height: 540, maxBitrate: 2_500_000, audioBitrate: 96_000, qvbrQuality: 7 },
  { height: 360, maxBitrate: 1_100_000, audioBitrate: 96_000, qvbrQuality: 7 },
  { height: 240, maxBitrate: 500_000, audioBitrate: 64_000, qvbrQuality: 6 },
]);

export const defaultVideoPolicy: Readonly<VideoPolicy> = Object.freeze({
  ladder: defaultLadder,
  nativeRungGap: 1.25,
  segmentSeconds: 6,
  maxFrameRate: 60,
  defaultFrameRate: 30,
  highFrameRateThreshold: 31,
  highFrameRateFactor: 1.5,
  previewMaxHeight: 720,
  thumbnails: 5,
  thumbnailBox: 320,
  crf: 23,
  x264Preset: 'veryfast',
  posterQuality: 3,
  thumbnailQuality: 5,
});

/** `defaultVideoPolicy` with the given fields replaced. */
export function resolveVideoPolicy(overrides: Partial<VideoPolicy> = {}): VideoPolicy {
  return { ...defaultVideoPolicy, ...overrides };
}
