import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { resolveBinaries } from '@mediaflow/video-pipeline';
import { caseDefinitions, type CaseDefinition, type MakeContext } from './cases.js';
import { exiftoolWrite, ffmpeg } from './tools.js';
import type { CorpusCase, CorpusEntry, CorpusOptions, ResolvedOptions } from './types.js';

/** Port 9 is "discard": nothing listens there, so a stray fetch fails instead of reaching anyone. */
const DEFAULT_CANARY_URL = 'http://127.0.0.1:9/';

/** The product's image size limit (`maxBytesByKind.image` of the media service) unless told otherwise. */
const DEFAULT_MAX_IMAGE_BYTES = 200 * 1024 * 1024;

function resolveOptions(options: CorpusOptions): ResolvedOptions {
  return {
    canaryUrl: options.canaryUrl ?? DEFAULT_CANARY_URL,
    canaryFile: options.canaryFile ?? '/etc/passwd',
    tripwireFile: options.tripwireFile ?? join(tmpdir(), 'mediaflow-corpus-tripwire'),
    // Resolved only when a clip is made: listing the cases needs no ffmpeg.
    ffmpeg: options.ffmpeg ?? '',
    maxImageBytes: options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES,
  };
}

const caseOf = ({ make: _make, ext: _ext, ...rest }: CaseDefinition): CorpusCase => rest;

/**
 * The corpus's cases (names, groups, upload names, expectations) without making any file, so a
 * test can declare one test per case before the files exist.
 */
export function corpusCases(options: CorpusOptions = {}): CorpusCase[] {
  return caseDefinitions(resolveOptions(options)).map(caseOf);
}

/** Pixels that depend on `seed`, so that no two cases share a picture (or a SHA-256). */
function photoPixels(seed: number, channels: 3 | 4): Buffer {
  const width = 64;
  const height = 48;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * channels;
      pixels[at] = (x * 4 + seed * 37) & 0xff;
      pixels[at + 1] = (y * 5 + seed * 11) & 0xff;
      pixels[at + 2] = (x * y + seed * 53) & 0xff;
      if (channels === 4) pixels[at + 3] = 128 + x * 2;
    }
  }
  return pixels;
}

function context(options: ResolvedOptions, exiftool: ExifTool, work: string): MakeContext {
  const shared = new Map<string, Promise<unknown>>();
  let ffmpegPath = options.ffmpeg;
  return {
    options,
    work,
    async ffmpeg(args) {
      // The bundled build the product itself falls back to (made executable if npm skipped that).
      ffmpegPath ||= resolveBinaries().ffmpeg;
      await ffmpeg(ffmpegPath, work, args);
    },
    async exif(file, tags) {
      await exiftoolWrite(exiftool, join(work, file), tags);
      return readFile(join(work, file));
    },
    photo(seed, format, alpha = false) {
      const channels = alpha ? 4 : 3;
      const image = sharp(photoPixels(seed, channels), { raw: { width: 64, height: 48, channels } });
      switch (format) {
        case 'jpeg':
          return image.jpeg({ quality: 85 }).toBuffer();
        case 'png':
          return image.png().toBuffer();
        case 'webp':
          return image.webp({ quality: 80 }).toBuffer();
        case 'tiff':
          return image.tiff().toBuffer();
        case 'avif':
          return image.avif({ effort: 2 }).toBuffer();
      }
    },
    once<T>(key: string, make: () => Promise<T>): Promise<T> {
      let made = shared.get(key) as Promise<T> | undefined;
      if (!made) {
        made = make();
        shared.set(key, made);
      }
      return made;
    },
  };
}

/** A file name that is safe everywhere, from the case name (`bomb/png-deflate` -> `31-bomb-png-deflate.png`). */
function fileName(index: number, definition: CaseDefinition): string {
  return `${String(index + 1).padStart(2, '0')}-${definition.name.replace(/[^a-z0-9]+/gi, '-')}.${definition.ext}`;
}

/**
 * Generates every file of the corpus into `dir` (created if missing) and returns the entries, in
 * table order. Nothing is downloaded and none of these files is kept in the repository: images come
 * from sharp, clips from ffmpeg, metadata from ExifTool, and the hostile files are built byte by
 * byte. Takes a few seconds; intermediate files live in a scratch folder that is removed.
 *
 * @example
 * const entries = await buildCorpus('/tmp/corpus', { canaryUrl: 'http://127.0.0.1:4000/' });
 * for (const e of entries) console.log(e.name, e.file, e.expect.outcome);
 */
export async function buildCorpus(dir: string, options: CorpusOptions = {}): Promise<CorpusEntry[]> {
  const resolved = resolveOptions(options);
  const root = resolve(dir);
  const work = join(root, '.scratch');
  await mkdir(work, { recursive: true });
  // One ExifTool process (`-stay_open`) serves every write; one of our own is ended at the end.
  const exiftool = options.exiftool ?? new ExifTool();
  const ctx = context(resolved, exiftool, work);
  const definitions = caseDefinitions(resolved);
  try {
    // Two at a time: the clips and the bombs each keep a core busy for a moment.
    const entries: CorpusEntry[] = new Array<CorpusEntry>(definitions.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < definitions.length; i = next++) {
        const definition = definitions[i] as CaseDefinition;
        let bytes: Uint8Array;
        try {
          bytes = await definition.make(ctx);
        } catch (cause) {
          throw new Error(`corpus case ${definition.name} could not be made: ${(cause as Error).message}`, { cause });
        }
        const file = join(root, fileName(i, definition));
        await writeFile(file, bytes);
        entries[i] = { ...caseOf(definition), file, bytes: bytes.length };
      }
    };
    await Promise.all([worker(), worker()]);
    return entries;
  } finally {
    if (options.exiftool === undefined) await exiftool.end();
    await rm(work, { recursive: true, force: true });
  }
}
