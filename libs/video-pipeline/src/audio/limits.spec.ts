import { LimitExceededError, UnsupportedMediaError } from '@mediaflow/domain';
import { checkAudioBytes, checkAudioFacts, defaultAudioLimits, resolveAudioLimits } from './limits.js';

describe('audio limits', () => {
  const song = { audioCodec: 'mp3', durationSeconds: 240, channels: 2, sampleRate: 44_100 };

  it('accepts an ordinary song', () => {
    expect(() => checkAudioFacts(song, defaultAudioLimits)).not.toThrow();
  });

  it('refuses a file without an audio stream as unsupported', () => {
    expect(() => checkAudioFacts({ durationSeconds: 3, videoCodec: 'h264' }, defaultAudioLimits)).toThrow(UnsupportedMediaError);
  });

  it.each([
    ['maxDurationSeconds', { durationSeconds: 4 * 3600 + 1 }],
    ['maxChannels', { channels: 16 }],
    ['maxSampleRate', { sampleRate: 384_000 }],
  ])('names %s when it is exceeded', (limit, over) => {
    let thrown: unknown;
    try {
      checkAudioFacts({ ...song, ...over }, defaultAudioLimits);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LimitExceededError);
    expect((thrown as LimitExceededError).details).toMatchObject({ limit });
  });

  it('lets a configured limit replace the default', () => {
    const limits = resolveAudioLimits({ maxDurationSeconds: 60 });
    expect(limits.maxChannels).toBe(defaultAudioLimits.maxChannels);
    expect(() => checkAudioFacts(song, limits)).toThrow(/duration in seconds of 240 exceeds the limit of 60/);
  });

  it('checks the input size', () => {
    expect(() => checkAudioBytes(11, resolveAudioLimits({ maxInputBytes: 10 }))).toThrow(LimitExceededError);
    expect(() => checkAudioBytes(10, resolveAudioLimits({ maxInputBytes: 10 }))).not.toThrow();
  });
});
