/** Where a command writes; tests pass a capturing implementation. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** Bad usage: unknown command, unknown or malformed option. */
export const EXIT_USAGE = 2;

/** A sub-command: a one-line summary for `mediaflow help`, and a runner returning an exit code. */
export interface Command {
  readonly summary: string;
  readonly run: (args: readonly string[], io: Io) => Promise<number>;
}

/** Writes to the process streams. */
export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
