import { spawn } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { availableParallelism, setPriority, tmpdir } from 'node:os';
import { LimitExceededError, MediaError, TimeoutError, UnsupportedMediaError } from '@mediaflow/domain';
import { ToolFailedError } from './errors.js';
import { SAME_USER, type ToolIsolation } from './isolation.js';
import { ProgressParser, type FfmpegProgress } from './progress.js';
import { ToolDir } from './tool-dir.js';

/** The descriptor the input is handed over on (after stdin, stdout and stderr). */
const INPUT_FD = 3;

/**
 * How a tool names the file given as `RunToolOptions.input`: its own open descriptor. Opening it
 * again through `/proc` needs no look-up of the directories above the file, so the tools read an
 * input they could not reach by its name (under uid isolation), and only that one.
 */
export const TOOL_INPUT_URL = `file:${process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd'}/${INPUT_FD}`;

export interface RunToolOptions {
  /** Hard wall-clock limit; the process is killed (SIGKILL) when it runs out. */
  timeoutMs: number;
  /** Aborting kills the process and rejects with the signal's reason (an `AbortError` by default). */
  signal?: AbortSignal | undefined;
  /** Run at a lower CPU priority (nice 10) so that encodes do not starve the API and the queues. */
  lowPriority?: boolean | undefined;
  /**
   * The most address space the tool may take (its `RLIMIT_AS`, set through `prlimit`), so one
   * hostile or huge input cannot take the machine's memory from every other job; an allocation
   * past it fails inside the tool, which then exits and the run rejects with `LimitExceededError`.
   * Default {@link DEFAULT_TOOL_MEMORY_BYTES}; `false` leaves the tool unbounded. Where `prlimit`
   * is missing (some minimal images) the tool runs without the bound.
   */
  maxMemoryBytes?: number | false | undefined;
  /**
   * Read a crash (SIGSEGV, SIGBUS, SIGABRT) under the memory bound as the bound being reached, for
   * old builds that do not check their allocations (`FfmpegFeatures`). Default false: a current
   * build reports a failed allocation, so its crash is reported as a crash.
   */
  crashUnderMemoryBoundIsOutOfMemory?: boolean | undefined;
  /** stdout beyond this is an error (ffprobe JSON is small; a flood means something is wrong). Default 8 MiB. */
  maxStdoutBytes?: number | undefined;
  /** Only the last this-many bytes of stderr are kept, for error reasons. Default 16 KiB. */
  maxStderrBytes?: number | undefined;
  /**
   * Parses stdout as ffmpeg `-progress pipe:1` output instead of collecting it; the arguments must
   * contain `-progress pipe:1`.
   */
  onProgress?: ((progress: FfmpegProgress) => void) | undefined;
  /** The input's duration, to turn progress times into fractions. */
  durationSeconds?: number | undefined;
  /**
   * Who the tool runs as (`FfmpegBuild.isolation`). Default {@link SAME_USER}: this process's user,
   * which the steps of the pipeline never rely on; they pass the build's.
   */
  isolation?: ToolIsolation | undefined;
  /**
   * The job's tool directory: the tool's working directory, lent to it for the run and taken back
   * afterwards (see `ToolDir`). Its isolation is the run's. Default: a fresh one under the OS
   * temporary directory, removed after the run.
   */
  workDir?: ToolDir | undefined;
  /**
   * The one file the tool reads, handed over open; the arguments name it {@link TOOL_INPUT_URL}.
   * It must be a regular file readable by the tool's user.
   */
  input?: string | undefined;
  /** Names the tool in error messages; defaults to the binary path's last segment. */
  label?: string | undefined;
  /** Called with the child's pid once it has started (tests use it to check it is gone). */
  onSpawn?: ((pid: number) => void) | undefined;
}

export interface RunToolResult {
  /** Collected stdout ('' when `onProgress` consumed it). */
  stdout: string;
  /** The tail of stderr. */
  stderr: string;
  pid: number;
}

/** The nice value of low-priority runs. */
export const LOW_PRIORITY_NICE = 10;

/**
 * Default address-space bound of a media tool run. Address space, not resident memory: x264 and
 * the decoders reserve per thread, and their threads grow with the cores, so the bound does too.
 * A three-rung 1080p ladder needs between 0.5 and 1 GiB of address space on 2 cores.
 */
export const DEFAULT_TOOL_MEMORY_BYTES = Math.max(2 * 1024 ** 3, availableParallelism() * 512 * 1024 ** 2);

/**
 * Runs a binary without a shell and settles only after the child has exited, so that a rejected
 * promise never leaves a process behind. Rejects with `TimeoutError` after `timeoutMs`, with the
 * abort reason when `signal` aborts, and with `ToolFailedError` on a non-zero exit.
 *
 * The tool starts with an empty environment (nothing of this process's, cloud credentials above
 * all; a bare command name is looked up on the system's default path), in a private job directory
 * (`workDir`, or a fresh one), as the user `isolation` names.
 *
 * @example
 * const { stdout } = await runTool(binaries.ffprobe, ['-version'], { timeoutMs: 5_000, isolation: build.isolation });
 */
export async function runTool(binary: string, args: readonly string[], options: RunToolOptions): Promise<RunToolResult> {
  const label = options.label ?? binary.split('/').pop() ?? binary;
  if (options.signal?.aborted) throw abortReason(options.signal, label);
  const isolation = options.workDir?.isolation ?? options.isolation ?? SAME_USER;
  if (options.workDir && options.isolation && options.isolation !== options.workDir.isolation) {
    throw new MediaError('internal', `${label}: the work directory was made for another isolation`);
  }

  const dir = options.workDir ?? (await ToolDir.create(tmpdir(), isolation));
  let input: FileHandle | undefined;
  try {
    if (options.input !== undefined) input = await openInput(options.input, isolation);
    await dir.lend();
    let result: RunToolResult;
    try {
      result = await spawnTool(binary, args, options, { label, isolation, cwd: dir.path, inputFd: input?.fd });
    } catch (error) {
      // The run's own failure is the one to report; the caller removes what is left.
      await dir.reclaim().catch(() => undefined);
      throw error;
    }
    await dir.reclaim();
    return result;
  } finally {
    await input?.close();
    if (!options.workDir) await dir.remove();
  }
}

/**
 * Opens the input for a run: a regular file the tool's user may read (it is opened again through
 * `/proc`, which checks the file's own permissions).
 */
async function openInput(path: string, isolation: ToolIsolation): Promise<FileHandle> {
  // Non-blocking, so that a FIFO put in the file's place cannot hang the open.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new UnsupportedMediaError('input is not a regular file');
    if (isolation.kind === 'user') {
      const bit = stats.uid === isolation.uid ? 0o400 : stats.gid === isolation.gid ? 0o040 : 0o004;
      if ((stats.mode & bit) === 0) {
        throw new MediaError('internal', `the media tools (uid ${isolation.uid}) may not read their input (mode ${(stats.mode & 0o777).toString(8)}): write inputs readable by others, as a umask of 022 does`, {
          details: { mode: stats.mode & 0o777 },
        });
      }
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

interface SpawnSettings {
  label: string;
  isolation: ToolIsolation;
  cwd: string;
  inputFd: number | undefined;
}

function spawnTool(binary: string, args: readonly string[], options: RunToolOptions, settings: SpawnSettings): Promise<RunToolResult> {
  const { label, isolation } = settings;
  const maxStdout = options.maxStdoutBytes ?? 8 * 1024 * 1024;
  const maxStderr = options.maxStderrBytes ?? 16 * 1024;
  const { signal } = options;
  // Preparing the run took a moment, in which the signal may have fired.
  if (signal?.aborted) return Promise.reject(abortReason(signal, label));

  const nice = options.lowPriority ? niceBinary() : undefined;
  const memoryLimit = options.maxMemoryBytes === false ? undefined : (options.maxMemoryBytes ?? DEFAULT_TOOL_MEMORY_BYTES);
  const prlimit = memoryLimit === undefined ? undefined : prlimitBinary();
  // prlimit sets the limit and execs nice, which execs the tool: the limit is inherited by both.
  const chain = [
    ...(prlimit && memoryLimit !== undefined ? [prlimit, `--as=${Math.floor(memoryLimit)}`, '--'] : []),
    ...(nice ? [nice, '-n', String(LOW_PRIORITY_NICE)] : []),
    binary,
    ...args,
  ];
  const [command, ...argv] = chain as [string, ...string[]];
  const bounded = prlimit !== undefined && memoryLimit !== undefined;

  return new Promise<RunToolResult>((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: settings.cwd,
      // Nothing the tools need comes from the environment; the server's credentials must not reach them.
      env: {},
      ...(isolation.kind === 'user' ? { uid: isolation.uid, gid: isolation.gid } : {}),
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe', settings.inputFd ?? 'ignore'],
      windowsHide: true,
    });

    let failure: Error | undefined;
    const kill = (why: Error): void => {
      failure ??= why;
      // SIGKILL: a stuck demuxer may not react to SIGTERM, and partial outputs are discarded anyway.
      child.kill('SIGKILL');
    };

    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    const progress = options.onProgress ? new ProgressParser(options.durationSeconds, options.onProgress) : undefined;

    child.stdout?.on('data', (chunk: Buffer) => {
      if (progress) {
        progress.push(chunk.toString('utf8'));
        return;
      }
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        kill(new MediaError('internal', `${label} wrote more than ${maxStdout} bytes of output`));
        return;
      }
      stdoutChunks.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      const joined = Buffer.concat([stderr, chunk]);
      stderr = joined.length > maxStderr ? joined.subarray(joined.length - maxStderr) : joined;
    });

    const timer = setTimeout(() => {
      kill(new TimeoutError(`${label} exceeded its time limit of ${options.timeoutMs} ms`, { details: { limitMs: options.timeoutMs } }));
    }, options.timeoutMs);
    const onAbort = (): void => kill(abortReason(signal, label));
    signal?.addEventListener('abort', onAbort, { once: true });

    child.once('spawn', () => {
      const pid = child.pid;
      if (pid === undefined) return;
      if (options.lowPriority && !nice) {
        try {
          setPriority(pid, LOW_PRIORITY_NICE);
        } catch {
          // Priority is a courtesy to other work; an encode at normal priority is still correct.
        }
      }
      options.onSpawn?.(pid);
    });

    child.once('error', (cause) => {
      // Spawn failures (ENOENT, EACCES) emit 'error' and then 'close'; keep the first reason.
      const who =
        isolation.kind === 'user' && (cause as NodeJS.ErrnoException).code === 'EACCES'
          ? ` (it runs as uid ${isolation.uid}: the program and every directory above it must be open to others)`
          : '';
      failure ??= new MediaError('internal', `${label} could not be started: ${cause.message}${who}`, { cause });
    });

    child.once('close', (exitCode, exitSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const stderrText = stderr.toString('utf8');
      if (failure) {
        reject(failure);
      } else if (
        exitCode !== 0 && bounded && memoryLimit !== undefined &&
        (outOfMemory(stderrText) || (options.crashUnderMemoryBoundIsOutOfMemory === true && CRASH_SIGNALS.has(exitSignal ?? '')))
      ) {
        // A failed allocation is reported by some code paths and, in old builds, crashes others (an
        // unchecked malloc): under the bound, both are read as the input needing more memory than allowed.
        const mib = Math.round(memoryLimit / 1024 ** 2);
        const how = exitSignal ? `was killed by ${exitSignal} under` : 'ran out of';
        reject(new LimitExceededError(`${label} ${how} its memory limit of ${mib} MiB`, { details: { limitBytes: memoryLimit, exitCode, signal: exitSignal } }));
      } else if (exitCode !== 0) {
        const reason = lastLines(stderrText, 3) || `exit ${exitCode ?? exitSignal}`;
        reject(new ToolFailedError(`${label} failed: ${reason}`, { exitCode, signal: exitSignal, stderr: stderrText }));
      } else {
        resolve({ stdout: Buffer.concat(stdoutChunks).toString('utf8'), stderr: stderrText, pid: child.pid ?? -1 });
      }
    });
  });
}

/** Signals a tool dies of when an allocation it did not check fails. */
const CRASH_SIGNALS: ReadonlySet<string> = new Set(['SIGSEGV', 'SIGBUS', 'SIGABRT']);

/**
 * What the tools print when an allocation fails (x264's own message, libavutil's and glibc's), and
 * the dynamic loader's when a bound too small for the build's shared libraries stops it at start.
 */
function outOfMemory(stderr: string): boolean {
  return /malloc of size \d+ failed|Cannot allocate memory|out of memory|std::bad_alloc|failed to map segment from shared object/i.test(stderr);
}

let prlimitCache: string | null | undefined;

/** util-linux's `prlimit`, which sets a resource limit and execs the command under it. */
function prlimitBinary(): string | undefined {
  if (prlimitCache === undefined) prlimitCache = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p)) ?? null;
  return prlimitCache ?? undefined;
}

let niceCache: string | null | undefined;

/**
 * `nice` execs the tool at the lower priority from its first instruction, so every thread the tool
 * starts inherits it (Linux priorities are per thread; `setPriority` on the pid after spawn only
 * reaches the threads started after it). Without `nice`, `setPriority` is the fallback.
 */
function niceBinary(): string | undefined {
  if (niceCache === undefined) niceCache = ['/usr/bin/nice', '/bin/nice'].find((p) => existsSync(p)) ?? null;
  return niceCache ?? undefined;
}

function abortReason(signal: AbortSignal | undefined, label: string): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(`${label} was aborted`);
  error.name = 'AbortError';
  return error;
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ').slice(0, 500);
}
