import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { rejection } from '@mediaflow/domain/testing';
import { detectFfmpeg, findOnPath } from './build.js';
import { runTool } from './run.js';
import { tempDir, testFfmpeg } from './testing/index.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('mediaflow-build-');
  // Under root the tools run as an unprivileged user (see `ToolIsolation`), who must reach them.
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * A directory holding `ffmpeg` and `ffprobe` programs that print the given version banners (the
 * choice is made from `-version` alone, so that is all they need to do).
 */
async function fakeTools(name: string, versions: { ffmpeg?: string; ffprobe?: string }): Promise<string> {
  const bin = join(dir, name);
  await mkdir(bin, { recursive: true });
  for (const [tool, version] of Object.entries(versions)) {
    const path = join(bin, tool);
    await writeFile(path, `#!/bin/sh\necho "${tool} version ${version} Copyright (c) 2000-2026 the FFmpeg developers"\n`);
    await chmod(path, 0o755);
  }
  return bin;
}

describe('detectFfmpeg', () => {
  it('falls back to the bundled pair, says why, and turns off what that build cannot do', async () => {
    const tools = await detectFfmpeg({ searchPath: join(dir, 'nothing-here') });
    expect(tools.source).toBe('bundled');
    expect(tools.current).toBe(false);
    expect(tools.version).toMatch(/^N-\d+-g[0-9a-f]+/);
    expect(tools.probeVersion).not.toBe(tools.version);
    expect(tools.release).toEqual([4, 1]);
    expect(tools.features).toEqual({ mpegts: false, hlsNamedVariants: false, crashUnderMemoryBoundIsOutOfMemory: true });
    expect(tools.description).toMatch(/^ffmpeg N-\d+\S* \(2018\) with ffprobe N-\d+\S* \(2023\), bundled fallback: /);
    expect(tools.warning).toMatch(/bundled fallback ffmpeg \(no ffmpeg and ffprobe on PATH\)/);
    expect(tools.warning).toMatch(/apt-get install ffmpeg/);
    expect((await runTool(tools.ffmpeg, ['-version'], { timeoutMs: 10_000 })).stdout).toMatch(/^ffmpeg version N-/);
  });

  it('takes a current pair of one build from PATH, before the fallback', async () => {
    const bin = await fakeTools('current', { ffmpeg: '6.1.2-3', ffprobe: '6.1.2-3' });
    const tools = await detectFfmpeg({ searchPath: [join(dir, 'missing'), bin, '/usr/bin'].join(delimiter) });
    expect(tools).toMatchObject({ source: 'path', ffmpeg: join(bin, 'ffmpeg'), ffprobe: join(bin, 'ffprobe'), version: '6.1.2-3', release: [6, 1], current: true, warning: undefined });
    expect(tools.features).toEqual({ mpegts: true, hlsNamedVariants: true, crashUnderMemoryBoundIsOutOfMemory: false });
    expect(tools.description).toBe(`ffmpeg 6.1.2-3, found on PATH: ${join(bin, 'ffmpeg')}, ${join(bin, 'ffprobe')}`);
  });

  it.each([
    ['too old', { ffmpeg: '4.4.2-0ubuntu0.22.04.1', ffprobe: '4.4.2-0ubuntu0.22.04.1' }, /ffmpeg 4\.4\.2\S* on PATH is 4\.4, older than 5\.1/],
    ['two builds', { ffmpeg: '6.1.2', ffprobe: '5.1.9' }, /ffmpeg 6\.1\.2 and ffprobe 5\.1\.9 on PATH are not of one build/],
    ['half a pair', { ffmpeg: '6.1.2' }, /ffprobe is missing beside .*ffmpeg on PATH/],
  ])('passes over a pair on PATH that is %s, and says so', async (name, versions, why) => {
    const bin = await fakeTools(name.replaceAll(' ', '-'), versions);
    const tools = await detectFfmpeg({ searchPath: bin });
    expect(tools.source).toBe('bundled');
    expect(tools.warning).toMatch(why);
  });

  it('uses a configured pair as it is, and refuses one it cannot honour rather than run another', async () => {
    const current = await fakeTools('configured', { ffmpeg: '7.1', ffprobe: '7.1' });
    const tools = await detectFfmpeg({ configured: { ffmpeg: join(current, 'ffmpeg'), ffprobe: join(current, 'ffprobe') }, searchPath: '/usr/bin' });
    expect(tools).toMatchObject({ source: 'configured', version: '7.1', current: true, warning: undefined });

    const old = await fakeTools('configured-old', { ffmpeg: '4.3.1', ffprobe: '4.3.1' });
    const refused = await rejection(detectFfmpeg({ configured: { ffmpeg: join(old, 'ffmpeg'), ffprobe: join(old, 'ffprobe') } }));
    expect(refused).toBeInstanceOf(MediaError);
    expect(refused.message).toMatch(/ffmpeg 4\.3\.1 \(configured\) is 4\.3, older than 5\.1; install ffmpeg 5\.1 or newer/);
    await expect(detectFfmpeg({ configured: { ffmpeg: join(current, 'ffmpeg') } })).rejects.toThrow(/needs its ffprobe too/);
    await expect(detectFfmpeg({ configured: { ffmpeg: join(dir, 'none', 'ffmpeg'), ffprobe: join(dir, 'none', 'ffprobe') } })).rejects.toThrow(/could not be (run|made so)|not executable/);
  });

  it('finds only executable files on PATH', async () => {
    const bin = join(dir, 'not-executable');
    await mkdir(join(bin, 'ffmpeg'), { recursive: true });
    await writeFile(join(bin, 'ffprobe'), '#!/bin/sh\n');
    expect(findOnPath('ffmpeg', bin)).toBeUndefined();
    expect(findOnPath('ffprobe', bin)).toBeUndefined();
    expect(findOnPath('sh', `relative/dir${delimiter}/bin`)).toBe('/bin/sh');
  });

  it('describes the build the tests run on', async () => {
    const tools = await testFfmpeg();
    expect((await runTool(tools.ffmpeg, ['-version'], { timeoutMs: 10_000 })).stdout).toContain(`ffmpeg version ${tools.version}`);
    expect(tools.description).toContain(tools.ffmpeg);
    expect(tools.current).toBe(tools.warning === undefined);
  });
});
