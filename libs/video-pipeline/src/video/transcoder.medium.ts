import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RenditionNameSchema, TimeoutError, UnsupportedMediaError, type RenderedFile } from '@mediaflow/domain';
import { runTool, ToolFailedError, type FfmpegBuild } from '../ffmpeg/index.js';
import { bundledFfmpeg, makeClip, tempDir, testFfmpeg, type ClipSpec } from '../ffmpeg/testing/index.js';
import { parseAttributeList, parseMediaPlaylist } from './playlists.js';
import { FfmpegVideoTranscoder } from './transcoder.js';
import { isGone, rejection } from '@mediaflow/domain/testing';

let binaries: FfmpegBuild;
let transcoder: FfmpegVideoTranscoder;

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  binaries = await testFfmpeg();
  transcoder = new FfmpegVideoTranscoder({ tools: binaries });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function byName(files: readonly RenderedFile[], name: string): RenderedFile & { path: string } {
  const found = files.find((f) => f.name === name);
  if (!found?.path) throw new Error(`no ${name} among ${files.map((f) => f.name).join(', ')}`);
  return found as RenderedFile & { path: string };
}

/** The size in a JPEG's first start-of-frame marker. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  let i = 2;
  while (i < bytes.length) {
    const marker = bytes[i + 1] ?? 0;
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  throw new Error('no SOF marker');
}

/** Top-level MP4 box types in file order. */
function topLevelBoxes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let i = 0; i + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(i);
    types.push(bytes.toString('latin1', i + 4, i + 8));
    if (size < 8) break;
    i += size;
  }
  return types;
}

/**
 * Streams of an HLS master as ffmpeg reads them (ffmpeg, not ffprobe: the bundled fallback's ffprobe
 * crashes on MPEG-TS), after decoding every variant to the end: `Video: h264 (Main) ... 640x360` lines.
 */
async function readMaster(path: string, tools: FfmpegBuild = binaries): Promise<string[]> {
  await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-protocol_whitelist', 'file', '-i', `file:${path}`, '-map', '0', '-f', 'null', '-'], {
    timeoutMs: 60_000,
  });
  try {
    await runTool(tools.ffmpeg, ['-nostdin', '-hide_banner', '-protocol_whitelist', 'file', '-i', `file:${path}`], { timeoutMs: 30_000 });
  } catch (error) {
    if (!(error instanceof ToolFailedError)) throw error;
    return error.stderr.split('\n').filter((l) => /Stream #/.test(l));
  }
  throw new Error('ffmpeg without an output should exit non-zero');
}

async function transcodeClip(spec: ClipSpec, name: string, progress?: number[], using = transcoder): Promise<{ files: RenderedFile[]; out: string }> {
  const clip = await makeClip(dir, spec, name);
  const facts = await using.probe(clip);
  const out = join(dir, `${name}-out`);
  const { files } = await using.transcode({ input: clip, outputPrefix: out, facts, onProgress: (p) => progress?.push(p.fraction) });
  return { files, out };
}

describe('FfmpegVideoTranscoder', () => {
  it('writes a playable HLS ladder, a fast-start preview, a poster and thumbnails', async () => {
    const progress: number[] = [];
    const { files, out } = await transcodeClip({ width: 640, height: 360, seconds: 3, fps: 25 }, 'basic', progress);

    expect(files.map((f) => `${f.name}.${f.format}`).sort()).toEqual(
      [
        'hls/master.m3u8', 'hls/360p.m3u8', 'hls/360p_00001.ts', 'hls/240p.m3u8', 'hls/240p_00001.ts',
        'preview.mp4', 'poster.jpeg', 'thumbs/01.jpeg', 'thumbs/02.jpeg', 'thumbs/03.jpeg', 'thumbs/04.jpeg', 'thumbs/05.jpeg',
      ].sort(),
    );
    for (const f of files) {
      expect(RenditionNameSchema.safeParse(f.name).success).toBe(true);
      // On disk exactly where the rendition key puts it relative to the master: {name}.{format}.
      expect(f.path).toBe(join(out, `${f.name}.${f.format}`));
      expect(f.listed).toBe(f.format === 'ts' ? false : undefined);
    }
    expect(byName(files, 'hls/360p')).toMatchObject({ width: 640, height: 360, contentType: 'application/vnd.apple.mpegurl' });
    expect(byName(files, 'hls/360p').bitrate).toBeGreaterThan(0);

    // Relative URIs that match the rendition keys, and a master that plays.
    const master = await readFile(byName(files, 'hls/master').path, 'utf8');
    expect(master.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['360p.m3u8', '240p.m3u8']);
    expect(master).toContain('RESOLUTION=640x360');
    expect(master).toContain('CODECS="avc1.4d401e,mp4a.40.2"');
    const rung = parseMediaPlaylist(await readFile(byName(files, 'hls/240p').path, 'utf8'));
    expect(rung.map((s) => s.uri)).toEqual(['240p_00001.ts']);
    const streams = await readMaster(byName(files, 'hls/master').path);
    expect(streams.filter((l) => /Video: h264 \(Main\).* 640x360/.test(l))).toHaveLength(1);
    expect(streams.filter((l) => /Video: h264 \(Main\).* 426x240/.test(l))).toHaveLength(1);
    expect(streams.filter((l) => /Audio: aac/.test(l))).toHaveLength(2);
    expect(await readdir(join(out, 'hls'))).toHaveLength(5);

    const preview = await readFile(byName(files, 'preview').path);
    const boxes = topLevelBoxes(preview);
    expect(boxes.indexOf('moov')).toBeGreaterThan(-1);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));

    expect(jpegSize(await readFile(byName(files, 'poster').path))).toEqual({ width: 640, height: 360 });
    expect(jpegSize(await readFile(byName(files, 'thumbs/05').path))).toEqual({ width: 320, height: 180 });

    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);
    expect(progress.every((p, i) => i === 0 || p >= (progress[i - 1] ?? 0))).toBe(true);
  });

  it('turns a rotated phone clip into portrait renditions', async () => {
    const { files } = await transcodeClip({ width: 640, height: 360, seconds: 1, rotate: 90 }, 'rotated');
    expect(byName(files, 'hls/360p')).toMatchObject({ width: 360, height: 640 });
    const streams = await readMaster(byName(files, 'hls/master').path);
    expect(streams.some((l) => / 360x640/.test(l))).toBe(true);
    expect(jpegSize(await readFile(byName(files, 'poster').path))).toEqual({ width: 360, height: 640 });
    expect(jpegSize(await readFile(byName(files, 'thumbs/01').path))).toEqual({ width: 180, height: 320 });
  });

  it('handles an odd-sized WebM without audio', async () => {
    const { files } = await transcodeClip({ width: 321, height: 241, seconds: 1, audio: false, container: 'webm' }, 'odd');
    expect(files.filter((f) => f.format === 'm3u8').map((f) => f.name)).toEqual(['hls/master', 'hls/240p']);
    expect(byName(files, 'hls/240p')).toMatchObject({ width: 320, height: 240 });
    const master = await readFile(byName(files, 'hls/master').path, 'utf8');
    expect(master).toContain('CODECS="avc1.4d401e"');
    const streams = await readMaster(byName(files, 'hls/master').path);
    expect(streams.some((l) => /Audio/.test(l))).toBe(false);
    expect(topLevelBoxes(await readFile(byName(files, 'preview').path))).toContain('moov');
  });

  it('handles a single-frame AVI', async () => {
    const { files } = await transcodeClip({ width: 320, height: 240, container: 'avi', singleFrame: true, audio: false }, 'single');
    expect(files.filter((f) => f.name.startsWith('thumbs/'))).toHaveLength(1);
    expect(jpegSize(await readFile(byName(files, 'poster').path))).toEqual({ width: 320, height: 240 });
    expect(byName(files, 'hls/240p_00001').listed).toBe(false);
  });

  it('makes a variable-frame-rate MKV constant-rate', async () => {
    const vfr = join(dir, 'vfr.mkv');
    // Dropping every third frame leaves uneven gaps between timestamps.
    await runTool(
      binaries.ffmpeg,
      ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=2', '-vf', 'select=not(eq(mod(n\\,3)\\,1))', '-vsync', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', '-y', vfr],
      { timeoutMs: 30_000 },
    );
    const facts = await transcoder.probe(vfr);
    const { files } = await transcoder.transcode({ input: vfr, outputPrefix: join(dir, 'vfr-out'), facts });
    const playlist = byName(files, 'hls/180p');
    expect(playlist.durationSeconds).toBeCloseTo(2, 0);
    const streams = await readMaster(byName(files, 'hls/master').path);
    // Matroska reports the nominal 30 fps as the average; the gaps are filled to a constant 30.
    expect(facts.frameRate).toBe(30);
    expect(streams.some((l) => / 320x180/.test(l) && /, 30 fps,/.test(l))).toBe(true);
  });

  it('takes stills within the picture when the audio outlasts it', async () => {
    const clip = join(dir, 'long-audio.mp4');
    await runTool(
      binaries.ffmpeg,
      ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=1', '-f', 'lavfi', '-i', 'sine=d=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-y', clip],
      { timeoutMs: 30_000 },
    );
    const { files } = await transcoder.transcode({ input: clip, outputPrefix: join(dir, 'long-audio-out'), facts: {} });
    expect(files.filter((f) => f.name.startsWith('thumbs/'))).toHaveLength(5);
    expect(jpegSize(await readFile(byName(files, 'poster').path))).toEqual({ width: 320, height: 180 });
  });

  it('refuses an input without video', async () => {
    const audio = join(dir, 'tone.wav');
    await runTool(binaries.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'sine=d=1', '-y', audio], { timeoutMs: 30_000 });
    const out = join(dir, 'tone-out');
    await expect(transcoder.transcode({ input: audio, outputPrefix: out, facts: {} })).rejects.toBeInstanceOf(UnsupportedMediaError);
  });
});

/** Each variant's STREAM-INF attributes, by URI. */
function masterVariants(text: string): Map<string, Map<string, string>> {
  const lines = text.split('\n');
  const variants = new Map<string, Map<string, string>>();
  lines.forEach((line, i) => {
    if (line.startsWith('#EXT-X-STREAM-INF:')) variants.set(lines[i + 1] ?? '', parseAttributeList(line.slice('#EXT-X-STREAM-INF:'.length)));
  });
  return variants;
}

/** The highest bitrate of any segment of a variant at least half a second long (or its only one), bits/s. */
async function peakBitrate(out: string, rungPlaylist: string): Promise<number> {
  const segments = parseMediaPlaylist(await readFile(join(out, 'hls', rungPlaylist), 'utf8'));
  let peak = 0;
  for (const segment of segments) {
    if (segment.durationSeconds < 0.5 && segments.length > 1) continue;
    const bits = (await readFile(join(out, 'hls', segment.uri))).length * 8;
    peak = Math.max(peak, bits / segment.durationSeconds);
  }
  return peak;
}

describe('FfmpegVideoTranscoder master playlist and containers', () => {
  it('declares, per variant, a bandwidth covering the measured peak, the average, size, rate and codecs', async () => {
    const { files, out } = await transcodeClip({ width: 1280, height: 720, seconds: 13, fps: 30 }, 'master');
    const master = await readFile(byName(files, 'hls/master').path, 'utf8');
    expect(master.split('\n').slice(0, 1)).toEqual(['#EXTM3U']);
    expect(master).toContain('#EXT-X-INDEPENDENT-SEGMENTS');
    // A current build writes the master itself (version 6 by its own count); the fallback's runner writes version 3.
    expect(master).toContain(binaries.features.hlsNamedVariants ? '#EXT-X-VERSION:6' : '#EXT-X-VERSION:3');
    const variants = masterVariants(master);
    expect([...variants.keys()]).toEqual(['720p.m3u8', '540p.m3u8', '360p.m3u8', '240p.m3u8']);
    for (const [uri, attributes] of variants) {
      const rung = byName(files, `hls/${uri.replace('.m3u8', '')}`);
      expect(Number(attributes.get('BANDWIDTH'))).toBeGreaterThanOrEqual(Math.floor(await peakBitrate(out, uri)));
      expect(Number(attributes.get('AVERAGE-BANDWIDTH'))).toBe(rung.bitrate);
      expect(attributes.get('RESOLUTION')).toBe(`${rung.width}x${rung.height}`);
      expect(attributes.get('FRAME-RATE')).toBe('30.000');
      expect(attributes.get('CODECS')).toMatch(/^"avc1\.4d40[0-9a-f]{2},mp4a\.40\.2"$/);
    }
    expect(parseMediaPlaylist(await readFile(byName(files, 'hls/720p').path, 'utf8')).map((seg) => seg.uri)).toEqual(['720p_00001.ts', '720p_00002.ts', '720p_00003.ts']);
    expect((await readdir(join(out, 'hls'))).sort()).toEqual([...files.filter((f) => f.name.startsWith('hls/')).map((f) => `${f.name.slice(4)}.${f.format}`)].sort());
  });

  it('turns an MPEG-TS upload into a ladder on a current build, and refuses it, saying why, on the fallback', async () => {
    const clip = await makeClip(dir, { width: 640, height: 360, seconds: 2, container: 'ts' }, 'broadcast');
    if (binaries.features.mpegts) {
      const facts = await transcoder.probe(clip);
      expect(facts).toMatchObject({ format: 'ts', width: 640, height: 360 });
      const { files } = await transcoder.transcode({ input: clip, outputPrefix: join(dir, 'broadcast-out'), facts });
      expect(files.filter((f) => f.format === 'm3u8').map((f) => f.name)).toEqual(['hls/master', 'hls/360p', 'hls/240p']);
      expect((await readMaster(byName(files, 'hls/master').path)).filter((l) => /Video: h264/.test(l))).toHaveLength(2);
    } else {
      await expect(transcoder.probe(clip)).rejects.toThrow(/^MPEG-TS video needs ffmpeg 5\.1 or newer; this server runs the bundled fallback ffmpeg N-/);
    }
  });
});

describe('FfmpegVideoTranscoder on the bundled fallback', () => {
  // Whatever the machine has, the zero-setup fallback must keep working: index-named HLS renamed
  // into the layout, the master written from measurements, MPEG-TS refused with a reason.
  let fallback: FfmpegBuild;
  beforeAll(async () => {
    fallback = await bundledFfmpeg();
  });

  it('writes a playable ladder in the rendition layout', async () => {
    const old = new FfmpegVideoTranscoder({ tools: fallback });
    const { files, out } = await transcodeClip({ width: 640, height: 360, seconds: 2, fps: 25 }, 'fallback', undefined, old);
    expect(files.filter((f) => f.format === 'm3u8').map((f) => f.name)).toEqual(['hls/master', 'hls/360p', 'hls/240p']);
    expect((await readdir(join(out, 'hls'))).sort()).toEqual(['240p.m3u8', '240p_00001.ts', '360p.m3u8', '360p_00001.ts', 'master.m3u8']);
    const master = await readFile(byName(files, 'hls/master').path, 'utf8');
    expect([...masterVariants(master).keys()]).toEqual(['360p.m3u8', '240p.m3u8']);
    expect(master).toContain('#EXT-X-VERSION:3');
    const streams = await readMaster(byName(files, 'hls/master').path, fallback);
    expect(streams.filter((l) => /Video: h264 \(Main\)/.test(l))).toHaveLength(2);
    expect(jpegSize(await readFile(byName(files, 'poster').path))).toEqual({ width: 640, height: 360 });
  });

  it('refuses MPEG-TS, saying what would make it work', async () => {
    const clip = await makeClip(dir, { width: 320, height: 180, seconds: 1, container: 'ts' }, 'fallback-ts');
    const error = await rejection(new FfmpegVideoTranscoder({ tools: fallback }).probe(clip));
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(error.message).toBe(`MPEG-TS video needs ffmpeg 5.1 or newer; this server runs the bundled fallback ffmpeg ${fallback.version}`);
  });
});

describe('FfmpegVideoTranscoder ending early', () => {
  let long: string;
  beforeAll(async () => {
    long = await makeClip(dir, { width: 640, height: 360, seconds: 30, fps: 25 }, 'long');
  });

  it('kills ffmpeg on abort, rejects, and leaves no partial outputs', async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const aborting = new FfmpegVideoTranscoder({
      tools: binaries,
      onProcess: (pid) => {
        pids.push(pid);
        setTimeout(() => controller.abort(), 200);
      },
    });
    const out = join(dir, 'aborted-out');
    const error = await rejection(aborting.transcode({ input: long, outputPrefix: out, facts: {}, signal: controller.signal }));
    expect(error.name).toBe('AbortError');
    expect(pids).toHaveLength(1);
    expect(pids.every(isGone)).toBe(true);
    expect(await readdir(join(out, 'hls'))).toEqual([]);
    expect(await readdir(join(out, 'thumbs'))).toEqual([]);
    expect((await readdir(out)).sort()).toEqual(['hls', 'thumbs']);
  });

  it('kills ffmpeg and rejects with TimeoutError after the time limit', async () => {
    const pids: number[] = [];
    const slow = new FfmpegVideoTranscoder({ tools: binaries, timeoutMs: 300, onProcess: (pid) => pids.push(pid) });
    const error = await rejection(slow.transcode({ input: long, outputPrefix: join(dir, 'timeout-out'), facts: {} }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.every(isGone)).toBe(true);
  });
});
