import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool, type FfmpegBuild } from '../ffmpeg/index.js';
import { bundledFfmpeg, identifyingMetadata, makeClip, tempDir, testFfmpeg } from '../ffmpeg/testing/index.js';
import { FfmpegVideoTranscoder } from './transcoder.js';

let dir: string;
let tools: FfmpegBuild;
beforeAll(async () => {
  dir = await tempDir('mediaflow-video-metadata-');
  tools = await testFfmpeg();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A clip that carries what uploads carry: a title, a comment, a place and a chapter. */
async function taggedClip(name: string): Promise<string> {
  const plain = await makeClip(dir, { width: 320, height: 180, seconds: 2 }, `${name}-plain`);
  const metadata = join(dir, `${name}.ffmeta`);
  await writeFile(
    metadata,
    ';FFMETADATA1\ntitle=Holiday at home\ncomment=filmed by Alice\nlocation=+48.8584+002.2945/\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=Arrival\n',
  );
  const tagged = join(dir, `${name}.mp4`);
  await runTool(
    tools.ffmpeg,
    ['-nostdin', '-v', 'error', '-i', plain, '-i', metadata, '-map', '0', '-map_metadata', '1', '-map_chapters', '1', '-c', 'copy', '-y', tagged],
    { timeoutMs: 30_000 },
  );
  return tagged;
}

/** Every file under `root`, relative to it. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort();
}

describe('video renditions carry no metadata and do not name their encoder', () => {
  it.each([
    ['the build in use', 'remux'],
    ['the build in use', 'encode'],
    ['the bundled fallback', 'remux'],
  ] as const)('on %s, with the preview made by %s', async (build, preview) => {
    const using = build === 'the build in use' ? tools : await bundledFfmpeg();
    const clip = await taggedClip(`clip-${build.length}-${preview}`);
    // The source does carry them, so that their absence below means something.
    expect((await identifyingMetadata(clip, tools)).join('\n')).toMatch(/title=Holiday at home[\s\S]*1 chapters/);

    const out = join(dir, `out-${build.length}-${preview}`);
    await new FfmpegVideoTranscoder({ tools: using, preview }).transcode({ input: clip, outputPrefix: out, facts: {} });

    const written = await filesUnder(out);
    expect(written).toEqual(expect.arrayContaining(['poster.jpeg', 'preview.mp4', 'thumbs/01.jpeg', 'hls/master.m3u8', 'hls/180p.m3u8', 'hls/180p_00001.ts']));
    const findings: Record<string, string[]> = {};
    for (const file of written) findings[file] = await identifyingMetadata(join(out, file), tools);
    expect(findings).toEqual(Object.fromEntries(written.map((file) => [file, []])));
  });
});
