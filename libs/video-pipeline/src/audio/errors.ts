import { CorruptMediaError } from '@mediaflow/domain';
import { ToolFailedError, translateToolFailure } from '../ffmpeg/index.js';

/**
 * Turns a failed ffprobe/ffmpeg run on an upload into the domain error reported to its owner.
 * The shared translation recognises refused containers and typical decoder messages; whatever
 * else makes a tool fail on a file that passed the allow-lists (random bytes that happen to look
 * like MP3 frames, a damaged header) is still the file's fault, not Mediaflow's, so it is
 * `CorruptMediaError` rather than an internal error. Local paths are cut from the reason, which
 * ends up on the item.
 *
 * @example
 * try { await probeFile(path, options); } catch (e) { throw toAudioError(e, 'reading the file'); }
 */
export function toAudioError(error: unknown, doing: string): Error {
  const translated = translateToolFailure(error);
  if (!(translated instanceof ToolFailedError)) return translated;
  const reason = withoutPaths(lastLine(translated.stderr) || translated.message);
  return new CorruptMediaError(`${doing} failed: ${reason}`, { cause: translated });
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}

function withoutPaths(text: string): string {
  return text
    .replace(/\[[\w,]+ @ 0x[0-9a-f]+\]\s*/g, '')
    .replace(/(?:file:)?\/[^\s:'"]+/g, 'the file')
    .slice(0, 300);
}
