import type { ProbeResult, ProbeStream } from './probe-schema.js';
import { fileFormat, parseRate, rotationOf, toFacts } from './facts.js';

const video = (over: Partial<ProbeStream> = {}): ProbeStream => ({
  index: 0,
  codec_type: 'video',
  codec_name: 'h264',
  width: 1920,
  height: 1080,
  r_frame_rate: '30/1',
  avg_frame_rate: '30/1',
  nb_frames: '90',
  ...over,
});

const result = (streams: ProbeStream[], format: Partial<ProbeResult['format']> = {}): ProbeResult => ({
  streams,
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '3.000000', bit_rate: '1200000', ...format },
});

describe('parseRate', () => {
  it.each([
    ['30/1', 30],
    ['30000/1001', 29.97],
    ['25', 25],
    ['0/0', undefined],
    ['1/0', undefined],
    [undefined, undefined],
  ])('%s -> %s', (rate, expected) => {
    expect(parseRate(rate)).toBe(expected);
  });
});

describe('rotationOf', () => {
  it('reads the display matrix (counter-clockwise) as a clockwise quarter turn', () => {
    expect(rotationOf(video({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] }))).toBe(90);
    expect(rotationOf(video({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 90 }] }))).toBe(270);
  });

  it('falls back to the rotate tag and ignores non-quarter noise', () => {
    expect(rotationOf(video({ tags: { rotate: '180' } }))).toBe(180);
    expect(rotationOf(video({ tags: { rotate: '-90' } }))).toBe(270);
    expect(rotationOf(video())).toBe(0);
  });
});

describe('toFacts', () => {
  it('describes a landscape clip with audio', () => {
    const facts = toFacts(
      result([video(), { index: 1, codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2 }]),
    );
    expect(facts).toEqual({
      container: 'mov',
      format: 'mov',
      durationSeconds: 3,
      bitrate: 1200000,
      width: 1920,
      height: 1080,
      frameRate: 30,
      frames: 90,
      videoCodec: 'h264',
      audioCodec: 'aac',
      sampleRate: 48000,
      channels: 2,
    });
  });

  it('swaps width and height for a quarter-turned phone clip', () => {
    const facts = toFacts(result([video({ side_data_list: [{ rotation: -90 }] })]));
    expect([facts.width, facts.height]).toEqual([1080, 1920]);
  });

  it('prefers avg_frame_rate over a timebase-like r_frame_rate (variable frame rate)', () => {
    expect(toFacts(result([video({ r_frame_rate: '90000/1', avg_frame_rate: '2997/100' })])).frameRate).toBe(29.97);
  });

  it('skips cover art when looking for the video stream', () => {
    const facts = toFacts(
      result(
        [
          { index: 0, codec_type: 'audio', codec_name: 'mp3', sample_rate: '44100', channels: 2 },
          video({ index: 1, codec_name: 'mjpeg', width: 500, height: 500, disposition: { attached_pic: 1 } }),
        ],
        { format_name: 'mp3' },
      ),
    );
    expect(facts.width).toBeUndefined();
    expect(facts.videoCodec).toBeUndefined();
    expect(facts.audioCodec).toBe('mp3');
  });

  it('leaves out what ffprobe does not know', () => {
    const facts = toFacts(result([video({ nb_frames: 'N/A', avg_frame_rate: '0/0', r_frame_rate: '0/0' })], { duration: 'N/A', bit_rate: undefined }));
    expect(facts).not.toHaveProperty('durationSeconds');
    expect(facts).not.toHaveProperty('frameRate');
    expect(facts).not.toHaveProperty('frames');
    expect(facts).not.toHaveProperty('bitrate');
  });
});

describe('fileFormat', () => {
  it.each([
    ['mov', 'isom', 'mp4'],
    ['mov', 'mp42', 'mp4'],
    ['mov', 'qt  ', 'mov'],
    ['mov', 'M4A ', 'm4a'],
    ['mov', '3gp5', '3gp'],
    ['mov', undefined, 'mov'],
    ['matroska', undefined, 'mkv'],
    ['webm', undefined, 'webm'],
    ['mpegts', undefined, 'ts'],
    ['avi', undefined, 'avi'],
  ])('%s with brand %p is %s', (container, brand, format) => {
    expect(fileFormat(container, brand)).toBe(format);
  });
});
