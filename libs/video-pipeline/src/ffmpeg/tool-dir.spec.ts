import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { rejection } from '@mediaflow/domain/testing';
import { SAME_USER, toolIsolationFor } from './isolation.js';
import { ToolDir } from './tool-dir.js';

const asRoot = process.getuid?.() === 0;
const isolation = asRoot ? toolIsolationFor(0) : SAME_USER;

let parent: string;
beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'mediaflow-tool-dir-'));
});
afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('ToolDir', () => {
  it('is a work directory with the asked subdirectories inside a private directory, removed whole', async () => {
    const dir = await ToolDir.create(parent, isolation, ['hls', 'thumbs']);
    expect(dir.path).toMatch(/\/mediaflow-tool-[^/]+\/work$/);
    expect((await stat(join(dir.path, '..'))).mode & 0o777).toBe(0o700);
    expect((await stat(dir.path)).mode & 0o777).toBe(0o700);
    expect((await readdir(dir.path)).sort()).toEqual(['hls', 'thumbs']);
    await dir.remove();
    expect(await readdir(parent)).toEqual([]);
  });

  it('lends its directories to the tools\' user, and takes them and what was written back', async () => {
    const own = { uid: process.getuid?.(), gid: process.getgid?.() };
    const tool = isolation.kind === 'user' ? { uid: isolation.uid, gid: isolation.gid } : own;
    const dir = await ToolDir.create(parent, isolation, ['hls']);
    await dir.lend();
    expect((await stat(join(dir.path, 'hls'))).uid).toBe(tool.uid);
    expect((await stat(join(dir.path, '..'))).uid).toBe(own.uid);
    // What a tool writes, with the modes it chooses.
    execFileSync('/bin/sh', ['-c', 'mkdir open && chmod 777 open && echo x > open/a && echo y > hls/b && chmod 4755 hls/b'], { cwd: dir.path, ...(isolation.kind === 'user' ? tool : {}) });
    await dir.reclaim();
    // Under uid isolation everything is this process's again, closed to others and without set-id bits.
    const expected = (path: string, directory: boolean): object => ({
      path,
      ...own,
      mode: asRoot ? (directory ? 0o700 : 0o644) : ({ '': 0o700, hls: 0o700, open: 0o777, 'open/a': 0o644, 'hls/b': 0o4755 } as Record<string, number>)[path],
    });
    for (const path of ['', 'hls', 'open', 'open/a', 'hls/b']) {
      const info = await stat(join(dir.path, path));
      expect({ path, uid: info.uid, gid: info.gid, mode: info.mode & 0o7777 }).toEqual(expected(path, info.isDirectory()));
    }
  });

  it.each([
    ['a symbolic link', (path: string) => symlink('/etc/hostname', join(path, 'poster.jpeg'))],
    ['a hard link', async (path: string) => {
      await writeFile(join(path, 'a.ts'), 'x');
      await link(join(path, 'a.ts'), join(path, 'b.ts'));
    }],
    ['a FIFO', (path: string) => Promise.resolve(execFileSync('mkfifo', [join(path, 'preview.mp4')]))],
  ])('refuses %s left among the outputs', async (_what, plant) => {
    const dir = await ToolDir.create(parent, isolation, ['hls']);
    await dir.lend();
    await mkdir(join(dir.path, 'hls', 'deep'));
    await plant(join(dir.path, 'hls', 'deep'));
    const error = await rejection(dir.reclaim());
    expect(error).toBeInstanceOf(MediaError);
    expect(error.message).toMatch(/^a media tool left hls\/deep\/\S+, which is not a plain file$/);
    await expect(dir.moveInto(parent)).rejects.toThrow(/taken back/);
  });

  it('moves what was written into a target, merging directories and replacing files', async () => {
    const target = join(parent, 'out');
    await mkdir(join(target, 'hls'), { recursive: true });
    await writeFile(join(target, 'hls', 'kept.m3u8'), 'kept');
    await writeFile(join(target, 'poster.jpeg'), 'old');
    const dir = await ToolDir.create(target, isolation, ['hls', 'thumbs']);
    await dir.lend();
    await writeFile(join(dir.path, 'hls', '240p.m3u8'), 'new');
    await writeFile(join(dir.path, 'poster.jpeg'), 'new');
    await writeFile(join(dir.path, 'thumbs', '01.jpeg'), 'new');
    await chmod(join(dir.path, 'poster.jpeg'), 0o600);
    await dir.reclaim();
    await dir.moveInto(target);
    await dir.remove();
    expect((await readdir(target)).sort()).toEqual(['hls', 'poster.jpeg', 'thumbs']);
    expect((await readdir(join(target, 'hls'))).sort()).toEqual(['240p.m3u8', 'kept.m3u8']);
    expect(await readFile(join(target, 'poster.jpeg'), 'utf8')).toBe('new');
    expect(existsSync(join(target, 'thumbs', '01.jpeg'))).toBe(true);
  });
});
