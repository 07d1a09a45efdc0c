import { thumbHashToAverageRGBA } from 'thumbhash';
import { dominantColor, placeholderOf, thumbhashOf } from './placeholder.js';

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return data;
}

describe('dominantColor', () => {
  it('returns the colour of a solid image', () => {
    expect(dominantColor(image(4, 4, () => [18, 52, 86, 255]), 4, 4)).toBe('#123456');
  });

  it('prefers the most common colour over the average', () => {
    // Three quarters grey, one quarter red: the average would be a muddy brown.
    const pixels = image(4, 4, (x, y) => (x < 2 && y < 2 ? [255, 0, 0, 255] : [128, 128, 128, 255]));
    expect(dominantColor(pixels, 4, 4)).toBe('#808080');
  });

  it('ignores transparent pixels and falls back to white when nothing is opaque', () => {
    const half = image(4, 1, (x) => (x < 3 ? [0, 0, 0, 0] : [0, 0, 255, 255]));
    expect(dominantColor(half, 4, 1)).toBe('#0000ff');
    expect(dominantColor(image(2, 2, () => [9, 9, 9, 0]), 2, 2)).toBe('#ffffff');
  });
});

describe('thumbhashOf', () => {
  it('encodes a base64 ThumbHash whose average colour is the image colour', () => {
    const hash = thumbhashOf(image(32, 24, () => [200, 40, 40, 255]), 32, 24);
    expect(hash).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(hash.length).toBeLessThanOrEqual(64);
    const average = thumbHashToAverageRGBA(Buffer.from(hash, 'base64'));
    expect(average.r * 255).toBeCloseTo(200, -1);
    expect(average.g * 255).toBeCloseTo(40, -1);
  });

  it('refuses images larger than 100x100', () => {
    expect(() => thumbhashOf(new Uint8Array(101 * 4), 101, 1)).toThrow(RangeError);
  });
});

describe('placeholderOf', () => {
  it('gives both parts', () => {
    const placeholder = placeholderOf(image(8, 8, () => [0, 128, 0, 255]), 8, 8);
    expect(placeholder.dominantColor).toBe('#008000');
    expect(placeholder.thumbhash).toEqual(expect.any(String));
  });
});
