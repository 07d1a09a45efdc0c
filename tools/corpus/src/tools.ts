import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import type { ExifTool } from 'exiftool-vendored';

const run = promisify(execFile);

/** Thrown when a tool the corpus needs is missing or fails; says which and how to get it. */
export class CorpusToolError extends Error {
  override readonly name = 'CorpusToolError';
}

/** Runs `command` with `args` in `cwd`; a failure carries the tool's own message. */
export async function tool(command: string, args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr?.trim();
    const missing = (cause as { code?: unknown }).code === 'ENOENT';
    throw new CorpusToolError(`${command} ${missing ? 'is not installed' : `failed: ${stderr || String(cause)}`}`, { cause });
  }
}

/** ffmpeg quietly, never reading stdin, overwriting its output. */
export function ffmpeg(binary: string, cwd: string, args: readonly string[]): Promise<string> {
  return tool(binary, ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], cwd);
}

/**
 * ExifTool writing `tags` (`Group:Tag=value`, as on its command line) into `file` in place: no MWG
 * mapping, and a warning fails the write as an error does.
 */
export async function exiftoolWrite(exiftool: ExifTool, file: string, tags: readonly string[]): Promise<void> {
  try {
    await exiftool.write(file, {}, { writeArgs: ['-overwrite_original', ...tags.map((t) => `-${t}`)], useMWG: false, ignoreMinorErrors: false });
  } catch (cause) {
    throw new CorpusToolError(`exiftool could not write ${basename(file)}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Every tag ExifTool finds in `file`, keyed `Group:Tag` with numbers as numbers (what `exiftool -j
 * -n -a -G1 file` prints), read with `exiftool`'s running process.
 *
 * @example
 * const exiftool = new ExifTool();
 * try {
 *   const tags = await exiftoolRead(exiftool, '/tmp/corpus/12-metadata-jpeg-gps-xmp-script.jpg');
 *   tags['GPS:GPSLatitude']; // 48.8584
 * } finally {
 *   await exiftool.end();
 * }
 */
export async function exiftoolRead(exiftool: ExifTool, file: string): Promise<Record<string, unknown>> {
  let read: Record<string, unknown>;
  try {
    read = await exiftool.readRaw<Record<string, unknown>>(file, { readArgs: ['-n', '-a', '-G1'], useMWG: false });
  } catch (cause) {
    throw new CorpusToolError(`exiftool could not read ${basename(file)}: ${(cause as Error).message}`, { cause });
  }
  // exiftool-vendored adds what ExifTool reported as `errors` and `warnings`: they are not tags.
  const { errors, warnings: _warnings, ...tags } = read;
  if (Array.isArray(errors) && errors.length > 0) throw new CorpusToolError(`exiftool could not read ${basename(file)}: ${errors.join('; ')}`);
  return tags;
}
