/** Full scale of signed 16-bit PCM: -32768 maps to exactly 1. */
const S16_FULL_SCALE = 32768;

/**
 * Turns a stream of s16le PCM (mono, or interleaved channels) into waveform peaks without holding
 * the decoded audio. A frame's peak is its loudest channel: a downmix to mono would lower a
 * stereo tone by 3 dB and cancel out-of-phase content, which is not what a listener hears.
 *
 * It keeps the loudest frame of each block of `blockSize` frames. When the blocks fill their
 * fixed capacity (`buckets * resolution`), neighbours are merged pairwise and `blockSize`
 * doubles, so memory stays bounded whatever the duration, and no duration has to be known up
 * front (a probe's estimate for a VBR MP3 without an index can be far off). Each bucket then
 * spans at least `resolution / 2` blocks, so where a bucket edge cuts a block is a small fraction
 * of a bucket.
 *
 * @example
 * const peaks = new PeakAccumulator(1000);
 * for await (const chunk of pcm) peaks.write(chunk);
 * peaks.peaks(); // 1000 values like 0.012, 0.5, ...
 */
export class PeakAccumulator {
  private readonly blocks: Float32Array;
  private count = 0;
  private blockSize = 1;
  private inBlock = 0;
  private current = 0;
  private frames = 0;
  /** Samples of the current frame seen so far (0..channels-1). */
  private channel = 0;
  private framePeak = 0;
  /** The first byte of a sample split across two chunks. */
  private carry: number | undefined;

  private readonly maxBlocks: number;

  constructor(
    readonly buckets = 1000,
    resolution = 16,
    readonly channels = 1,
  ) {
    if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`buckets must be a positive integer, got ${buckets}`);
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channels must be a positive integer, got ${channels}`);
    if (!Number.isInteger(resolution) || resolution < 2) throw new RangeError(`resolution must be an integer >= 2, got ${resolution}`);
    // Even, so that halving keeps whole pairs.
    this.maxBlocks = buckets * resolution + ((buckets * resolution) % 2);
    this.blocks = new Float32Array(this.maxBlocks);
  }

  /** Complete frames (one sample per channel) seen so far. */
  get frameCount(): number {
    return this.frames;
  }

  /** Adds little-endian signed 16-bit samples, channels interleaved; chunks may split a sample anywhere. */
  write(chunk: Uint8Array): void {
    let offset = 0;
    if (this.carry !== undefined && chunk.length > 0) {
      this.addSample(this.carry | ((chunk[0] ?? 0) << 8));
      this.carry = undefined;
      offset = 1;
    }
    const end = offset + ((chunk.length - offset) & ~1);
    for (let i = offset; i < end; i += 2) {
      this.addSample((chunk[i] ?? 0) | ((chunk[i + 1] ?? 0) << 8));
    }
    if (end < chunk.length) this.carry = chunk[end];
  }

  /** Adds samples already scaled to -1..1, channels interleaved (values beyond are clipped). */
  writeNormalised(samples: ArrayLike<number>): void {
    for (let i = 0; i < samples.length; i++) this.addMagnitude(Math.min(1, Math.abs(samples[i] ?? 0)));
  }

  /**
   * The loudest sample of each of `buckets` equal stretches, 0..1, rounded to 3 decimals.
   * Fewer frames than buckets give one peak per frame: nothing is invented.
   */
  peaks(): number[] {
    const blocks = this.finishedBlocks();
    const n = Math.min(this.buckets, blocks.length);
    const out = new Array<number>(n);
    for (let b = 0; b < n; b++) {
      const from = Math.floor((b * blocks.length) / n);
      const to = Math.floor(((b + 1) * blocks.length) / n);
      let max = 0;
      for (let i = from; i < to; i++) max = Math.max(max, blocks[i] ?? 0);
      out[b] = Math.round(max * 1000) / 1000;
    }
    return out;
  }

  private addSample(word: number): void {
    // Sign-extend the 16-bit word.
    const value = (word << 16) >> 16;
    this.addMagnitude(Math.abs(value) / S16_FULL_SCALE);
  }

  private addMagnitude(magnitude: number): void {
    if (magnitude > this.framePeak) this.framePeak = magnitude;
    if (++this.channel < this.channels) return;
    this.channel = 0;
    const peak = this.framePeak;
    this.framePeak = 0;
    this.frames++;
    if (peak > this.current) this.current = peak;
    if (++this.inBlock === this.blockSize) {
      if (this.count === this.maxBlocks) this.halve();
      this.blocks[this.count++] = this.current;
      this.inBlock = 0;
      this.current = 0;
    }
  }

  private halve(): void {
    for (let i = 0; i < this.count / 2; i++) {
      this.blocks[i] = Math.max(this.blocks[2 * i] ?? 0, this.blocks[2 * i + 1] ?? 0);
    }
    this.count /= 2;
    this.blockSize *= 2;
  }

  /** The complete blocks plus the partial one at the end, which still holds real frames. */
  private finishedBlocks(): Float32Array {
    const blocks = this.blocks.slice(0, this.count + (this.inBlock > 0 ? 1 : 0));
    if (this.inBlock > 0) blocks[this.count] = this.current;
    return blocks;
  }
}

/**
 * Peaks of samples already in memory, scaled to -1..1 (channels interleaved): the same reduction
 * as `PeakAccumulator`.
 *
 * @example
 * peaksOf([0, 0.5, -1, 0.25], 2); // [0.5, 1]
 * peaksOf([0, 0.5, -1, 0.25], 2, 2); // [0.5, 1]: one frame per bucket, its loudest channel
 */
export function peaksOf(samples: ArrayLike<number>, buckets: number, channels = 1): number[] {
  const accumulator = new PeakAccumulator(buckets, 16, channels);
  accumulator.writeNormalised(samples);
  return accumulator.peaks();
}
