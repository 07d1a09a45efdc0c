import type { AudioPolicy } from './types.js';

/**
 * Every output setting of the audio pipeline, in one place.
 *
 * - AAC in MP4 plays everywhere (Safari included) and is the fallback; Opus is about as good at
 *   three quarters of the bitrate and is what other browsers pick first.
 * - 128 kb/s AAC and 96 kb/s Opus are transparent for most listeners on stereo music; mono needs
 *   less. The previews are for listening in the gallery, not for archiving: the original stays.
 * - 1,000 peaks fill a full-width waveform on a desktop screen without resampling in the browser.
 *   8 kHz loses everything above 4 kHz, which changes a peak by little on real music and keeps the
 *   decoded stereo PCM at 32 kB per second (about 460 MB of scratch disk for four hours).
 */
export const defaultAudioPolicy: Readonly<AudioPolicy> = Object.freeze<AudioPolicy>({
  previewName: 'preview',
  previewFormats: ['m4a', 'opus'],
  encoders: {
    m4a: { stereoBitrate: 128_000, monoBitrate: 96_000 },
    opus: { stereoBitrate: 96_000, monoBitrate: 64_000 },
  },
  waveform: { name: 'waveform', buckets: 1000, sampleRate: 8000 },
});
