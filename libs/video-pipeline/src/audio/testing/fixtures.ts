import { join } from 'node:path';
import { runTool } from '../../ffmpeg/index.js';
import { testFfmpeg } from '../../ffmpeg/testing/index.js';

/** Containers the audio tests generate. */
export type AudioFixtureFormat = 'mp3' | 'wav' | 'flac' | 'opus' | 'm4a';

export interface AudioFixtureSpec {
  format: AudioFixtureFormat;
  seconds?: number;
  /** `tone`: a 440 Hz sine near full scale; `noise`: pink noise; `silence`: digital zero. */
  signal?: 'tone' | 'noise' | 'silence';
  sampleRate?: number;
  channels?: 1 | 2;
  /** Written with ffmpeg's `-metadata`, which maps them to each container's own tags. */
  tags?: Partial<Record<'title' | 'artist' | 'album' | 'genre' | 'date', string>>;
  /** A JPEG embedded as attached picture (mp3, flac and m4a carry one). */
  coverPath?: string;
}

const encoders: Record<AudioFixtureFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '3'],
  wav: ['-c:a', 'pcm_s16le'],
  flac: ['-c:a', 'flac'],
  opus: ['-c:a', 'libopus', '-b:a', '64k'],
  m4a: ['-c:a', 'aac', '-b:a', '128k'],
};

function source(spec: AudioFixtureSpec): string {
  const seconds = spec.seconds ?? 3;
  const rate = spec.sampleRate ?? 44_100;
  // The generators are mono; `pan` copies them to both sides at full level (an upmix would
  // lower each side by 3 dB).
  const layout = (spec.channels ?? 2) === 1 ? 'pan=mono|c0=c0' : 'pan=stereo|c0=c0|c1=c0';
  switch (spec.signal ?? 'tone') {
    case 'tone':
      // lavfi's sine is at 1/8 of full scale; 7x brings it to about 0.88.
      return `sine=frequency=440:sample_rate=${rate}:duration=${seconds},volume=7,${layout}`;
    case 'noise':
      return `anoisesrc=color=pink:sample_rate=${rate}:duration=${seconds},${layout}`;
    case 'silence':
      return `anullsrc=sample_rate=${rate}:channel_layout=mono,atrim=duration=${seconds},${layout}`;
  }
}

/**
 * Writes a generated audio file with the tests' ffmpeg into `dir` and returns its path.
 *
 * @example
 * const mp3 = await makeAudio(dir, { format: 'mp3', tags: { title: 'Song' }, coverPath: await makeCover(dir) });
 */
export async function makeAudio(dir: string, spec: AudioFixtureSpec, name = `audio-${spec.format}`): Promise<string> {
  const { ffmpeg } = await testFfmpeg();
  const out = join(dir, `${name}.${spec.format}`);
  const args = ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', source(spec)];
  if (spec.coverPath !== undefined) {
    args.push('-i', spec.coverPath, '-map', '0:a', '-map', '1:v', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic');
  }
  for (const [key, value] of Object.entries(spec.tags ?? {})) args.push('-metadata', `${key}=${value}`);
  args.push(...encoders[spec.format], '-y', out);
  await runTool(ffmpeg, args, { timeoutMs: 60_000, label: 'ffmpeg (fixture)' });
  return out;
}

/** A small solid-colour JPEG for cover art. */
export async function makeCover(dir: string, name = 'cover'): Promise<string> {
  const { ffmpeg } = await testFfmpeg();
  const out = join(dir, `${name}.jpg`);
  await runTool(ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'color=c=0xcc3311:s=96x96', '-frames:v', '1', '-y', out], {
    timeoutMs: 30_000,
    label: 'ffmpeg (fixture)',
  });
  return out;
}

/** What ffprobe says about a rendered file: format name, first audio codec, duration. */
export async function probeOutput(path: string): Promise<{ formatName: string; codec: string | undefined; durationSeconds: number }> {
  const { ffprobe } = await testFfmpeg();
  const { stdout } = await runTool(
    ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-protocol_whitelist', 'file', `file:${path}`],
    { timeoutMs: 30_000, label: 'ffprobe (test)' },
  );
  const json = JSON.parse(stdout) as { format: { format_name: string; duration?: string }; streams: { codec_type?: string; codec_name?: string }[] };
  return {
    formatName: json.format.format_name,
    codec: json.streams.find((s) => s.codec_type === 'audio')?.codec_name,
    durationSeconds: Number(json.format.duration ?? NaN),
  };
}
