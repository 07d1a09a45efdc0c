// Generated images that are not photographs: colour bars, gradients, flat fills, checkerboards,
// test patterns, noise, stripes. A tagger should give none of them an object or scene label. The
// same images are made by libs/tagging/src/testing/synthetic.ts for jest (keep the two in step).
//
//   import { syntheticImages } from './labelled-set/synthetic.mjs';
//   for (const { id, bytes } of await syntheticImages(sharp)) ...
const W = 640;
const H = 480;

/** A small deterministic generator (mulberry32), so that every run sees the same noise. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(length, next) {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

function hsv(h, s, v) {
  const f = (n) => {
    const k = (n + h * 6) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

const mix = (a, b, t) => a.map((c, i) => Math.round(c + (b[i] - c) * t));

const BARS = [
  [191, 191, 191],
  [191, 191, 0],
  [0, 191, 191],
  [0, 191, 0],
  [191, 0, 191],
  [191, 0, 0],
  [0, 0, 191],
];

/** Each pattern: id, size, encoding and a colour for every pixel. */
const PATTERNS = [
  { id: 'colour-bars', pixel: (x, y) => (y < H * 0.75 ? BARS[Math.floor((x * BARS.length) / W)] : x < W / 3 ? [16, 16, 16] : [235, 235, 235]) },
  { id: 'gradient-horizontal', pixel: (x) => mix([220, 30, 30], [30, 30, 220], x / (W - 1)) },
  { id: 'gradient-vertical-grey', pixel: (_, y) => mix([0, 0, 0], [255, 255, 255], y / (H - 1)) },
  { id: 'gradient-diagonal', pixel: (x, y) => mix([250, 160, 40], [90, 30, 140], (x + y) / (W + H - 2)) },
  { id: 'gradient-radial', pixel: (x, y) => mix([255, 255, 240], [10, 20, 80], Math.min(1, Math.hypot(x - W / 2, y - H / 2) / Math.hypot(W / 2, H / 2))) },
  { id: 'flat-grey', pixel: () => [128, 128, 128] },
  { id: 'flat-white', format: 'png', pixel: () => [255, 255, 255] },
  { id: 'flat-black', pixel: () => [0, 0, 0] },
  { id: 'flat-orange', pixel: () => [240, 120, 20] },
  { id: 'checkerboard-large', pixel: (x, y) => ((Math.floor(x / 64) + Math.floor(y / 64)) % 2 ? [255, 255, 255] : [0, 0, 0]) },
  { id: 'checkerboard-fine', format: 'png', pixel: (x, y) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? [230, 230, 230] : [40, 40, 40]) },
  {
    id: 'test-card',
    pixel: (x, y) => {
      const r = Math.hypot(x - W / 2, y - H / 2);
      if (Math.abs(x - W / 2) < 2 || Math.abs(y - H / 2) < 2) return [255, 255, 255];
      if (r < 200 && Math.floor(r / 20) % 2 === 0) return [0, 0, 0];
      if (r < 200) return [255, 255, 255];
      const step = Math.floor((x / W) * 8) * 36;
      return [step, step, step];
    },
  },
  { id: 'zone-plate', pixel: (x, y) => new Array(3).fill(Math.round(127.5 + 127.5 * Math.cos(((x - W / 2) ** 2 + (y - H / 2) ** 2) / 300))) },
  { id: 'stripes-vertical', pixel: (x) => (Math.floor(x / 8) % 2 ? [255, 255, 255] : [200, 20, 20]) },
  { id: 'stripes-diagonal', pixel: (x, y) => (Math.floor((x + y) / 24) % 2 ? [250, 220, 0] : [20, 20, 20]) },
  { id: 'hue-sweep', pixel: (x, y) => hsv(x / W, 1, 1 - (y / H) * 0.8) },
  { id: 'grey-steps', pixel: (x) => new Array(3).fill(Math.round((Math.floor((x / W) * 11) * 255) / 10)) },
];

/** Raw RGB pixels of a pattern. */
function raw(pattern) {
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
 * The generated images, encoded (JPEG unless a pattern says PNG). `sharp` is the caller's, so
 * that this file has no dependency of its own.
 *
 * @returns {Promise<Array<{ id: string, bytes: Buffer }>>}
 */
export async function syntheticImages(sharp) {
  const encode = (image, format) => (format === 'png' ? image.png() : image.jpeg({ quality: 90 }));
  const patterns = await Promise.all(
    PATTERNS.map(async (pattern) => ({
      id: pattern.id,
      bytes: await encode(sharp(raw(pattern), { raw: { width: W, height: H, channels: 3 } }), pattern.format).toBuffer(),
    })),
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
