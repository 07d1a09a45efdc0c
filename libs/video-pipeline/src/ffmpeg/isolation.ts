/**
 * Who the media tools run as. ffmpeg and ffprobe parse untrusted uploads with a great deal of C, so
 * Mediaflow treats them as code an input may take over, and keeps what they can reach small:
 *
 * - always: an empty environment (no cloud credentials, nothing else of the server's), a private
 *   job directory as their working directory, the input handed over already open, and allow-lists
 *   of protocols, demuxers and decoders (`safeInputArgs`);
 * - `user`: when the server runs as root (containers, CI), the tools also run as an unprivileged
 *   user, so the server's files (the data directory and its `secret.key`, mode 0600) and its own
 *   process (`/proc/<pid>/environ`) are out of their reach;
 * - `none`: otherwise the tools run as the server's own user. Nothing short of a sandbox keeps a
 *   process from the files of the user it runs as: the server's secrets are then protected only by
 *   the tools never being asked to open them (no protocol but `file` on the one input, no demuxer
 *   that follows names inside a file), not against a tool that an input has taken over.
 */
export type ToolIsolation =
  | { readonly kind: 'user'; readonly uid: number; readonly gid: number; readonly description: string }
  | { readonly kind: 'none'; readonly description: string };

/** The unprivileged user and group the tools run as under root: nobody/nogroup on Debian, Ubuntu, Alpine and Amazon Linux. */
export const UNPRIVILEGED_ID = 65534;

const COMMON = 'with an empty environment, in private job directories';

/** Tools run as this process's user, with the rest of the isolation (the default of `runTool`). */
export const SAME_USER: ToolIsolation = Object.freeze({
  kind: 'none',
  description: `media tools run as this process's user, ${COMMON}; nothing keeps a tool that an input takes over from that user's files (the data directory's secret.key), which only a sandbox or another user can (started as root, the server runs them as uid ${UNPRIVILEGED_ID})`,
});

/**
 * The isolation for a process running as `processUid`: under root the tools run as `tool`
 * (default {@link UNPRIVILEGED_ID}), otherwise as the process's own user. Pure.
 *
 * @example
 * toolIsolationFor(0).kind; // 'user'
 * toolIsolationFor(1000).kind; // 'none'
 */
export function toolIsolationFor(processUid: number | undefined, tool: { uid: number; gid: number } = { uid: UNPRIVILEGED_ID, gid: UNPRIVILEGED_ID }): ToolIsolation {
  if (processUid !== 0) {
    if (processUid === undefined) return SAME_USER;
    return { kind: 'none', description: SAME_USER.description.replace("this process's user", `this process's user (uid ${processUid})`) };
  }
  return {
    kind: 'user',
    uid: tool.uid,
    gid: tool.gid,
    description: `media tools run as uid ${tool.uid} and gid ${tool.gid}, ${COMMON}: the server's files (the data directory's secret.key) are out of their reach`,
  };
}

/** The isolation this process can give the tools (see {@link toolIsolationFor}). */
export function detectToolIsolation(): ToolIsolation {
  return toolIsolationFor(process.getuid?.());
}
