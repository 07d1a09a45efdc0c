import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { createInflate, inflateRawSync } from 'node:zlib';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { resolveBinaries } from '@mediaflow/video-pipeline';
import { findPngChunk, mp4Boxes, zipClaimedBytes } from './bytes.js';
import { XSS_MARKER } from './cases.js';
import { buildCorpus, corpusCases } from './corpus.js';
import { exiftoolRead } from './tools.js';
import type { CorpusEntry } from './types.js';

// The corpus is only worth something if its files are what the table says: these tests read each
// file back with the real tools (sharp, ffprobe, ExifTool, zlib) and with the formats' own layouts.

jest.setTimeout(120_000);

const CANARY_URL = 'http://127.0.0.1:4321/';
/** A small image limit, so that the oversized image stays a few MiB. */
const MAX_IMAGE_BYTES = 4 * 1024 * 1024;

let dir: string;
let entries: CorpusEntry[];
let canaryFile: string;
/** One ExifTool process writes the corpus's metadata and reads it back. */
const exiftool = new ExifTool();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mf-corpus-'));
  canaryFile = join(dir, 'outside', 'secret.txt');
  entries = await buildCorpus(join(dir, 'corpus'), { canaryUrl: CANARY_URL, canaryFile, tripwireFile: join(dir, 'outside', 'tripwire'), exiftool, maxImageBytes: MAX_IMAGE_BYTES });
});

afterAll(async () => {
  await exiftool.end();
  await rm(dir, { recursive: true, force: true });
});

function entry(name: string): CorpusEntry {
  const found = entries.find((e) => e.name === name);
  if (!found) throw new Error(`no case ${name}`);
  return found;
}

const bytesOf = (name: string): Promise<Buffer> => readFile(entry(name).file);

async function probe(file: string): Promise<{ format?: { duration?: string }; streams?: { codec_type: string; disposition?: Record<string, number> }[] }> {
  const { stdout } = await promisify(execFile)(resolveBinaries().ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  return JSON.parse(stdout);
}

async function probeError(file: string): Promise<string> {
  try {
    await promisify(execFile)(resolveBinaries().ffprobe, ['-v', 'error', '-show_format', file]);
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
  throw new Error(`ffprobe read ${file}`);
}

/** Width and height as each format's header states them, read without a decoder. */
function claimedSize(bytes: Buffer, format: 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff'): [number, number] {
  switch (format) {
    case 'png':
      return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    case 'gif':
      return [bytes.readUInt16LE(6), bytes.readUInt16LE(8)];
    case 'webp':
      return [bytes.readUIntLE(24, 3) + 1, bytes.readUIntLE(27, 3) + 1];
    case 'tiff': {
      const ifd = bytes.readUInt32LE(4);
      const value = (tag: number): number => {
        for (let e = 0; e < bytes.readUInt16LE(ifd); e++) if (bytes.readUInt16LE(ifd + 2 + e * 12) === tag) return bytes.readUInt32LE(ifd + 2 + e * 12 + 8);
        throw new Error(`no tag ${tag}`);
      };
      return [value(256), value(257)];
    }
    case 'jpeg': {
      const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
      return [bytes.readUInt16BE(sof + 7), bytes.readUInt16BE(sof + 5)];
    }
  }
}

describe('buildCorpus', () => {
  it('makes one file per case, in table order, under safe names, and leaves nothing else', async () => {
    expect(entries.map((e) => e.name)).toEqual(corpusCases().map((c) => c.name));
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    for (const e of entries) {
      expect(basename(e.file)).toMatch(/^\d{2}-[a-z0-9-]+\.[a-z0-9]+$/);
      expect((await stat(e.file)).size).toBe(e.bytes);
    }
    expect(entries.filter((e) => e.bytes === 0).map((e) => e.name)).toEqual(['malformed/empty']);
    expect((await readdir(join(dir, 'corpus'))).sort()).toEqual(entries.map((e) => basename(e.file)).sort());
    // Every kind the product sorts uploads into is covered, and every outcome.
    expect(new Set(entries.map((e) => e.expect.kind).filter(Boolean))).toEqual(new Set(['image', 'video', 'audio', 'document', 'other']));
    expect(new Set(entries.map((e) => e.expect.outcome))).toEqual(new Set(['ready', 'failed', 'rejected']));
  });

  it('gives every valid photo its own bytes, so that none is dropped as a duplicate', async () => {
    const images = entries.filter((e) => e.expect.outcome === 'ready' && e.expect.kind === 'image');
    const contents = await Promise.all(images.map((e) => readFile(e.file, 'base64')));
    expect(new Set(contents).size).toBe(images.length);
  });

  it('makes valid images that sharp decodes at 64x48 in the format they are', async () => {
    const formats: Record<string, string> = { 'valid/jpeg': 'jpeg', 'valid/png-alpha': 'png', 'valid/webp': 'webp', 'valid/gif-animated': 'gif', 'valid/tiff': 'tiff', 'valid/avif': 'heif' };
    for (const [name, format] of Object.entries(formats)) {
      const { info } = await sharp(await bytesOf(name), { animated: true }).raw().toBuffer({ resolveWithObject: true });
      const meta = await sharp(await bytesOf(name)).metadata();
      expect({ name, format: meta.format, width: info.width, height: meta.pageHeight ?? meta.height }).toEqual({ name, format, width: 64, height: 48 });
    }
    expect((await sharp(await bytesOf('valid/gif-animated')).metadata()).pages).toBe(3);
    expect((await sharp(await bytesOf('valid/png-alpha')).metadata()).hasAlpha).toBe(true);
  });

  it('makes clips and tones that ffprobe reads as one second of what they claim', async () => {
    const expected: Record<string, string[]> = {
      'valid/mp4': ['video', 'audio'],
      'valid/webm': ['video', 'audio'],
      'valid/mp3': ['audio'],
      'valid/wav': ['audio'],
      'valid/flac': ['audio'],
      'valid/ogg-opus': ['audio'],
    };
    for (const [name, streams] of Object.entries(expected)) {
      const probed = await probe(entry(name).file);
      expect({ name, streams: probed.streams?.map((s) => s.codec_type) }).toEqual({ name, streams });
      expect(Number(probed.format?.duration)).toBeGreaterThan(0.9);
      expect(Number(probed.format?.duration)).toBeLessThan(1.2);
    }
    // A camera's layout: the samples first, the index after them.
    const boxes = mp4Boxes(await bytesOf('valid/mp4')).map((b) => b.type);
    expect(boxes.indexOf('mdat')).toBeLessThan(boxes.indexOf('moov'));
  });

  it('writes the hostile metadata the cases claim: a location, XMP and <script> in each carrier', async () => {
    for (const name of ['metadata/jpeg-gps-xmp-script', 'metadata/png-exif-xmp-text', 'metadata/webp-exif-xmp']) {
      const tags = await exiftoolRead(exiftool, entry(name).file);
      expect({ name, lat: tags['GPS:GPSLatitude'], lon: tags['GPS:GPSLongitude'], xmp: tags['XMP-dc:Description'] }).toEqual({
        name,
        lat: 48.8584,
        lon: 2.2945,
        xmp: `<script>alert("${XSS_MARKER}")</script>`,
      });
    }
    expect((await bytesOf('metadata/jpeg-gps-xmp-script')).includes(`\xff\xfe`, 0, 'latin1')).toBe(true);
    expect(findPngChunk(await bytesOf('metadata/png-exif-xmp-text'), 'eXIf')).toBeGreaterThan(0);

    const video = await bytesOf('metadata/mp4-location-script');
    expect(mp4Boxes(video).map((b) => b.type)).toContain('moov');
    expect([video.includes('loci'), video.includes(XSS_MARKER)]).toEqual([true, true]);
    const videoTags = await exiftoolRead(exiftool, entry('metadata/mp4-location-script').file);
    expect(Object.keys(videoTags).some((k) => /GPS|Location/i.test(k))).toBe(true);

    const song = await probe(entry('metadata/mp3-id3-script-cover-gps').file);
    expect(song.streams?.some((s) => s.codec_type === 'video' && s.disposition?.['attached_pic'] === 1)).toBe(true);
    expect((await bytesOf('metadata/mp3-id3-script-cover-gps')).includes(XSS_MARKER)).toBe(true);
    // The cover, taken out as it is stored, still carries its location.
    const cover = join(dir, 'cover.jpg');
    await promisify(execFile)(resolveBinaries().ffmpeg, ['-v', 'error', '-y', '-i', entry('metadata/mp3-id3-script-cover-gps').file, '-map', '0:v', '-c', 'copy', '-f', 'image2', cover]);
    expect((await exiftoolRead(exiftool, cover))['GPS:GPSLatitude']).toBe(48.8584);
  });

  it('makes malformed media that the real decoders refuse or misread', async () => {
    for (const name of ['malformed/jpeg-truncated-header', 'malformed/jpeg-truncated-scan', 'malformed/png-bad-header-crc', 'malformed/png-bad-data-crc']) {
      await expect(sharp(await bytesOf(name), { failOn: 'error' }).raw().toBuffer()).rejects.toThrow();
    }
    expect(await probeError(entry('malformed/mp4-missing-index').file)).toMatch(/moov atom not found/);
    expect(Number((await probe(entry('malformed/mp4-absurd-duration').file)).format?.duration)).toBeGreaterThan(90 * 3600);
    expect(Number((await probe(entry('malformed/wav-absurd-duration').file)).format?.duration)).toBeGreaterThan(10 * 3600);
  });

  it('makes bombs whose headers claim far more pixels than their bytes hold', async () => {
    const claims: [string, 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff', number, number][] = [
      ['bomb/png-100000x100000', 'png', 100_000, 100_000],
      ['bomb/png-deflate', 'png', 30_000, 30_000],
      ['bomb/jpeg-65000x65000', 'jpeg', 65_000, 65_000],
      ['bomb/gif-65535x65535', 'gif', 65_535, 65_535],
      ['bomb/webp-16384x16384', 'webp', 16_384, 16_384],
      ['bomb/tiff-100000x100000', 'tiff', 100_000, 100_000],
    ];
    for (const [name, format, width, height] of claims) {
      expect({ name, size: claimedSize(await bytesOf(name), format) }).toEqual({ name, size: [width, height] });
      expect(entry(name).bytes).toBeLessThan(200 * 1024);
    }
    // 600 frame descriptors of 1000x1000 each.
    const frames = await bytesOf('bomb/gif-frames');
    expect(claimedSize(frames, 'gif')).toEqual([1000, 1000]);
    let descriptors = 0;
    for (let at = frames.indexOf(Buffer.from([0x00, 0x2c])); at >= 0; at = frames.indexOf(Buffer.from([0x00, 0x2c]), at + 1)) descriptors++;
    expect(descriptors).toBe(600);
  });

  it('makes an oversized image: a real JPEG at the start, 3 MiB past the image limit in all', async () => {
    const padded = await bytesOf('bomb/jpeg-over-size-limit');
    expect(padded.length).toBe(MAX_IMAGE_BYTES + 3 * 1024 * 1024);
    expect([...padded.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(await sharp(padded).metadata()).toEqual(expect.objectContaining({ format: 'jpeg', width: 64, height: 48 }));
  });

  it('makes a PHP web shell, alone and behind a GIF signature', async () => {
    const shell = '<?php system($_GET["c"]); ?>\n';
    expect(await readFile(entry('disguised/php-shell').file, 'latin1')).toBe(shell);
    expect(await readFile(entry('disguised/php-shell-gif-header').file, 'latin1')).toBe(`GIF89a${shell}`);
    expect([entry('disguised/php-shell').uploadName, entry('disguised/php-shell-gif-header').uploadName]).toEqual(['shell.php.jpg', 'shell.php.gif']);
  });

  it('makes a deflate bomb whose complete image data really inflates to every row', async () => {
    const png = await bytesOf('bomb/png-deflate');
    const idat = findPngChunk(png, 'IDAT');
    const length = png.readUInt32BE(idat);
    let inflated = 0;
    const source = createReadStream(entry('bomb/png-deflate').file, { start: idat + 8, end: idat + 8 + length - 1 });
    for await (const chunk of source.pipe(createInflate())) inflated += (chunk as Buffer).length;
    // 30000 rows of a filter byte and 3750 bytes of 1-bit pixels.
    expect(inflated).toBe(30_000 * 3751);
    expect(png.length * 1000).toBeLessThan(inflated * 1.1);
  });

  it('points every playlist, entity, script and payload at the canary, and at no other host', async () => {
    const textual = entries.filter((e) => e.group === 'disguised' && !['disguised/elf-as-jpeg', 'disguised/pe-as-png', 'disguised/html-bom-padded', 'disguised/sdp', 'disguised/xml-billion-laughs', 'disguised/gif-html-polyglot', 'disguised/php-shell', 'disguised/php-shell-gif-header'].includes(e.name));
    for (const e of textual) {
      const content = await readFile(e.file, 'latin1');
      expect({ name: e.name, aims: content.includes(CANARY_URL) || content.includes(canaryFile) || content.includes(join(dir, 'outside', 'tripwire')) }).toEqual({ name: e.name, aims: true });
      const urls = content.match(/\bhttps?:\/\/[^\s"')]+/g) ?? [];
      expect(urls.filter((u) => !u.startsWith(CANARY_URL) && !u.startsWith('http://www.w3.org/'))).toEqual([]);
    }
    expect(await readFile(entry('disguised/hls-local-files').file, 'utf8')).toContain('file:///etc/passwd');
  });

  it('makes archives whose entries claim far more than they weigh, one with an entry that climbs out', async () => {
    const nested = await bytesOf('opaque/zip-nested-bomb');
    const inner = nested.subarray(30 + 'layer-1.zip'.length, 30 + 'layer-1.zip'.length + nested.readUInt32LE(18));
    expect(zipClaimedBytes(inner)).toBe(32 * 1024 * 1024);
    expect(zipClaimedBytes(nested)).toBe(8 * inner.length);
    // The inner entry is real deflate data of zeros, not a header that lies.
    const innerData = inner.subarray(30 + 'zeros.bin'.length, 30 + 'zeros.bin'.length + inner.readUInt32LE(18));
    expect(inflateRawSync(innerData).length).toBe(32 * 1024 * 1024);
    expect((await bytesOf('opaque/zip-slip')).includes('../../corpus-zip-slip.sh')).toBe(true);
    expect((await bytesOf('opaque/pdf-javascript')).toString('latin1')).toMatch(/\/S \/JavaScript/);
    expect((await bytesOf('opaque/pdf')).toString('latin1')).toMatch(/^%PDF-1\.4\n[\s\S]*startxref\n\d+\n%%EOF\n$/);
  });
});
