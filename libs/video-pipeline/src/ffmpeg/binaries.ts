import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { resolutionBases } from '@mediaflow/domain/node';

/** Paths of the two programs every ffmpeg-based step runs. */
export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
}

/**
 * Explicit paths (or command names on PATH), for a maintained ffmpeg installed on the host. The composition root reads them
 * from `MEDIAFLOW_FFMPEG` / `MEDIAFLOW_FFPROBE`; nothing below it looks at the environment.
 */
export interface BinaryOverrides {
  ffmpeg?: string | undefined;
  ffprobe?: string | undefined;
}

const bundled = {
  ffmpeg: { scope: '@ffmpeg-installer', file: 'ffmpeg' },
  ffprobe: { scope: '@ffprobe-installer', file: 'ffprobe' },
} as const;


/**
 * Finds the binary shipped by `@ffmpeg-installer/<platform>-<arch>` (or the ffprobe twin).
 *
 * @throws MediaError (`internal`) when the package for this platform is not installed.
 */
export function bundledBinaryPath(tool: keyof FfmpegBinaries, bases: readonly string[] = resolutionBases()): string {
  const { scope, file } = bundled[tool];
  const pkg = `${scope}/${process.platform}-${process.arch}/package.json`;
  for (const base of bases) {
    try {
      return join(dirname(createRequire(base).resolve(pkg)), file);
    } catch {
      // Not resolvable from this base; try the next one.
    }
  }
  throw new MediaError('internal', `${tool} not found: install ${pkg.replace('/package.json', '')} or configure a path`, {
    details: { tool },
  });
}

/**
 * Makes sure `path` can be executed, by this process and by the unprivileged user the tools run as
 * under root (see `ToolIsolation`). npm 11 does not run the installer packages' postinstall `chmod`,
 * so on a fresh clone the bundled binaries arrive without the execute bit, or with the owner's only.
 *
 * @throws MediaError (`internal`) when the file is missing or cannot be made executable.
 */
export function ensureExecutable(path: string): string {
  const fail = (cause: unknown): MediaError => new MediaError('internal', `${path} is not executable and could not be made so`, { cause, details: { path } });
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (cause) {
    throw fail(cause);
  }
  if ((mode & 0o111) !== 0o111) {
    try {
      chmodSync(path, mode | 0o111);
    } catch {
      // Another user's program: used as it is, when this process may run it.
    }
  }
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch (cause) {
    throw fail(cause);
  }
}

const checked = new Map<string, string>();

/**
 * The ffmpeg and ffprobe to run: each override when given, otherwise the bundled binary. Checked
 * (and made executable) once per path per process.
 *
 * @example
 * // composition root
 * const binaries = resolveBinaries({ ffmpeg: env.MEDIAFLOW_FFMPEG, ffprobe: env.MEDIAFLOW_FFPROBE });
 */
export function resolveBinaries(overrides: BinaryOverrides = {}): FfmpegBinaries {
  const pick = (tool: keyof FfmpegBinaries): string => {
    const path = overrides[tool] || bundledBinaryPath(tool);
    // A bare command name is looked up on PATH by spawn; only files we point at need the check.
    if (!path.includes('/')) return path;
    const known = checked.get(path);
    if (known !== undefined) return known;
    const ready = ensureExecutable(path);
    checked.set(path, ready);
    return ready;
  };
  return { ffmpeg: pick('ffmpeg'), ffprobe: pick('ffprobe') };
}
