import { imageStatistics, judgePhotograph, PHOTOGRAPH_RULE, type ImageStatistics } from './image-stats.js';
import type { RgbPixels } from './decode.js';

type Rgb = readonly [number, number, number];

function picture(width: number, height: number, pixel: (x: number, y: number) => Rgb): RgbPixels {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  }
  return { data, width, height };
}

/** A seeded generator, so that the noise is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const grey = (v: number): Rgb => [v, v, v];
const next = random(7);

const GENERATED: Record<string, RgbPixels> = {
  'flat grey': picture(320, 240, () => grey(128)),
  'horizontal gradient': picture(320, 240, (x) => grey(Math.round((x / 319) * 255))),
  'radial gradient': picture(320, 320, (x, y) => grey(Math.round(255 - Math.hypot(x - 160, y - 160) * 0.7))),
  'colour bars': picture(320, 240, (x) => (
    [[191, 191, 191], [191, 191, 0], [0, 191, 191], [0, 191, 0], [191, 0, 191], [191, 0, 0], [0, 0, 191]] as const
  )[Math.floor((x * 7) / 320)] ?? grey(0)),
  checkerboard: picture(320, 240, (x, y) => ((x >> 5) + (y >> 5)) % 2 ? grey(240) : grey(15)),
  'fine checkerboard': picture(320, 240, (x, y) => ((x >> 2) + (y >> 2)) % 2 ? grey(230) : grey(40)),
  stripes: picture(320, 240, (_, y) => (Math.floor(y / 6) % 2 ? [200, 30, 30] : grey(250))),
  'sine grating': picture(320, 240, (x) => grey(Math.round(128 + 127 * Math.sin(x / 5)))),
  'colour noise': picture(320, 240, () => [next() * 255, next() * 255, next() * 255].map(Math.floor) as unknown as Rgb),
  'faint noise': picture(320, 240, () => grey(120 + Math.floor(next() * 12))),
  'circles on grey': picture(320, 240, (x, y) => (Math.hypot(x - 100, y - 120) < 50 ? [220, 40, 40] : Math.hypot(x - 230, y - 120) < 40 ? [40, 80, 220] : grey(128))),
  'tiny image': picture(16, 16, (x, y) => [x * 16, y * 16, 128]),
};

/** Measured on real photographs of the labelled set (rounded): none may be judged generated. */
const PHOTOGRAPHS: Record<string, ImageStatistics> = {
  'diner (small crop)': { width: 211, height: 158, flatShare: 0.275, textureShare: 0.415, edgeShare: 0.107, oneAxisShare: 0.088, neighbourCorrelation: 0.985 },
  'sheep (sepia, 1888)': { width: 640, height: 311, flatShare: 0.047, textureShare: 0.757, edgeShare: 0.039, oneAxisShare: 0.062, neighbourCorrelation: 0.938 },
  'cat (small)': { width: 163, height: 110, flatShare: 0.043, textureShare: 0.722, edgeShare: 0.114, oneAxisShare: 0.09, neighbourCorrelation: 0.848 },
  'flower on a plain ground': { width: 504, height: 640, flatShare: 0.684, textureShare: 0.204, edgeShare: 0.05, oneAxisShare: 0.096, neighbourCorrelation: 0.987 },
  'plain wall, out of focus': { width: 640, height: 640, flatShare: 0.928, textureShare: 0.003, edgeShare: 0, oneAxisShare: 0.348, neighbourCorrelation: 1 },
  'book held to a webcam, black surround': { width: 320, height: 240, flatShare: 0.871, textureShare: 0.074, edgeShare: 0.034, oneAxisShare: 0.107, neighbourCorrelation: 0.981 },
  'car park from a security camera': { width: 640, height: 524, flatShare: 0.127, textureShare: 0.49, edgeShare: 0.253, oneAxisShare: 0.068, neighbourCorrelation: 0.941 },
};

describe('imageStatistics', () => {
  it('sees a flat fill as flat, without texture or edges', () => {
    expect(imageStatistics(GENERATED['flat grey'] as RgbPixels)).toEqual({
      width: 320,
      height: 240,
      flatShare: 1,
      textureShare: 0,
      edgeShare: 0,
      oneAxisShare: 0,
      neighbourCorrelation: 1,
    });
  });

  it('sees the steps of stripes along one axis only', () => {
    const stats = imageStatistics(GENERATED.stripes as RgbPixels);
    expect(stats.oneAxisShare).toBe(1);
    expect(stats.edgeShare).toBeGreaterThan(0.1);
    expect(stats.textureShare).toBe(0);
  });

  it('finds no correlation between neighbours in noise', () => {
    const stats = imageStatistics(GENERATED['colour noise'] as RgbPixels);
    expect(Math.abs(stats.neighbourCorrelation)).toBeLessThan(0.1);
    expect(stats.edgeShare).toBeGreaterThan(0.5);
  });

  it('measures an image too small to have an interior without failing', () => {
    expect(imageStatistics({ data: new Uint8Array([255, 0, 0]), width: 1, height: 1 })).toMatchObject({ flatShare: 0, textureShare: 0, neighbourCorrelation: 1 });
  });

  it('refuses pixels of the wrong length', () => {
    expect(() => imageStatistics({ data: new Uint8Array(10), width: 2, height: 2 })).toThrow(TypeError);
    expect(() => imageStatistics({ data: new Uint8Array(0), width: 0, height: 0 })).toThrow(TypeError);
  });
});

describe('judgePhotograph', () => {
  it.each(Object.keys(GENERATED))('judges a generated %s not to be a photograph', (name) => {
    const verdict = judgePhotograph(imageStatistics(GENERATED[name] as RgbPixels));
    expect(verdict.photograph).toBe(false);
    expect(verdict).toHaveProperty('reason', expect.any(String));
  });

  it.each(Object.keys(PHOTOGRAPHS))('judges the measures of a real photograph (%s) to be a photograph', (name) => {
    expect(judgePhotograph(PHOTOGRAPHS[name] as ImageStatistics)).toEqual({ photograph: true });
  });

  it('says why: the reason names what was measured', () => {
    expect(judgePhotograph(imageStatistics(GENERATED['tiny image'] as RgbPixels))).toEqual({ photograph: false, reason: 'too small: 16 x 16 pixels' });
    expect(judgePhotograph(imageStatistics(GENERATED.stripes as RgbPixels))).toMatchObject({ reason: expect.stringMatching(/^stripes or bars/) });
    expect(judgePhotograph(imageStatistics(GENERATED['colour noise'] as RgbPixels))).toMatchObject({ reason: expect.stringMatching(/^noise/) });
  });

  it('follows the rule it is given', () => {
    const flat = imageStatistics(GENERATED['flat grey'] as RgbPixels);
    expect(judgePhotograph(flat, { ...PHOTOGRAPH_RULE, maxFlatShare: 1.01, minTextureWhenEdged: 0 }).photograph).toBe(true);
  });
});
