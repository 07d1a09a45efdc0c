import { CorruptMediaError, TimeoutError, UnsupportedMediaError } from '@mediaflow/domain';
import { ToolFailedError } from '../ffmpeg/index.js';
import { toAudioError } from './errors.js';

const failed = (stderr: string): ToolFailedError => new ToolFailedError('ffprobe failed', { exitCode: 1, signal: null, stderr });

describe('toAudioError', () => {
  it('calls an unexplained tool failure on an upload corrupt, with the reason and without local paths', () => {
    const error = toAudioError(
      failed('[mp3 @ 0xf4c12c0] Failed to read frame size: Could not seek to 66559.\nfile:/tmp/job-1/random.mp3: Invalid argument\n'),
      'reading the file',
    );
    expect(error).toBeInstanceOf(CorruptMediaError);
    expect(error.message).toBe('reading the file failed: the file: Invalid argument');
    expect(error.cause).toBeInstanceOf(ToolFailedError);
  });

  it('keeps the shared translation of refused containers', () => {
    expect(toAudioError(failed('[hls,applehttp @ 0x1] Format not on whitelist'), 'x')).toBeInstanceOf(UnsupportedMediaError);
  });

  it('passes other errors through', () => {
    const timeout = new TimeoutError('slow');
    expect(toAudioError(timeout, 'x')).toBe(timeout);
  });
});
