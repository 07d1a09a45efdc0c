import sharp from 'sharp';

/**
 * Generated images that are not photographs: colour bars, gradients, flat fills, checkerboards,
 * test patterns, noise, stripes. A tagger should give none of them an object or scene label. The
 * bench makes the same images (tools/bench/tagging/labelled-set/synthetic.mjs; keep the two in
 * step). Test-only: not exported from the package index.
 */
export const SYNTHETIC_WIDTH = 640;
export const SYNTHETIC_HEIGHT = 480;

const W = SYNTHETIC_WIDTH;
const H = SYNTHETIC_HEIGHT;

type Rgb = readonly [number, number, number];

interface Pattern {
  id: string;
  format?: 'png';
  pixel: (x: number, y: number) => Rgb;
}

/** One generated image. */
export interface SyntheticImage {
  id: string;
  bytes: Buffer;
}

/** A small deterministic generator (mulberry32), so that every run sees the same noise. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(length: number, next: () => number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  Math.round(a[0] + (b[0] - a[0]) * t),
  Math.round(a[1] + (b[1] - a[1]) * t),
  Math.round(a[2] + (b[2] - a[2]) * t),
];
const grey = (v: number): Rgb => [v, v, v];

const BARS: readonly Rgb[] = [
  [191, 191, 191],
  [191, 191, 0],
  [0, 191, 191],
  [0, 191, 0],
  [191, 0, 191],
  [191, 0, 0],
  [0, 0, 191],
];

const PATTERNS: readonly Pattern[] = [
  { id: 'colour-bars', pixel: (x, y) => (y < H * 0.75 ? BARS[Math.floor((x * BARS.length) / W)] ?? grey(0) : x < W / 3 ? grey(16) : grey(235)) },
  { id: 'gradient-horizontal', pixel: (x) => mix([220, 30, 30], [30, 30, 220], x / (W - 1)) },
  { id: 'gradient-vertical-grey', pixel: (_, y) => mix(grey(0), grey(255), y / (H - 1)) },
  { id: 'gradient-diagonal', pixel: (x, y) => mix([250, 160, 40], [90, 30, 140], (x + y) / (W + H - 2)) },
  { id: 'gradient-radial', pixel: (x, y) => mix([255, 255, 240], [10, 20, 80], Math.min(1, Math.hypot(x - W / 2, y - H / 2) / Math.hypot(W / 2, H / 2))) },
  { id: 'flat-grey', pixel: () => grey(128) },
  { id: 'flat-white', format: 'png', pixel: () => grey(255) },
  { id: 'flat-black', pixel: () => grey(0) },
  { id: 'flat-orange', pixel: () => [240, 120, 20] },
  { id: 'checkerboard-large', pixel: (x, y) => ((Math.floor(x / 64) + Math.floor(y / 64)) % 2 ? grey(255) : grey(0)) },
  { id: 'checkerboard-fine', format: 'png', pixel: (x, y) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? grey(230) : grey(40)) },
  {
    id: 'test-card',
    pixel: (x, y) => {
      const r = Math.hypot(x - W / 2, y - H / 2);
      if (Math.abs(x - W / 2) < 2 || Math.abs(y - H / 2) < 2) return grey(255);
      if (r < 200 && Math.floor(r / 20) % 2 === 0) return grey(0);
      if (r < 200) return grey(255);
      return grey(Math.floor((x / W) * 8) * 36);
    },
  },
  { id: 'zone-plate', pixel: (x, y) => grey(Math.round(127.5 + 127.5 * Math.cos(((x - W / 2) ** 2 + (y - H / 2) ** 2) / 300))) },
  { id: 'stripes-vertical', pixel: (x) => (Math.floor(x / 8) % 2 ? grey(255) : [200, 20, 20]) },
  { id: 'stripes-diagonal', pixel: (x, y) => (Math.floor((x + y) / 24) % 2 ? [250, 220, 0] : grey(20)) },
  { id: 'hue-sweep', pixel: (x, y) => hsv(x / W, 1, 1 - (y / H) * 0.8) },
  { id: 'grey-steps', pixel: (x) => grey(Math.round((Math.floor((x / W) * 11) * 255) / 10)) },
];

function raw(pattern: Pattern): Buffer {
  const data = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [r, g, b] = pattern.pixel(x, y);
      const i = (y * W + x) * 3;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  }
  return data;
}

/**
 * The generated images, encoded (JPEG unless a pattern says PNG), 640 x 480.
 *
 * @example
 * for (const { id, bytes } of await syntheticImages()) expect((await tagger.detect({ kind: 'image', bytes })).labels).toEqual([]);
 */
export async function syntheticImages(): Promise<SyntheticImage[]> {
  const patterns = await Promise.all(
    PATTERNS.map(async (pattern) => {
      const image = sharp(raw(pattern), { raw: { width: W, height: H, channels: 3 } });
      return { id: pattern.id, bytes: await (pattern.format === 'png' ? image.png() : image.jpeg({ quality: 90 })).toBuffer() };
    }),
  );
  const next = random(25);
  const noise = randomBytes(W * H * 3, next);
  const blobs = randomBytes(16 * 12 * 3, next);
  return [
    ...patterns,
    { id: 'noise-colour', bytes: await sharp(noise, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toBuffer() },
    {
      id: 'noise-soft',
      bytes: await sharp(blobs, { raw: { width: 16, height: 12, channels: 3 } }).resize(W, H, { kernel: 'cubic' }).jpeg({ quality: 90 }).toBuffer(),
    },
  ];
}
