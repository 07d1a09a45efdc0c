import type { Io } from './io.js';

/** An {@link Io} that keeps what was written, for tests. */
export function captureIo(): Io & { out: () => string; err: () => string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout: (text) => {
      stdout.push(text);
    },
    stderr: (text) => {
      stderr.push(text);
    },
    out: () => stdout.join(''),
    err: () => stderr.join(''),
  };
}
