import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptMediaError, LimitExceededError, MediaError, TimeoutError, UnsupportedMediaError } from '@mediaflow/domain';
import type { FfmpegBuild } from '../ffmpeg/index.js';
import { testFfmpeg } from '../ffmpeg/testing/index.js';
import { FfmpegAudioProcessor } from './processor.js';
import { makeAudio } from './testing/index.js';
import { rejection } from '@mediaflow/domain/testing';

let dir: string;
let tools: FfmpegBuild;
let server: Server;
let hits: string[];
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mediaflow-audio-hostile-'));
  tools = await testFfmpeg();
  hits = [];
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('#EXTM3U\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be reproduced. */
function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

async function write(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('FfmpegAudioProcessor on hostile input (real ffmpeg)', () => {
  let audio: FfmpegAudioProcessor;
  beforeAll(() => {
    audio = new FfmpegAudioProcessor({ tools });
  });

  it('refuses playlists, concat lists and stream descriptions without opening what they name', async () => {
    const song = await makeAudio(dir, { format: 'mp3', seconds: 2 }, 'target');
    const inputs: [string, string][] = [
      ['local.m3u', `#EXTM3U\n#EXTINF:2,song\n${song}\n`],
      ['remote.m3u', `#EXTM3U\n#EXTINF:2,song\n${base}/plain.mp3\n`],
      [
        'hls.m3u8',
        `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n${base}/segment.ts\n#EXTINF:2.0,\nfile:${song}\n#EXT-X-ENDLIST\n`,
      ],
      ['variant.m3u8', `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=128000\n${base}/variant.m3u8\n`],
      ['list.pls', `[playlist]\nFile1=${base}/pls.mp3\nNumberOfEntries=1\nVersion=2\n`],
      ['list.ffconcat', `ffconcat version 1.0\nfile '${song}'\nfile '${base}/concat.mp3'\n`],
      ['stream.sdp', `v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 5004 RTP/AVP 96\na=rtpmap:96 opus/48000/2\n`],
    ];
    for (const [name, content] of inputs) {
      const error = await rejection(audio.process(await write(name, content)));
      expect({ name, error: error.name, code: (error as MediaError).code }).toEqual({ name, error: 'UnsupportedMediaError', code: 'unsupported' });
      expect(error.message.length).toBeGreaterThan(10);
    }
    expect(hits).toEqual([]);
  });

  it('refuses text and an empty file as unsupported', async () => {
    for (const [name, content] of [
      ['notes.txt', Buffer.from('just some text, not audio at all\n'.repeat(100))],
      ['empty.wav', Buffer.alloc(0)],
    ] as const) {
      const error = await rejection(audio.process(await write(name, content)));
      expect({ name, error }).toEqual({ name, error: expect.any(UnsupportedMediaError) });
    }
  });

  it('refuses random bytes and disguised text as unsupported or corrupt, with a reason', async () => {
    // Random data often holds MP3 frame sync words, and ffprobe falls back on the extension when
    // nothing matches: a demuxer may claim the file and then fail on it.
    const inputs: [string, Uint8Array][] = [1, 2, 3, 4].map((seed) => [`random-${seed}.mp3`, noise(64 * 1024, seed)]);
    inputs.push(['notes.ogg', Buffer.from('just some text, not audio at all\n'.repeat(100))]);
    for (const [name, content] of inputs) {
      const error = await rejection(audio.process(await write(name, content)));
      expect({ name, code: (error as MediaError).code }).toEqual({ name, code: expect.stringMatching(/^(unsupported|corrupt)$/) });
      expect(error.message).not.toMatch(/\/tmp\//);
    }
  });

  it('reports a truncated MP3 as corrupt, saying it ends early', async () => {
    const whole = await readFile(await makeAudio(dir, { format: 'mp3', seconds: 4 }, 'whole'));
    const error = await rejection(audio.process(await write('truncated.mp3', whole.subarray(0, Math.floor(whole.length / 2) + 7))));
    expect(error).toBeInstanceOf(CorruptMediaError);
    expect(error.message).toMatch(/ends early/);
  });

  it('refuses audio longer than the configured limit before decoding it', async () => {
    const short = new FfmpegAudioProcessor({ tools, limits: { maxDurationSeconds: 2 } });
    const error = await rejection(short.process(await makeAudio(dir, { format: 'wav', seconds: 3 }, 'long')));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).details).toMatchObject({ limit: 'maxDurationSeconds' });
  });

  it('refuses a file over the size limit without probing it', async () => {
    const small = new FfmpegAudioProcessor({ tools, limits: { maxInputBytes: 1000 } });
    const error = await rejection(small.process(await makeAudio(dir, { format: 'wav', seconds: 1 }, 'big')));
    expect(error).toBeInstanceOf(LimitExceededError);
  });

  it('kills ffmpeg, removes its work files and rejects when aborted', async () => {
    const work = join(dir, 'work-abort');
    await mkdir(work);
    const controller = new AbortController();
    const pids: number[] = [];
    const processor = new FfmpegAudioProcessor({
      tools,
      workDir: work,
      onSpawn: (pid) => {
        pids.push(pid);
        controller.abort();
      },
    });
    const input = await makeAudio(dir, { format: 'flac', seconds: 5, signal: 'noise' }, 'abort');
    const error = await rejection(processor.process(input, controller.signal));
    expect(error.name).toBe('AbortError');
    expect(pids).toHaveLength(1);
    expect(isRunning(pids[0] ?? -1)).toBe(false);
    expect(await readdir(work)).toEqual([]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const input = await makeAudio(dir, { format: 'wav', seconds: 1 }, 'pre-aborted');
    expect((await rejection(audio.process(input, controller.signal))).name).toBe('AbortError');
  });

  it('kills ffmpeg and rejects with TimeoutError when the job runs out of time', async () => {
    const pids: number[] = [];
    const hasty = new FfmpegAudioProcessor({ tools, timeBudget: { baseMs: 1, perSecondMs: 0 }, onSpawn: (pid) => pids.push(pid) });
    const error = await rejection(hasty.process(await makeAudio(dir, { format: 'flac', seconds: 5, signal: 'noise' }, 'slow')));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(pids.every((pid) => !isRunning(pid))).toBe(true);
  });
});
