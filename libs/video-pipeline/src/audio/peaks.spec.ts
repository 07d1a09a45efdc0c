import { PeakAccumulator, peaksOf } from './peaks.js';

/** Mono s16le bytes of the given integer samples. */
function s16le(samples: readonly number[]): Uint8Array {
  const bytes = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => bytes.writeInt16LE(s, i * 2));
  return bytes;
}

function square(length: number, period = 8): number[] {
  return Array.from({ length }, (_, i) => (Math.floor(i / (period / 2)) % 2 === 0 ? 32767 : -32768));
}

describe('PeakAccumulator', () => {
  it('gives zeros for silence', () => {
    const peaks = new PeakAccumulator(1000);
    peaks.write(new Uint8Array(80_000 * 2));
    expect(peaks.peaks()).toEqual(new Array(1000).fill(0));
  });

  it('gives ones for a full-scale square wave', () => {
    const peaks = new PeakAccumulator(1000);
    peaks.write(s16le(square(40_000)));
    expect(peaks.peaks()).toEqual(new Array(1000).fill(1));
  });

  it('treats -32768 as exactly full scale and rounds to 3 decimals', () => {
    const peaks = new PeakAccumulator(4);
    peaks.write(s16le([-32768, 16384, -8192, 1234]));
    expect(peaks.peaks()).toEqual([1, 0.5, 0.25, 0.038]);
  });

  it('makes exactly the asked number of buckets when there are enough samples', () => {
    for (const length of [1000, 1001, 1999, 12_345, 1_000_003]) {
      const peaks = new PeakAccumulator(1000, 2);
      peaks.write(new Uint8Array(length * 2));
      expect({ length, buckets: peaks.peaks().length }).toEqual({ length, buckets: 1000 });
    }
  });

  it('gives one peak per sample when there are fewer samples than buckets', () => {
    const peaks = new PeakAccumulator(1000);
    peaks.write(s16le([0, 32767, -16384]));
    expect(peaks.peaks()).toEqual([0, 1, 0.5]);
    expect(new PeakAccumulator(1000).peaks()).toEqual([]);
  });

  it('reads samples split across chunks at any byte', () => {
    const samples = Array.from({ length: 5001 }, (_, i) => Math.round(Math.sin(i / 7) * 30_000 * (i / 5001)));
    const bytes = s16le(samples);
    const whole = new PeakAccumulator(100, 3);
    whole.write(bytes);
    const split = new PeakAccumulator(100, 3);
    for (let i = 0; i < bytes.length; i += 333) split.write(bytes.subarray(i, i + 333));
    expect(split.frameCount).toBe(5001);
    expect(split.peaks()).toEqual(whole.peaks());
  });

  it('keeps memory bounded and still places a click in the right bucket of a long stream', () => {
    const peaks = new PeakAccumulator(10, 4);
    const second = new Uint8Array(8000 * 2);
    const click = s16le([32767]);
    // One loud sample at 75% of 100 "seconds" of silence.
    for (let s = 0; s < 100; s++) {
      if (s === 75) {
        peaks.write(second.subarray(0, 2000));
        peaks.write(click);
        peaks.write(second.subarray(0, second.length - 2002));
      } else {
        peaks.write(second);
      }
    }
    const out = peaks.peaks();
    expect(out).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('takes the loudest channel of interleaved stereo, so out-of-phase channels do not cancel', () => {
    const peaks = new PeakAccumulator(2, 16, 2);
    peaks.write(s16le([16384, -16384, 0, 0, 0, -32768, 0, 0]));
    expect(peaks.frameCount).toBe(4);
    expect(peaks.peaks()).toEqual([0.5, 1]);
    expect(peaksOf([0, 0.5, -1, 0.25], 2, 2)).toEqual([0.5, 1]);
  });

  it('takes the loudest sample of each bucket, not an average', () => {
    expect(peaksOf([0, 0, 0, -0.9, 0, 0, 0.2, 0], 2)).toEqual([0.9, 0.2]);
  });

  it('clips normalised samples beyond full scale', () => {
    expect(peaksOf([3, -2], 2)).toEqual([1, 1]);
  });

  it('refuses bad arguments', () => {
    expect(() => new PeakAccumulator(0)).toThrow(RangeError);
    expect(() => new PeakAccumulator(10, 1)).toThrow(RangeError);
    expect(() => new PeakAccumulator(10, 16, 0)).toThrow(RangeError);
  });
});
