import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

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
    const hint = missing && command.endsWith('exiftool') ? ' (Debian: apt-get install libimage-exiftool-perl)' : '';
    throw new CorpusToolError(`${command} ${missing ? 'is not installed' : `failed: ${stderr || String(cause)}`}${hint}`, { cause });
  }
}

/** ffmpeg quietly, never reading stdin, overwriting its output. */
export function ffmpeg(binary: string, cwd: string, args: readonly string[]): Promise<string> {
  return tool(binary, ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], cwd);
}

/** exiftool writing `tags` (`Group:Tag=value`) into `file` in place. */
export function exiftoolWrite(binary: string, cwd: string, file: string, tags: readonly string[]): Promise<string> {
  return tool(binary, ['-q', '-overwrite_original', ...tags.map((t) => `-${t}`), file], cwd);
}

/** Every tag exiftool finds in `file`, keyed `Group:Tag` (numbers as numbers). */
export async function exiftoolRead(binary: string, cwd: string, file: string): Promise<Record<string, unknown>> {
  const [tags] = JSON.parse(await tool(binary, ['-j', '-n', '-a', '-G1', file], cwd)) as Record<string, unknown>[];
  return tags ?? {};
}
