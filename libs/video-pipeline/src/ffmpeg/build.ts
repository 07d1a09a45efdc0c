import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { resolveBinaries, type BinaryOverrides, type FfmpegBinaries } from './binaries.js';
import { detectToolIsolation, type ToolIsolation } from './isolation.js';
import { runTool } from './run.js';

/** Where an ffmpeg/ffprobe pair came from. */
export type FfmpegSource = 'configured' | 'path' | 'bundled';

/** The oldest release Mediaflow runs on by choice: Debian 12's security-maintained 5.1. */
export const MINIMUM_FFMPEG_RELEASE: readonly [number, number] = Object.freeze([5, 1]) as readonly [number, number];

/**
 * libavformat's version in each release's first build (5.1 shipped 59.27.100), for builds that
 * print a git snapshot (`N-47683-g0e8eb07980`) instead of a release number.
 */
const LIBAVFORMAT_OF_RELEASE: readonly { release: readonly [number, number]; libavformat: readonly [number, number] }[] = [
  { release: [8, 0], libavformat: [62, 3] },
  { release: [7, 1], libavformat: [61, 7] },
  { release: [7, 0], libavformat: [61, 1] },
  { release: [6, 1], libavformat: [60, 16] },
  { release: [6, 0], libavformat: [60, 3] },
  { release: [5, 1], libavformat: [59, 27] },
  { release: [5, 0], libavformat: [59, 16] },
  { release: [4, 4], libavformat: [58, 76] },
  { release: [4, 3], libavformat: [58, 45] },
  { release: [4, 2], libavformat: [58, 29] },
  { release: [4, 1], libavformat: [58, 20] },
];

/** What `ffmpeg -version` (or `ffprobe -version`) says about its build. */
export interface ToolVersion {
  /** The word after "version": `5.1.9-0+deb12u1`, `N-47683-g0e8eb07980-static`, `7.1`. */
  text: string;
  /**
   * The release this build is, or is at least (a snapshot is placed by its libavformat):
   * `[5, 1]`. Undefined when neither says.
   */
  release: readonly [number, number] | undefined;
  /** The last year of the copyright line, which dates a snapshot. */
  year: number | undefined;
}

const compare = (a: readonly [number, number], b: readonly [number, number]): number => a[0] - b[0] || a[1] - b[1];

/**
 * Reads the version banner every ffmpeg tool prints with `-version`. Pure.
 *
 * @example
 * parseToolVersion('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 ...').release; // [5, 1]
 */
export function parseToolVersion(output: string): ToolVersion | undefined {
  const head = /^ff(?:mpeg|probe) version (\S+)/m.exec(output);
  if (!head?.[1]) return undefined;
  const text = head[1];
  const year = /Copyright \(c\) \d{4}-(\d{4})/.exec(output)?.[1];
  const numbered = /^n?(\d+)\.(\d+)/.exec(text);
  let release: readonly [number, number] | undefined = numbered ? [Number(numbered[1]), Number(numbered[2])] : undefined;
  if (!release) {
    const lavf = /libavformat\s+(\d+)\.\s*(\d+)\./.exec(output);
    if (lavf) {
      const version: [number, number] = [Number(lavf[1]), Number(lavf[2])];
      release = LIBAVFORMAT_OF_RELEASE.find((r) => compare(version, r.libavformat) >= 0)?.release;
    }
  }
  return { text, release, year: year === undefined ? undefined : Number(year) };
}

/** What the pipeline may ask of a build, decided once from its version. */
export interface FfmpegFeatures {
  /**
   * MPEG-TS uploads (`.ts`, `.m2ts`, `.mts`): ffprobe builds before 5.1 that Mediaflow has met
   * crash on them, so they are refused there.
   */
  mpegts: boolean;
  /**
   * The HLS muxer names each variant (`name:` in `-var_stream_map`) and writes the master playlist
   * itself (`-master_pl_name`); older builds lack the key and crash writing the master with several
   * variants, so their index-named output is renamed and the master written by the pipeline.
   */
  hlsNamedVariants: boolean;
  /**
   * A crash under the address-space bound means a failed allocation the tool did not check, which
   * old builds do; on a current build a crash is a crash, reported as such.
   */
  crashUnderMemoryBoundIsOutOfMemory: boolean;
}

/** An ffmpeg and an ffprobe of one build, what they are and what they can do. */
export interface FfmpegBuild extends FfmpegBinaries {
  source: FfmpegSource;
  /** ffmpeg's version text; ffprobe's is the same unless this is the bundled fallback. */
  version: string;
  probeVersion: string;
  /** The release it is (or is at least), when known. */
  release: readonly [number, number] | undefined;
  /** At least `MINIMUM_FFMPEG_RELEASE`, with ffmpeg and ffprobe of one build. */
  current: boolean;
  features: FfmpegFeatures;
  /** One line for banners and `status`: version, where it came from, where it is. */
  description: string;
  /** Why the fallback runs and what to do about it; undefined for a current build. */
  warning: string | undefined;
  /** Who the tools run as; every step passes it to `runTool`. */
  isolation: ToolIsolation;
}

/** Features of a build of this release (undefined: unknown, taken as old). */
export function featuresOf(release: readonly [number, number] | undefined): FfmpegFeatures {
  const current = release !== undefined && compare(release, MINIMUM_FFMPEG_RELEASE) >= 0;
  return { mpegts: current, hlsNamedVariants: current, crashUnderMemoryBoundIsOutOfMemory: !current };
}

const releaseText = (release: readonly [number, number] | undefined): string => (release ? `${release[0]}.${release[1]}` : 'an unknown release');
const minimumText = releaseText(MINIMUM_FFMPEG_RELEASE);
const INSTALL_HINT = `install ffmpeg ${minimumText} or newer (Debian/Ubuntu: apt-get install ffmpeg) or point MEDIAFLOW_FFMPEG and MEDIAFLOW_FFPROBE at one`;

interface Candidate {
  paths: FfmpegBinaries;
  ffmpeg: ToolVersion;
  ffprobe: ToolVersion;
}

async function versionOf(binary: string, timeoutMs: number, isolation: ToolIsolation): Promise<ToolVersion> {
  const { stdout } = await runTool(binary, ['-version'], { timeoutMs, isolation, label: `${binary} -version`, maxStdoutBytes: 64 * 1024 });
  const version = parseToolVersion(stdout);
  if (!version) throw new MediaError('internal', `${binary} -version did not print an ffmpeg version`, { details: { binary } });
  return version;
}

async function inspect(paths: FfmpegBinaries, timeoutMs: number, isolation: ToolIsolation): Promise<Candidate> {
  const [ffmpeg, ffprobe] = await Promise.all([versionOf(paths.ffmpeg, timeoutMs, isolation), versionOf(paths.ffprobe, timeoutMs, isolation)]);
  return { paths, ffmpeg, ffprobe };
}

/** Why a pair is not used, or undefined when it is current and of one build. */
function shortcoming(candidate: Candidate, where: string): string | undefined {
  const { ffmpeg, ffprobe } = candidate;
  if (ffmpeg.text !== ffprobe.text) return `ffmpeg ${ffmpeg.text} and ffprobe ${ffprobe.text} ${where} are not of one build`;
  if (!ffmpeg.release || compare(ffmpeg.release, MINIMUM_FFMPEG_RELEASE) < 0) {
    return `ffmpeg ${ffmpeg.text} ${where} is ${ffmpeg.release ? releaseText(ffmpeg.release) : 'of an unknown release'}, older than ${minimumText}`;
  }
  return undefined;
}

function describe(candidate: Candidate, source: FfmpegSource): string {
  const where = { configured: 'configured', path: 'found on PATH', bundled: 'bundled fallback' }[source];
  const dated = (v: ToolVersion): string => (/^\d/.test(v.text) || v.year === undefined ? v.text : `${v.text} (${v.year})`);
  const versions = candidate.ffmpeg.text === candidate.ffprobe.text ? dated(candidate.ffmpeg) : `${dated(candidate.ffmpeg)} with ffprobe ${dated(candidate.ffprobe)}`;
  return `ffmpeg ${versions}, ${where}: ${candidate.paths.ffmpeg}, ${candidate.paths.ffprobe}`;
}

function toBuild(candidate: Candidate, source: FfmpegSource, warning: string | undefined, isolation: ToolIsolation): FfmpegBuild {
  const current = shortcoming(candidate, '') === undefined;
  // The pair is only as capable as its older half (the bundled ffprobe is newer than its ffmpeg).
  const release = [candidate.ffmpeg.release, candidate.ffprobe.release].reduce<readonly [number, number] | undefined>(
    (low, r) => (low === undefined || r === undefined ? undefined : compare(r, low) < 0 ? r : low),
    candidate.ffmpeg.release,
  );
  return {
    ...candidate.paths,
    source,
    version: candidate.ffmpeg.text,
    probeVersion: candidate.ffprobe.text,
    release,
    current,
    features: featuresOf(current ? release : undefined),
    description: describe(candidate, source),
    warning,
    isolation,
  };
}

/** The first executable file called `name` in the directories of `searchPath` (a PATH value). */
export function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}

export interface DetectFfmpegOptions {
  /** An explicit pair (`MEDIAFLOW_FFMPEG`/`MEDIAFLOW_FFPROBE` at the composition root): used or refused, never replaced. */
  configured?: BinaryOverrides | undefined;
  /** The PATH to look for `ffmpeg` and `ffprobe` on; not searched when undefined. */
  searchPath?: string | undefined;
  /** The fallback pair (default: the npm-bundled binaries). */
  bundled?: (() => FfmpegBinaries) | undefined;
  /** Limit of each `-version` run. Default 15 s. */
  timeoutMs?: number | undefined;
  /**
   * Who the tools run as, from the `-version` runs on (so a program the tools' user may not run is
   * found here, not in a job). Default: what this process can give them (`detectToolIsolation`).
   */
  isolation?: ToolIsolation | undefined;
}

/**
 * Chooses the ffmpeg and ffprobe Mediaflow runs, checking each candidate's version once:
 * 1. a configured pair, which must be of one build and at least 5.1 (else this throws: a setting
 *    that cannot be honoured is an error, not a reason to run something else);
 * 2. `ffmpeg` and `ffprobe` on `searchPath`, when they are of one build and at least 5.1;
 * 3. the npm-bundled pair (a 2018 ffmpeg with a 2023 ffprobe), with a warning that says why.
 *
 * @throws MediaError (`internal`) when a configured pair cannot run or is refused, or when no
 *   pair can be run at all.
 * @example
 * // composition root
 * const tools = await detectFfmpeg({ configured: { ffmpeg: env.MEDIAFLOW_FFMPEG, ffprobe: env.MEDIAFLOW_FFPROBE }, searchPath: env.PATH });
 * if (tools.warning) log.warn(tools.warning);
 */
export async function detectFfmpeg(options: DetectFfmpegOptions = {}): Promise<FfmpegBuild> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const isolation = options.isolation ?? detectToolIsolation();
  const configured = options.configured;
  if (configured?.ffmpeg || configured?.ffprobe) {
    if (!configured.ffmpeg || !configured.ffprobe) {
      throw new MediaError('internal', 'a configured ffmpeg needs its ffprobe too (both of one build), or neither');
    }
    const paths = resolveBinaries(configured);
    let candidate: Candidate;
    try {
      candidate = await inspect(paths, timeoutMs, isolation);
    } catch (cause) {
      throw new MediaError('internal', `the configured ffmpeg/ffprobe could not be run: ${(cause as Error).message}`, { cause });
    }
    const problem = shortcoming(candidate, '(configured)');
    if (problem) throw new MediaError('internal', `${problem}; ${INSTALL_HINT}`, { details: { ffmpeg: paths.ffmpeg, ffprobe: paths.ffprobe } });
    return toBuild(candidate, 'configured', undefined, isolation);
  }

  let why = `no ffmpeg and ffprobe on PATH`;
  if (options.searchPath !== undefined) {
    const ffmpeg = findOnPath('ffmpeg', options.searchPath);
    const ffprobe = findOnPath('ffprobe', options.searchPath);
    if (ffmpeg && ffprobe) {
      try {
        const candidate = await inspect({ ffmpeg, ffprobe }, timeoutMs, isolation);
        const problem = shortcoming(candidate, 'on PATH');
        if (!problem) return toBuild(candidate, 'path', undefined, isolation);
        why = problem;
      } catch (cause) {
        why = `ffmpeg on PATH could not be run (${(cause as Error).message})`;
      }
    } else if (ffmpeg || ffprobe) {
      why = `${ffmpeg ? 'ffprobe' : 'ffmpeg'} is missing beside ${ffmpeg ?? ffprobe} on PATH`;
    }
  }

  // `resolveBinaries` makes the bundled pair executable (npm 11 skips their postinstall chmod).
  const paths = options.bundled ? resolveBinaries(options.bundled()) : resolveBinaries();
  const candidate = await inspect(paths, timeoutMs, isolation);
  const build = toBuild(candidate, 'bundled', undefined, isolation);
  const refused = build.features.mpegts ? '' : ' MPEG-TS uploads are refused and HLS is assembled by hand on it;';
  return { ...build, warning: `running the bundled fallback ffmpeg (${why}): an old static build that is not security-maintained.${refused} ${INSTALL_HINT}` };
}
