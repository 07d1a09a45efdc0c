import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { LimitExceededError, UnsupportedMediaError } from '@mediaflow/domain';
import { VIDEO_DEMUXERS, videoDemuxersFor } from './demuxers.js';
import { runTool, TOOL_INPUT_URL } from './run.js';
import { probeFile } from './probe.js';
import { makeClip, tempDir, testFfmpeg } from './testing/index.js';
import { rejection } from '@mediaflow/domain/testing';

let ffprobe: string;
const STRACE = ['/usr/bin/strace', '/bin/strace'].find((p) => existsSync(p));

let dir: string;
let server: Server;
let hits: string[];
let canaryUrl: string;

beforeAll(async () => {
  dir = await tempDir();
  ({ ffprobe } = await testFfmpeg());
  hits = [];
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('#EXTM3U\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  canaryUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('probeFile on real containers', () => {
  it.each([
    ['mp4', 'mov', 'h264'],
    ['mov', 'mov', 'h264'],
    ['mkv', 'matroska', 'h264'],
    ['webm', 'matroska', 'vp8'],
    ['avi', 'avi', 'mpeg4'],
  ] as const)('reads %s', async (container, demuxer, codec) => {
    const clip = await makeClip(dir, { container, width: 320, height: 180, seconds: 1 }, `c-${container}`);
    const probed = await probeFile(clip, { ffprobe });
    expect(probed.demuxer).toBe(demuxer);
    expect(probed.url).toBe(`file:${clip}`);
    expect(probed.facts).toMatchObject({ container: demuxer, width: 320, height: 180, videoCodec: codec, channels: 1, sampleRate: 48000 });
    expect(probed.facts.durationSeconds).toBeCloseTo(1, 0);
    expect(probed.facts.frameRate).toBe(25);
  });

  it('reports a rotated phone clip with its displayed (portrait) size', async () => {
    const clip = await makeClip(dir, { width: 320, height: 180, seconds: 1, rotate: 90 }, 'rotated');
    const { facts } = await probeFile(clip, { ffprobe });
    expect([facts.width, facts.height]).toEqual([180, 320]);
  });

  it('reads a clip without audio and a single-frame clip', async () => {
    const silent = await probeFile(await makeClip(dir, { audio: false, seconds: 1 }, 'silent'), { ffprobe });
    expect(silent.facts.audioCodec).toBeUndefined();
    expect(silent.facts.videoCodec).toBe('h264');
    const still = await probeFile(await makeClip(dir, { audio: false, singleFrame: true }, 'still'), { ffprobe });
    expect(still.facts.frames).toBe(1);
    expect([still.facts.width, still.facts.height]).toEqual([640, 360]);
  });

  it('resolves a relative path to the absolute file it names', async () => {
    const clip = await makeClip(dir, { seconds: 1, audio: false }, 'relative');
    const probed = await probeFile(relative(process.cwd(), clip), { ffprobe });
    expect(probed.url).toBe(`file:${await realpath(clip)}`);
  });

  it('enforces limits', async () => {
    const clip = await makeClip(dir, { seconds: 2, audio: false }, 'limits');
    await expect(probeFile(clip, { ffprobe, limits: { maxDurationSeconds: 1 } })).rejects.toBeInstanceOf(LimitExceededError);
    await expect(probeFile(clip, { ffprobe, limits: { maxPixels: 320 * 180 } })).rejects.toBeInstanceOf(LimitExceededError);
  });

  it('refuses MPEG-TS at detection unless the allow-list names it (the fallback ffprobe crashes inside its demuxer)', async () => {
    const clip = await makeClip(dir, { container: 'ts', seconds: 1 }, 'c-ts');
    const error = await rejection(probeFile(clip, { ffprobe }));
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(error.message).toContain('mpegts');
  });

  it('reads MPEG-TS where the build allows it', async () => {
    const tools = await testFfmpeg();
    const demuxers = videoDemuxersFor(tools.features);
    const clip = await makeClip(dir, { container: 'ts', seconds: 1, width: 320, height: 180 }, 'c-ts-allowed');
    if (tools.features.mpegts) {
      const probed = await probeFile(clip, { ffprobe, demuxers });
      expect(probed.demuxer).toBe('mpegts');
      expect(probed.facts).toMatchObject({ width: 320, height: 180, videoCodec: 'h264' });
    } else {
      expect(demuxers).not.toContain('mpegts');
      await expect(probeFile(clip, { ffprobe, demuxers })).rejects.toBeInstanceOf(UnsupportedMediaError);
    }
  });

  it('refuses a stream whose decoder is not on the list, naming the codec, before decoding it', async () => {
    const clip = join(dir, 'theora.ogv');
    const { ffmpeg } = await testFfmpeg();
    await runTool(ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10:d=1', '-c:v', 'libtheora', '-y', clip], { timeoutMs: 30_000 });
    const error = await rejection(probeFile(clip, { ffprobe, demuxers: [...VIDEO_DEMUXERS, 'ogg'] }));
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(error.message).toBe('codec "theora" is not supported');
  });

  it('describes a clip with a caption track (subtitle decoders are on the probe\'s list only)', async () => {
    const captioned = join(dir, 'captioned.mkv');
    const subtitles = join(dir, 'captions.srt');
    await writeFile(subtitles, '1\n00:00:00,000 --> 00:00:00,900\nhello\n');
    const clip = await makeClip(dir, { seconds: 1, width: 160, height: 120 }, 'to-caption');
    const { ffmpeg } = await testFfmpeg();
    await runTool(ffmpeg, ['-nostdin', '-v', 'error', '-i', clip, '-i', subtitles, '-map', '0', '-map', '1', '-c', 'copy', '-c:s', 'srt', '-y', captioned], { timeoutMs: 30_000 });
    const probed = await probeFile(captioned, { ffprobe });
    expect(probed.raw.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'subtitle', 'video']);
  });

  it('applies a narrower allow-list', async () => {
    const clip = await makeClip(dir, { container: 'avi', seconds: 1 }, 'narrow');
    const error = await rejection(probeFile(clip, { ffprobe, demuxers: VIDEO_DEMUXERS.filter((d) => d !== 'avi') }));
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(error.message).toContain('avi');
  });
});

describe('probeFile on hostile inputs', () => {
  const hostile: [string, string | (() => Buffer)][] = [
    ['an HLS playlist pointing at a local file and the network', ''],
    ['an ffconcat script', 'ffconcat version 1.0\nfile /etc/passwd\nfile CANARY/concat.ts\n'],
    ['concat: protocol text', 'concat:/etc/passwd|/etc/hostname\n'],
    ['an SDP description', 'v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=video 5004 RTP/AVP 96\na=rtpmap:96 H264/90000\n'],
    ['a text file', 'just some words\nand more words\n'],
    ['random bytes', () => randomBytes(4096)],
    ['a data URI', 'data:video/mp4;base64,AAAAIGZ0eXBpc29t\n'],
  ];

  it.each(hostile)('refuses %s without reading anything it names', async (what, content) => {
    const hls = `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile:///etc/passwd\n#EXTINF:2,\n${canaryUrl}/hls.ts\n#EXT-X-ENDLIST\n`;
    const bytes = typeof content === 'function' ? content() : (content || hls).replaceAll('CANARY', canaryUrl);
    // A video extension, so that nothing depends on the name.
    const path = join(dir, `hostile-${hostile.findIndex(([w]) => w === what)}.mp4`);
    await writeFile(path, bytes);

    const error = await rejection(probeFile(path, { ffprobe }));
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(hits).toEqual([]);
  });

  it('refuses arbitrary bytes that a demuxer takes for its own format and then cannot read', async () => {
    // Deterministic "random" bytes: about one buffer in four is taken for MP3 by its demuxer's probe,
    // which then seeks past the end; read through the open descriptor, that is EINVAL, not "Invalid data".
    const outcomes = new Set<string>();
    for (let seed = 0; seed < 24; seed += 1) {
      const blocks = Array.from({ length: 128 }, (_, i) => createHash('sha256').update(`${seed}:${i}`).digest());
      const path = join(dir, `arbitrary-${seed}.bin`);
      await writeFile(path, Buffer.concat(blocks));
      const error = await rejection(probeFile(path, { ffprobe }));
      outcomes.add(`${error.constructor.name}: ${error.message}`);
    }
    expect([...outcomes]).toEqual(['UnsupportedMediaError: input is not a recognised audio or video format']);
  });

  it('fails HLS at format detection, before its demuxer opens anything', async () => {
    const path = join(dir, 'playlist.m3u8');
    await writeFile(path, `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile:///etc/passwd\n#EXTINF:2,\n${canaryUrl}/first.ts\n#EXT-X-ENDLIST\n`);
    const error = await rejection(probeFile(path, { ffprobe }));
    expect(error.message).toMatch(/container "hls.*" is not allowed/);
    expect(hits).toEqual([]);
  });

  it('opens no file but the input and connects nowhere (traced, where strace exists)', async () => {
    const path = join(dir, 'traced.m3u8');
    await writeFile(path, `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n/etc/passwd\n#EXTINF:2,\n${canaryUrl}/traced.ts\n#EXT-X-ENDLIST\n`);
    const log = join(dir, 'strace.log');
    // Without strace this runs ffprobe directly: the rejection and the canary still hold.
    const wrapper = join(dir, 'ffprobe-traced');
    await writeFile(
      wrapper,
      STRACE ? `#!/bin/sh\nexec ${STRACE} -f -qq -e trace=open,openat,connect -o ${log} ${ffprobe} "$@"\n` : `#!/bin/sh\nexec ${ffprobe} "$@"\n`,
    );
    await chmod(wrapper, 0o755);
    await expect(probeFile(path, { ffprobe: wrapper })).rejects.toBeInstanceOf(UnsupportedMediaError);
    expect(hits).toEqual([]);
    if (STRACE) {
      const opened = (await readFile(log, 'utf8')).split('\n').filter((l) => /open(at)?\(/.test(l) && !l.includes('ENOENT'));
      // The input is handed over open; ffprobe opens it again through its descriptor.
      expect(opened.some((l) => l.includes(TOOL_INPUT_URL.slice('file:'.length)))).toBe(true);
      expect(opened.filter((l) => l.includes('/etc/passwd'))).toEqual([]);
      expect((await readFile(log, 'utf8')).includes('connect(')).toBe(false);
    }
  });

  it('refuses paths that are not regular files, and protocol-looking names', async () => {
    await expect(probeFile(dir, { ffprobe })).rejects.toBeInstanceOf(UnsupportedMediaError);
    await expect(probeFile('/dev/zero', { ffprobe })).rejects.toBeInstanceOf(UnsupportedMediaError);
    await expect(probeFile(`concat:/etc/passwd|/etc/hostname`, { ffprobe })).rejects.toBeInstanceOf(UnsupportedMediaError);
    await expect(probeFile(`${canaryUrl}/direct.mp4`, { ffprobe })).rejects.toBeInstanceOf(UnsupportedMediaError);
    const empty = join(dir, 'empty.mp4');
    await writeFile(empty, '');
    await expect(probeFile(empty, { ffprobe })).rejects.toBeInstanceOf(UnsupportedMediaError);
    expect(hits).toEqual([]);
  });
});
