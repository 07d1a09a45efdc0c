import { RenditionNameSchema } from '@mediaflow/domain';
import { aacSampleRate, audioArgs, audioTimeoutMs, planAudio } from './plan.js';
import { defaultAudioPolicy } from './policy.js';

const summary = (plan: ReturnType<typeof planAudio>): string[] =>
  plan.outputs.map((o) => `${o.name}.${o.format} ${o.encoder} ${o.bitrate / 1000}k ${o.sampleRate}Hz ${o.channels}ch`);

describe('planAudio', () => {
  it('plans an AAC and an Opus preview of a CD-quality stereo song, and 1,000 peaks at 8 kHz', () => {
    const plan = planAudio({ audioCodec: 'mp3', sampleRate: 44_100, channels: 2 }, 'mp3', 14_400);
    expect(summary(plan)).toEqual(['preview.m4a aac 128k 44100Hz 2ch', 'preview.opus libopus 96k 48000Hz 2ch']);
    expect(plan.outputs.map((o) => o.contentType)).toEqual(['audio/mp4', 'audio/ogg; codecs=opus']);
    expect(plan.waveform).toMatchObject({ name: 'waveform', buckets: 1000, sampleRate: 8000, channels: 2 });
    expect(plan).toMatchObject({ demuxer: 'mp3', maxDurationSeconds: 14_400 });
  });

  it('keeps mono mono at lower bitrates', () => {
    expect(summary(planAudio({ audioCodec: 'pcm_s16le', sampleRate: 22_050, channels: 1 }, 'wav', 60))).toEqual([
      'preview.m4a aac 96k 22050Hz 1ch',
      'preview.opus libopus 64k 48000Hz 1ch',
    ]);
  });

  it('downmixes surround to stereo and caps high sample rates at 48 kHz', () => {
    expect(summary(planAudio({ audioCodec: 'flac', sampleRate: 96_000, channels: 6 }, 'flac', 60))).toEqual([
      'preview.m4a aac 128k 48000Hz 2ch',
      'preview.opus libopus 96k 48000Hz 2ch',
    ]);
  });

  it('gives names the domain accepts as rendition names', () => {
    const plan = planAudio({ audioCodec: 'mp3' }, 'mp3', 60);
    for (const name of [...plan.outputs.map((o) => o.name), plan.waveform.name]) expect(RenditionNameSchema.safeParse(name).success).toBe(true);
  });

  it('follows the policy', () => {
    const plan = planAudio({ audioCodec: 'mp3', channels: 2 }, 'mp3', 60, { ...defaultAudioPolicy, previewFormats: ['opus'] });
    expect(summary(plan)).toEqual(['preview.opus libopus 96k 48000Hz 2ch']);
  });
});

describe('aacSampleRate', () => {
  it('keeps rates AAC has, rounds others up, and caps at 48 kHz', () => {
    expect([8000, 11_025, 44_100, 48_000].map(aacSampleRate)).toEqual([8000, 11_025, 44_100, 48_000]);
    expect([6000, 37_800, 88_200, 192_000].map(aacSampleRate)).toEqual([7350, 44_100, 48_000, 48_000]);
    expect(aacSampleRate(undefined)).toBe(44_100);
  });
});

describe('audioArgs', () => {
  const plan = planAudio({ audioCodec: 'mp3', sampleRate: 44_100, channels: 2 }, 'mp3', 100);
  const input = ['-protocol_whitelist', 'file', '-format_whitelist', 'mp3', '-f', 'mp3', '-i', 'file:/in/a.mp3'];
  const args = audioArgs(plan, input, '/work/job');

  it('keeps the protected input arguments intact and before every output', () => {
    const at = args.indexOf('-i');
    expect(args.slice(at - 6, at + 2)).toEqual(input);
    expect(args.indexOf('-nostdin')).toBeLessThan(at);
  });

  it('writes each output as a file: URL inside the work directory, with its muxer', () => {
    const outputs = args.filter((a) => a.startsWith('file:/work/job/'));
    expect(outputs).toEqual(['file:/work/job/preview.m4a', 'file:/work/job/preview.opus', 'file:/work/job/waveform.s16le']);
    expect(args[args.indexOf('file:/work/job/preview.m4a') - 1]).toBe('mp4');
    expect(args[args.indexOf('file:/work/job/preview.opus') - 1]).toBe('opus');
    expect(args.join(' ')).toContain('-movflags +faststart -f mp4');
  });

  it('reads only the first audio stream, drops tags and chapters, and stops past the limit', () => {
    const joined = args.join(' ');
    expect(joined.match(/-map 0:a:0 -vn -sn -dn -map_metadata -1 -map_chapters -1 -t 101/g)).toHaveLength(3);
  });

  it('decodes the waveform to 16-bit PCM at the planned rate, keeping stereo apart', () => {
    expect(args.join(' ')).toContain('-c:a pcm_s16le -ar 8000 -ac 2 -f s16le file:/work/job/waveform.s16le');
  });
});

describe('audioTimeoutMs', () => {
  it('allows a base plus a share of the duration', () => {
    expect(audioTimeoutMs(0, { baseMs: 60_000, perSecondMs: 250 })).toBe(60_000);
    expect(audioTimeoutMs(3600, { baseMs: 60_000, perSecondMs: 250 })).toBe(960_000);
  });
});
