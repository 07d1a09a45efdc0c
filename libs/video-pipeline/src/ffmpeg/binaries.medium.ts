import { copyFile, chmod, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { bundledBinaryPath, ensureExecutable, resolveBinaries } from './binaries.js';
import { runTool } from './run.js';
import { tempDir } from './testing/index.js';

describe('binaries', () => {
  it('finds the bundled ffmpeg and ffprobe and they run', async () => {
    const { ffmpeg, ffprobe } = resolveBinaries();
    expect(ffmpeg).toMatch(/@ffmpeg-installer\/linux-x64\/ffmpeg$/);
    expect(ffprobe).toMatch(/@ffprobe-installer\/linux-x64\/ffprobe$/);
    expect((await runTool(ffmpeg, ['-version'], { timeoutMs: 10_000 })).stdout).toMatch(/^ffmpeg version/);
    expect((await runTool(ffprobe, ['-version'], { timeoutMs: 10_000 })).stdout).toMatch(/^ffprobe version/);
  });

  it('uses an explicit path or command name as given', () => {
    expect(resolveBinaries({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' })).toEqual({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
  });

  it('makes a binary that arrived without the execute bit (npm 11 skips postinstall) executable', async () => {
    const dir = await tempDir();
    try {
      const copy = join(dir, 'ffmpeg');
      await copyFile(bundledBinaryPath('ffmpeg'), copy);
      await chmod(copy, 0o644);
      expect(ensureExecutable(copy)).toBe(copy);
      expect((await stat(copy)).mode & 0o111).toBe(0o111);
      expect((await runTool(resolveBinaries({ ffmpeg: copy }).ffmpeg, ['-version'], { timeoutMs: 10_000 })).stdout).toMatch(/^ffmpeg/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says what is missing when nothing can be found', () => {
    expect(() => bundledBinaryPath('ffmpeg', ['/nonexistent/package.json'])).toThrow(MediaError);
    expect(() => ensureExecutable('/nonexistent/ffmpeg')).toThrow(/not executable/);
  });
});
