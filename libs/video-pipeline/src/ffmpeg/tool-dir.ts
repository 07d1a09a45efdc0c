import { chmod, lchown, lstat, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import type { ToolIsolation } from './isolation.js';

/**
 * A private directory for one job of the media tools: their working directory and the only place
 * they write (outputs are named relative to it). It is made inside a directory of its own (mode
 * 0700, this process's user), so no other process reaches it by name: the tools, whose working
 * directory it is, get to it without looking up any directory above it, which lets them work in
 * it under uid isolation even where everything above is this process's alone (a data directory
 * of mode 0700).
 *
 * `runTool` lends it to the tools' user for each run and takes it back afterwards ({@link reclaim}),
 * so that what this process then reads is what the tools wrote and nothing they pointed at.
 *
 * @example
 * const work = await ToolDir.create(outDir, tools.isolation, ['hls']);
 * try {
 *   await runTool(tools.ffmpeg, args, { workDir: work, input, timeoutMs });
 *   await work.moveInto(outDir);
 * } finally {
 *   await work.remove();
 * }
 */
export class ToolDir {
  private lent = false;

  private constructor(
    private readonly root: string,
    /** The tools' working directory. */
    readonly path: string,
    readonly isolation: ToolIsolation,
  ) {}

  /** Makes a fresh tool directory under `parent`, with `subdirs` in it (the tools do not create directories). */
  static async create(parent: string, isolation: ToolIsolation, subdirs: readonly string[] = []): Promise<ToolDir> {
    const root = await mkdtemp(join(parent, 'mediaflow-tool-'));
    try {
      const path = join(root, 'work');
      await mkdir(path, { mode: 0o700 });
      for (const sub of subdirs) await mkdir(join(path, sub), { recursive: true, mode: 0o700 });
      return new ToolDir(root, path, isolation);
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** Gives the directories to the tools' user, so that a run can write in them (a no-op without uid isolation). */
  async lend(): Promise<void> {
    if (this.isolation.kind === 'user') {
      const { uid, gid } = this.isolation;
      await lchown(this.path, uid, gid);
      for (const entry of await readdir(this.path, { recursive: true, withFileTypes: true })) {
        if (entry.isDirectory()) await lchown(join(entry.parentPath, entry.name), uid, gid);
      }
    }
    this.lent = true;
  }

  /**
   * Takes everything back after a run. Each directory becomes this process's before its entries
   * are looked at, so a tool process left behind can no longer add or swap one; files become this
   * process's too, without any set-id or execute bit. Anything but plain directories and files with
   * a single link is refused: this process goes on to read the outputs, and a symbolic or hard link
   * could point it at a file the tools themselves may not read.
   *
   * @throws MediaError (`internal`) naming the first entry that is not a plain file or directory.
   */
  async reclaim(): Promise<void> {
    const take = this.isolation.kind === 'user';
    const uid = process.getuid?.() ?? -1;
    const gid = process.getgid?.() ?? -1;
    const visit = async (dir: string): Promise<void> => {
      if (take) {
        await lchown(dir, uid, gid);
        // A directory the tools made may be open to all; one left running could still write there.
        await chmod(dir, 0o700);
      }
      for (const name of await readdir(dir)) {
        const entry = join(dir, name);
        const stats = await lstat(entry);
        if (stats.isDirectory()) {
          await visit(entry);
        } else if (stats.isFile() && stats.nlink === 1) {
          if (take) {
            await lchown(entry, uid, gid);
            await chmod(entry, 0o644);
          }
        } else {
          throw new MediaError('internal', `a media tool left ${relative(this.path, entry)}, which is not a plain file`, {
            details: { entry: relative(this.path, entry) },
          });
        }
      }
    };
    await visit(this.path);
    this.lent = false;
  }

  /**
   * Moves everything in the directory into `target` (which must be on the same file system, as a
   * directory inside `target` is), replacing files of the same name.
   */
  async moveInto(target: string): Promise<void> {
    if (this.lent) throw new MediaError('internal', 'a tool directory must be taken back before its files are used');
    const move = async (from: string, to: string): Promise<void> => {
      for (const entry of await readdir(from, { withFileTypes: true })) {
        if (entry.isDirectory()) {
          await mkdir(join(to, entry.name), { recursive: true });
          await move(join(from, entry.name), join(to, entry.name));
        } else {
          await rename(join(from, entry.name), join(to, entry.name));
        }
      }
    };
    await move(this.path, target);
  }

  /** Removes the directory and everything in it. */
  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
