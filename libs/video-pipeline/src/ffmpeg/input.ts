import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { UnsupportedMediaError } from '@mediaflow/domain';

/**
 * Turns a caller's local path into the only form Mediaflow hands to ffmpeg as an input: a `file:`
 * URL of an absolute, existing regular file. ffmpeg reads `concat:a|b`, `http://...`, `subfile,,...`
 * and the like as protocols, so a bare string is never passed, and a path that resolves to a device,
 * a FIFO or a directory is refused before any tool runs.
 *
 * @throws UnsupportedMediaError when the path is not a regular file.
 */
export async function toFileInput(path: string): Promise<{ absolutePath: string; url: string; bytes: number }> {
  if (path.length === 0 || path.includes('\0')) throw new UnsupportedMediaError('input path is empty or invalid');
  const absolute = isAbsolute(path) ? path : resolve(path);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (cause) {
    throw new UnsupportedMediaError('input file does not exist', { cause });
  }
  const info = await stat(real);
  if (!info.isFile()) throw new UnsupportedMediaError('input is not a regular file');
  // `file:` takes the rest verbatim (no URL decoding), so no escaping is needed or wanted.
  return { absolutePath: real, url: `file:${real}`, bytes: info.size };
}
