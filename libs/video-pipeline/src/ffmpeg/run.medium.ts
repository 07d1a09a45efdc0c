import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LimitExceededError, MediaError, TimeoutError } from '@mediaflow/domain';
import { ToolFailedError } from './errors.js';
import { toolIsolationFor } from './isolation.js';
import type { FfmpegProgress } from './progress.js';
import { DEFAULT_TOOL_MEMORY_BYTES, LOW_PRIORITY_NICE, runTool, TOOL_INPUT_URL } from './run.js';
import { isGone, rejection } from '@mediaflow/domain/testing';
import { tempDir, testFfmpeg } from './testing/index.js';

let ffmpeg: string;
let crashUnderMemoryBoundIsOutOfMemory: boolean;
beforeAll(async () => {
  const tools = await testFfmpeg();
  ffmpeg = tools.ffmpeg;
  crashUnderMemoryBoundIsOutOfMemory = tools.features.crashUnderMemoryBoundIsOutOfMemory;
});

// Endless, real-time paced input: ffmpeg never finishes on its own and uses little CPU meanwhile.
const endless = ['-nostdin', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=s=64x64:r=5', '-f', 'null', '-'];

describe('runTool', () => {
  it('kills the process and rejects with TimeoutError when the time limit runs out', async () => {
    let pid = 0;
    const error = await rejection(runTool(ffmpeg, endless, { timeoutMs: 300, onSpawn: (p) => (pid = p) }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(pid).toBeGreaterThan(0);
    expect(isGone(pid)).toBe(true);
  });

  it('kills the process and rejects with the abort reason when aborted', async () => {
    const controller = new AbortController();
    let pid = 0;
    const running = runTool(ffmpeg, endless, {
      timeoutMs: 60_000,
      signal: controller.signal,
      onSpawn: (p) => {
        pid = p;
        setTimeout(() => controller.abort(), 100);
      },
    });
    const error = await rejection(running);
    expect(error.name).toBe('AbortError');
    expect(isGone(pid)).toBe(true);
  });

  it('does not start when the signal is already aborted', async () => {
    let spawned = false;
    const error = await rejection(runTool(ffmpeg, ['-version'], { timeoutMs: 5_000, signal: AbortSignal.abort(), onSpawn: () => (spawned = true) }));
    expect(error.name).toBe('AbortError');
    expect(spawned).toBe(false);
  });

  it('rejects with the tail of stderr on a non-zero exit', async () => {
    const error = await rejection(runTool(ffmpeg, ['-nostdin', '-v', 'error', '-i', 'file:/nonexistent/input.mp4'], { timeoutMs: 10_000 }));
    expect(error).toBeInstanceOf(ToolFailedError);
    expect((error as ToolFailedError).exitCode).not.toBe(0);
    expect((error as ToolFailedError).stderr).toContain('No such file or directory');
    expect(error.message).toContain('No such file or directory');
  });

  it('keeps stderr bounded', async () => {
    const error = await rejection(
      runTool(ffmpeg, ['-nostdin', '-v', 'debug', '-i', 'file:/nonexistent/input.mp4'], { timeoutMs: 10_000, maxStderrBytes: 200 }),
    );
    expect(Buffer.byteLength((error as ToolFailedError).stderr)).toBeLessThanOrEqual(200);
  });

  it('never goes through a shell', async () => {
    const { stdout } = await runTool('/bin/echo', ['$(id)', '; ls', '`uname`'], { timeoutMs: 5_000 });
    expect(stdout).toBe('$(id) ; ls `uname`\n');
  });

  it('hands the input over open, and refuses one the tools\' user may not read', async () => {
    const dir = await tempDir();
    try {
      const input = join(dir, 'input.txt');
      await writeFile(input, 'the input', { mode: 0o600 });
      const path = TOOL_INPUT_URL.slice('file:'.length);
      expect((await runTool('/bin/cat', [path], { timeoutMs: 5_000, input })).stdout).toBe('the input');
      const refused = await rejection(runTool('/bin/cat', [path], { timeoutMs: 5_000, input, isolation: toolIsolationFor(0) }));
      expect(refused).toBeInstanceOf(MediaError);
      expect(refused.message).toMatch(/^the media tools \(uid 65534\) may not read their input \(mode 600\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lowers the priority of the child when asked', async () => {
    const controller = new AbortController();
    let nice: number | undefined;
    const running = runTool(ffmpeg, endless, {
      timeoutMs: 30_000,
      lowPriority: true,
      signal: controller.signal,
      onSpawn: (pid) => {
        // Wait until the pid runs ffmpeg itself (not a launcher still on its way to exec it); field
        // 19 of /proc/<pid>/stat is the nice value.
        const check = async (): Promise<void> => {
          const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
          if (comm !== 'ffmpeg') {
            setTimeout(() => void check(), 20);
            return;
          }
          const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
          nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
          controller.abort();
        };
        void check();
      },
    });
    await rejection(running);
    expect(nice).toBe(LOW_PRIORITY_NICE);
  });

  it('bounds the address space of every run, nice or not', async () => {
    const controller = new AbortController();
    let limit: string | undefined;
    const running = runTool(ffmpeg, endless, {
      timeoutMs: 30_000,
      lowPriority: true,
      signal: controller.signal,
      onSpawn: (pid) => {
        const check = async (): Promise<void> => {
          if ((await readFile(`/proc/${pid}/comm`, 'utf8')).trim() !== 'ffmpeg') {
            setTimeout(() => void check(), 20);
            return;
          }
          limit = /^Max address space\s+(\d+)/m.exec(await readFile(`/proc/${pid}/limits`, 'utf8'))?.[1];
          controller.abort();
        };
        void check();
      },
    });
    await rejection(running);
    expect(Number(limit)).toBe(DEFAULT_TOOL_MEMORY_BYTES);
  });

  it('rejects with LimitExceededError when the tool needs more memory than its bound, and runs the same work within it', async () => {
    // Encoding one 12 MP frame: x264 allocates its frame buffers, far past 64 MiB (a shared-library
    // build does not even get its libraries mapped in that much; the old static one crashes).
    const big = ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=4000x3000:duration=0.2', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'null', '-'];
    const error = await rejection(runTool(ffmpeg, big, { timeoutMs: 60_000, maxMemoryBytes: 64 * 1024 ** 2, crashUnderMemoryBoundIsOutOfMemory }));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as Error).message).toMatch(/memory limit of 64 MiB/);
    await expect(runTool(ffmpeg, big, { timeoutMs: 60_000 })).resolves.toMatchObject({ stderr: '' });
  });

  it('reports progress from -progress output up to the end', async () => {
    const reports: FfmpegProgress[] = [];
    await runTool(
      ffmpeg,
      ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=64x64:r=10:d=2', '-progress', 'pipe:1', '-f', 'null', '-'],
      { timeoutMs: 30_000, durationSeconds: 2, onProgress: (p) => reports.push(p) },
    );
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.at(-1)).toMatchObject({ done: true, fraction: 1 });
    expect(reports.every((r, i) => i === 0 || (r.fraction ?? 0) >= (reports[i - 1]?.fraction ?? 0))).toBe(true);
  });
});
