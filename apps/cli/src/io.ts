/** Where a command writes; tests pass a capturing implementation. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * True when stdout and stderr are both terminals (progress is drawn on stderr): only then may a
   * command redraw a line (progress bars, `\r`, ANSI codes); otherwise it writes plain lines, one
   * per event, so nothing redrawn ends up in a file or a pipe. Unset is not a terminal.
   */
  readonly isTTY?: boolean;
  /** True when stderr is a terminal, whatever stdout is (the server's log is on stderr). Unset: as `isTTY`. */
  readonly stderrIsTTY?: boolean;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** Bad usage: unknown command, unknown or malformed option. */
export const EXIT_USAGE = 2;

/** The exit codes every command shares, as `--help` lists them. */
export const EXIT_CODES_USAGE = `Exit codes:
  0  done
  1  failed (the command says why on stderr)
  2  bad usage: unknown command, unknown or malformed option`;

/** A sub-command: a one-line summary for `mediaflow help`, and a runner returning an exit code. */
export interface Command {
  readonly summary: string;
  readonly run: (args: readonly string[], io: Io) => Promise<number>;
}

let stderrGuarded = false;

/**
 * Writes `text` on stderr. A stderr whose reader went away (`serve 2>&1 | head`, a log shipper
 * restarting) fails its writes with `EPIPE`, emitted as an `error` event: unheard, that would end
 * the process, a server mid-job included, on its next log line. Heard, the lines are lost and the
 * work goes on.
 */
function writeStderr(text: string): void {
  if (!stderrGuarded) {
    stderrGuarded = true;
    process.stderr.on('error', () => undefined);
  }
  process.stderr.write(text);
}

/** Writes to the process streams. */
export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: writeStderr,
  isTTY: process.stdout.isTTY === true && process.stderr.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
};
