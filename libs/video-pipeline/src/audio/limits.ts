import { LimitExceededError, UnsupportedMediaError, type MediaFacts } from '@mediaflow/domain';
import type { AudioLimits } from './types.js';

/**
 * Defaults sized for a 2-core worker: four hours covers an album, a long podcast or a DJ set;
 * 2 GiB covers four hours of CD-quality WAV; 8 channels is 7.1; 192 kHz is the highest rate
 * studios deliver. Covers above 10 MiB are not artwork but something smuggled in a tag.
 */
export const defaultAudioLimits: Readonly<AudioLimits> = Object.freeze({
  maxInputBytes: 2 * 1024 * 1024 * 1024,
  maxDurationSeconds: 4 * 60 * 60,
  maxChannels: 8,
  maxSampleRate: 192_000,
  maxCoverBytes: 10 * 1024 * 1024,
});

/** `defaultAudioLimits` with the given fields replaced. */
export function resolveAudioLimits(overrides: Partial<AudioLimits> = {}): AudioLimits {
  return { ...defaultAudioLimits, ...overrides };
}

/** @throws LimitExceededError when the input is larger than `maxInputBytes`. */
export function checkAudioBytes(bytes: number, limits: AudioLimits): void {
  if (bytes > limits.maxInputBytes) {
    throw new LimitExceededError(`input of ${bytes} bytes exceeds the limit of ${limits.maxInputBytes} bytes`, {
      details: { limit: 'maxInputBytes', value: bytes, max: limits.maxInputBytes },
    });
  }
}

/**
 * Checks what the probe found against the limits, before anything is decoded.
 *
 * @throws UnsupportedMediaError when there is no audio stream; LimitExceededError naming the limit
 *   that was exceeded.
 * @example
 * checkAudioFacts({ audioCodec: 'mp3', durationSeconds: 5 * 3600 }, defaultAudioLimits); // throws
 */
export function checkAudioFacts(facts: MediaFacts, limits: AudioLimits): void {
  if (facts.audioCodec === undefined) throw new UnsupportedMediaError('the file holds no audio stream');
  const over = (limit: keyof AudioLimits, value: number | undefined, what: string): void => {
    const max = limits[limit];
    if (value !== undefined && value > max) {
      throw new LimitExceededError(`${what} of ${value} exceeds the limit of ${max}`, { details: { limit, value, max } });
    }
  };
  over('maxDurationSeconds', facts.durationSeconds, 'duration in seconds');
  over('maxChannels', facts.channels, 'channel count');
  over('maxSampleRate', facts.sampleRate, 'sample rate');
}
