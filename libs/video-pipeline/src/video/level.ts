/**
 * H.264 levels (ITU-T H.264 Table A-1): the largest frame (macroblocks), macroblock rate and
 * Main-profile bitrate (kb/s) each level allows.
 */
const LEVELS: readonly { level: string; idc: number; maxFs: number; maxMbps: number; maxKbps: number }[] = [
  { level: '3.0', idc: 30, maxFs: 1620, maxMbps: 40_500, maxKbps: 10_000 },
  { level: '3.1', idc: 31, maxFs: 3600, maxMbps: 108_000, maxKbps: 14_000 },
  { level: '3.2', idc: 32, maxFs: 5120, maxMbps: 216_000, maxKbps: 20_000 },
  { level: '4.0', idc: 40, maxFs: 8192, maxMbps: 245_760, maxKbps: 20_000 },
  { level: '4.1', idc: 41, maxFs: 8192, maxMbps: 245_760, maxKbps: 50_000 },
  { level: '4.2', idc: 42, maxFs: 8704, maxMbps: 522_240, maxKbps: 50_000 },
  { level: '5.0', idc: 50, maxFs: 22_080, maxMbps: 589_824, maxKbps: 135_000 },
  { level: '5.1', idc: 51, maxFs: 36_864, maxMbps: 983_040, maxKbps: 240_000 },
  { level: '5.2', idc: 52, maxFs: 36_864, maxMbps: 2_073_600, maxKbps: 240_000 },
];

export interface H264Level {
  /** As libx264 takes it: `3.1`. */
  level: string;
  /** As `level_idc` in an RFC 6381 codec string: 31. */
  idc: number;
}

/**
 * The lowest level that fits a stream. The encoder is told this level, so the `CODECS` attribute
 * written into the master playlist is exact rather than a guess.
 */
export function h264Level(width: number, height: number, fps: number, maxBitrate: number): H264Level {
  const frameMbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  const found = LEVELS.find((l) => frameMbs <= l.maxFs && frameMbs * fps <= l.maxMbps && maxBitrate / 1000 <= l.maxKbps);
  const pick = found ?? LEVELS[LEVELS.length - 1];
  // LEVELS is a non-empty constant; the fallback keeps the type exact under noUncheckedIndexedAccess.
  return pick ? { level: pick.level, idc: pick.idc } : { level: '5.2', idc: 52 };
}

/** RFC 6381 codec string of H.264 Main profile at `level` (`avc1.4d401f` for 3.1). */
export function avcMainCodec(level: H264Level): string {
  return `avc1.4d40${level.idc.toString(16).padStart(2, '0')}`;
}

/** AAC-LC. */
export const AAC_LC_CODEC = 'mp4a.40.2';
