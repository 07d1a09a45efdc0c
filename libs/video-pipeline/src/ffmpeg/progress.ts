/** What ffmpeg's `-progress` output says about a running encode. */
export interface FfmpegProgress {
  /** Media time written so far, in seconds. */
  outTimeSeconds: number;
  /** 0..1 of `durationSeconds` when a duration is known, otherwise `undefined`. */
  fraction: number | undefined;
  /** `true` on the last report (`progress=end`). */
  done: boolean;
}

/**
 * Turns the `key=value` lines of `-progress pipe:1` into progress reports. ffmpeg prints a block of
 * keys and ends each block with `progress=continue|end`; one report is made per block. Chunks can
 * split lines anywhere, so the unfinished tail is kept for the next chunk.
 */
export class ProgressParser {
  private pending = '';
  private outTimeUs: number | undefined;

  constructor(
    private readonly durationSeconds: number | undefined,
    private readonly report: (progress: FfmpegProgress) => void,
  ) {}

  push(chunk: string): void {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line.trim());
  }

  private line(line: string): void {
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    // `out_time_ms` is also microseconds (a long-standing misnomer); older builds print only it.
    if (key === 'out_time_us' || (key === 'out_time_ms' && this.outTimeUs === undefined)) {
      const us = Number(value);
      if (Number.isFinite(us) && us >= 0) this.outTimeUs = us;
    } else if (key === 'progress') {
      const done = value === 'end';
      const outTimeSeconds = (this.outTimeUs ?? 0) / 1e6;
      const d = this.durationSeconds;
      const fraction = d !== undefined && d > 0 ? Math.min(1, done ? 1 : outTimeSeconds / d) : done ? 1 : undefined;
      this.outTimeUs = undefined;
      this.report({ outTimeSeconds, fraction, done });
    }
  }
}
