import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RenderedFile } from '@mediaflow/domain';
import { testFfmpeg } from '../ffmpeg/testing/index.js';
import { FfmpegAudioProcessor } from './processor.js';
import { makeAudio, makeCover, probeOutput, type AudioFixtureFormat } from './testing/index.js';
import type { WaveformDocument } from './types.js';

let audio: FfmpegAudioProcessor;
let dir: string;
let cover: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mediaflow-audio-test-'));
  audio = new FfmpegAudioProcessor({ tools: await testFfmpeg() });
  cover = await readFile(await makeCover(dir));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function file(files: readonly RenderedFile[], name: string, format: string): RenderedFile & { body: Uint8Array } {
  const found = files.find((f) => f.name === name && f.format === format);
  if (found?.body === undefined) throw new Error(`no ${name}.${format} in memory among ${files.map((f) => `${f.name}.${f.format}`).join(', ')}`);
  return found as RenderedFile & { body: Uint8Array };
}

function waveformOf(files: readonly RenderedFile[]): WaveformDocument {
  return JSON.parse(Buffer.from(file(files, 'waveform', 'json').body).toString('utf8')) as WaveformDocument;
}

/** Writes a rendered file out so that ffprobe can read it back. */
async function probeRendered(rendered: RenderedFile & { body: Uint8Array }): Promise<Awaited<ReturnType<typeof probeOutput>>> {
  const path = join(dir, `out-${rendered.name}-${Math.random().toString(36).slice(2)}.${rendered.format}`);
  await writeFile(path, rendered.body);
  return probeOutput(path);
}

const tags = { title: 'Night Train', artist: 'The Examples', album: 'Generated', genre: 'Ambient', date: '2019' };

describe('FfmpegAudioProcessor (real ffmpeg)', () => {
  const cases: { format: AudioFixtureFormat; container: string; codec: string; rate: number; channels: 1 | 2; withCover: boolean }[] = [
    { format: 'mp3', container: 'mp3', codec: 'mp3', rate: 44_100, channels: 2, withCover: true },
    { format: 'wav', container: 'wav', codec: 'pcm_s16le', rate: 22_050, channels: 1, withCover: false },
    { format: 'flac', container: 'flac', codec: 'flac', rate: 48_000, channels: 2, withCover: true },
    { format: 'opus', container: 'ogg', codec: 'opus', rate: 48_000, channels: 2, withCover: false },
    { format: 'm4a', container: 'mov', codec: 'aac', rate: 44_100, channels: 2, withCover: true },
  ];

  it.each(cases)('turns $format into facts, AAC and Opus previews, a waveform, tags and cover', async (c) => {
    const input = await makeAudio(dir, {
      format: c.format,
      seconds: 3,
      sampleRate: c.rate,
      channels: c.channels,
      tags,
      ...(c.withCover ? { coverPath: join(dir, 'cover.jpg') } : {}),
    });
    const result = await audio.process(input);

    expect(result.facts).toMatchObject({ container: c.container, audioCodec: c.codec, sampleRate: c.rate, channels: c.channels });
    expect(result.facts.durationSeconds).toBeGreaterThan(2.9);
    expect(result.facts.durationSeconds).toBeLessThan(3.2);
    expect(result.facts.bitrate).toBeGreaterThan(0);
    expect(result.facts.width).toBeUndefined();
    expect(result.warnings).toEqual([]);

    expect(result.files.map((f) => `${f.name}.${f.format} ${f.contentType}`)).toEqual([
      'preview.m4a audio/mp4',
      'preview.opus audio/ogg; codecs=opus',
      'waveform.json application/json',
    ]);
    const m4a = await probeRendered(file(result.files, 'preview', 'm4a'));
    expect(m4a).toMatchObject({ formatName: 'mov,mp4,m4a,3gp,3g2,mj2', codec: 'aac' });
    expect(m4a.durationSeconds).toBeGreaterThan(2.8);
    expect(m4a.durationSeconds).toBeLessThan(3.3);
    const opus = await probeRendered(file(result.files, 'preview', 'opus'));
    expect(opus).toMatchObject({ formatName: 'ogg', codec: 'opus' });
    expect(opus.durationSeconds).toBeGreaterThan(2.8);
    expect(opus.durationSeconds).toBeLessThan(3.3);
    for (const preview of result.files.filter((f) => f.name === 'preview')) {
      expect(preview.durationSeconds).toBeCloseTo(result.facts.durationSeconds ?? 0, 0);
      expect(preview.bitrate).toBeGreaterThan(16_000);
    }

    const waveform = waveformOf(result.files);
    expect(waveform.version).toBe(1);
    expect(waveform.peaks).toHaveLength(1000);
    expect(waveform.durationSeconds).toBeCloseTo(3, 0);
    expect(Math.min(...waveform.peaks)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waveform.peaks)).toBeLessThanOrEqual(1);
    // A tone at about 0.88 of full scale: every bucket but the encoder's ramp at the edges is loud.
    const sorted = [...waveform.peaks].sort((a, b) => a - b);
    expect(sorted[500]).toBeGreaterThan(0.7);

    expect(result.tags).toEqual({ title: tags.title, artist: tags.artist, album: tags.album, genre: tags.genre, year: 2019 });
    expect(result.facts.audio).toEqual(result.tags);
    if (c.withCover) {
      expect(result.cover === undefined ? undefined : Buffer.from(result.cover).equals(cover)).toBe(true);
    } else {
      expect(result.cover).toBeUndefined();
    }
  });

  it('gives silence a flat waveform and loud noise a high one', async () => {
    const silent = await audio.process(await makeAudio(dir, { format: 'wav', seconds: 2, signal: 'silence' }, 'silent'));
    expect(Math.max(...waveformOf(silent.files).peaks)).toBeLessThan(0.01);
    expect(silent.facts.audio).toBeUndefined();
    expect(silent.tags).toEqual({});

    const noise = await audio.process(await makeAudio(dir, { format: 'flac', seconds: 2, signal: 'noise' }, 'noise'));
    const peaks = waveformOf(noise.files).peaks;
    expect(peaks).toHaveLength(1000);
    const sorted = [...peaks].sort((a, b) => a - b);
    expect(sorted[0]).toBeGreaterThan(0.02);
    expect(sorted[500]).toBeGreaterThan(0.15);
  });

  it('keeps a mono 8 kHz file mono and still gives 1,000 peaks', async () => {
    const result = await audio.process(await makeAudio(dir, { format: 'wav', seconds: 2, channels: 1, sampleRate: 8000 }, 'mono'));
    expect(result.plan.outputs.map((o) => [o.format, o.channels, o.sampleRate])).toEqual([
      ['m4a', 1, 8000],
      ['opus', 1, 48_000],
    ]);
    expect(waveformOf(result.files).peaks.length).toBe(1000);
  });
});
