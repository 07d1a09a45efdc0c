import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeakAccumulator } from './peaks.js';
import { encodeWaveform, waveformDocument, waveformOfPcmFile } from './waveform.js';

describe('waveform document', () => {
  it('gives the duration of the samples seen, the rate and the peaks', () => {
    const peaks = new PeakAccumulator(4);
    peaks.writeNormalised(new Array(16_000).fill(0.5));
    expect(waveformDocument(peaks, 8000)).toEqual({ version: 1, durationSeconds: 2, sampleRate: 8000, peaks: [0.5, 0.5, 0.5, 0.5] });
  });

  it('encodes as compact UTF-8 JSON', () => {
    const bytes = encodeWaveform({ version: 1, durationSeconds: 1, sampleRate: 8000, peaks: [0, 1] });
    expect(Buffer.from(bytes).toString('utf8')).toBe('{"version":1,"durationSeconds":1,"sampleRate":8000,"peaks":[0,1]}');
  });

  it('streams a PCM file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mediaflow-waveform-'));
    try {
      const pcm = Buffer.alloc(8000 * 2 * 3);
      pcm.writeInt16LE(-32768, 8000 * 2 * 2);
      await writeFile(join(dir, 'a.s16le'), pcm);
      const doc = await waveformOfPcmFile(join(dir, 'a.s16le'), { name: 'waveform', buckets: 3, sampleRate: 8000, channels: 1, pcmFileName: 'a.s16le' });
      expect(doc).toMatchObject({ durationSeconds: 3, peaks: [0, 0, 1] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
