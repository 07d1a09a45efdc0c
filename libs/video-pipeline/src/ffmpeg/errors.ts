import { CorruptMediaError, MediaError, UnsupportedMediaError, type MediaErrorOptions } from '@mediaflow/domain';

/**
 * ffmpeg or ffprobe ended with a non-zero status or a signal. `stderr` is the tail of what the
 * tool printed (bounded), which usually names the reason; callers translate it into a more
 * specific `MediaError` when they can (see `translateToolFailure`).
 */
export class ToolFailedError extends MediaError {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;

  constructor(
    message: string,
    result: { exitCode: number | null; signal: NodeJS.Signals | null; stderr: string },
    options?: MediaErrorOptions,
  ) {
    super('internal', message, options);
    this.exitCode = result.exitCode;
    this.signal = result.signal;
    this.stderr = result.stderr;
  }
}

/**
 * Maps a failed ffmpeg/ffprobe run to the most specific domain error its stderr supports: a
 * refused demuxer or decoder is `UnsupportedMediaError`, undecodable data is `CorruptMediaError`; anything
 * else (and any non-tool error) is returned as it is.
 */
export function translateToolFailure(error: unknown): Error {
  if (!(error instanceof ToolFailedError)) return error instanceof Error ? error : new MediaError('internal', String(error));
  const refused = /\[([\w,]+) @ [^\]]+\] Format not on whitelist/.exec(error.stderr);
  if (refused) {
    return new UnsupportedMediaError(`container "${refused[1]}" is not allowed`, { cause: error, details: { container: refused[1] } });
  }
  const codec = /Codec \(([\w-]+)\) not on whitelist/.exec(error.stderr);
  if (codec) {
    return new UnsupportedMediaError(`codec "${codec[1]}" is not supported`, { cause: error, details: { codec: codec[1] } });
  }
  if (error.signal === 'SIGSEGV' || error.signal === 'SIGBUS' || error.signal === 'SIGABRT' || error.signal === 'SIGFPE') {
    // The tool crashed on this input; it is the input that cannot be handled, whatever the bug.
    return new CorruptMediaError(`input made the media tool crash (${error.signal})`, { cause: error, details: { signal: error.signal } });
  }
  if (/Invalid data found when processing input|corrupt|error while decoding|moov atom not found/i.test(error.stderr)) {
    return new CorruptMediaError('input could not be decoded', { cause: error });
  }
  return error;
}
