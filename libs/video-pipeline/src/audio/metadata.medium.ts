import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FfmpegBuild } from '../ffmpeg/index.js';
import { identifyingMetadata, tempDir, testFfmpeg } from '../ffmpeg/testing/index.js';
import { FfmpegAudioProcessor } from './processor.js';
import { makeAudio, makeCover, type AudioFixtureFormat } from './testing/index.js';

let dir: string;
let tools: FfmpegBuild;
beforeAll(async () => {
  dir = await tempDir('mediaflow-audio-metadata-');
  tools = await testFfmpeg();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tags = { title: 'Night Train', artist: 'The Examples', album: 'Generated', genre: 'Ambient', date: '2019' };

describe('audio renditions carry no metadata and do not name their encoder', () => {
  it.each(['mp3', 'flac', 'm4a'] as const satisfies readonly AudioFixtureFormat[])('from a tagged %s with a cover', async (format) => {
    const input = await makeAudio(dir, { format, seconds: 2, tags, coverPath: await makeCover(dir) }, `tagged-${format}`);
    expect((await identifyingMetadata(input, tools)).join('\n')).toContain('title=Night Train');

    const result = await new FfmpegAudioProcessor({ tools }).process(input);
    // The tags are read for the item's facts, not copied into the previews.
    expect(result.tags.title).toBe('Night Train');
    expect(result.files.map((f) => `${f.name}.${f.format}`)).toEqual(['preview.m4a', 'preview.opus', 'waveform.json']);
    const findings: Record<string, string[]> = {};
    for (const file of result.files) {
      const path = join(dir, `${format}-${file.name}.${file.format}`);
      await writeFile(path, file.body ?? new Uint8Array());
      findings[`${file.name}.${file.format}`] = await identifyingMetadata(path, tools);
    }
    expect(findings).toEqual({ 'preview.m4a': [], 'preview.opus': [], 'waveform.json': [] });
  });
});
