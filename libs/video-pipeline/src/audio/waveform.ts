import { createReadStream } from 'node:fs';
import { PeakAccumulator } from './peaks.js';
import type { AudioPlan, WaveformDocument } from './types.js';

/** The peaks JSON of what an accumulator has seen, decoded at `sampleRate`. */
export function waveformDocument(peaks: PeakAccumulator, sampleRate: number): WaveformDocument {
  return {
    version: 1,
    durationSeconds: Math.round((peaks.frameCount / sampleRate) * 1000) / 1000,
    sampleRate,
    peaks: peaks.peaks(),
  };
}

/**
 * Streams an s16le PCM file (channels interleaved) through a `PeakAccumulator`: memory stays at one read buffer and
 * the accumulator's fixed block array, whatever the duration.
 */
export async function waveformOfPcmFile(path: string, waveform: AudioPlan['waveform'], signal?: AbortSignal): Promise<WaveformDocument> {
  const peaks = new PeakAccumulator(waveform.buckets, undefined, waveform.channels);
  const stream = createReadStream(path, signal === undefined ? {} : { signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) peaks.write(chunk);
  return waveformDocument(peaks, waveform.sampleRate);
}

/** The bytes stored under the `waveform` rendition. */
export function encodeWaveform(document: WaveformDocument): Uint8Array {
  return Buffer.from(JSON.stringify(document), 'utf8');
}
