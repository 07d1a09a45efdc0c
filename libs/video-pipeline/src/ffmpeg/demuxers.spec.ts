import { DEFAULT_DEMUXERS, VIDEO_DEMUXERS, allowedDemuxer } from './demuxers.js';

describe('allowedDemuxer', () => {
  it.each([
    ['mov,mp4,m4a,3gp,3g2,mj2', 'mov'],
    ['matroska,webm', 'matroska'],
    ['avi', 'avi'],
    ['mp3', 'mp3'],
    ['wav', 'wav'],
  ])('allows %s as %s', (formatName, demuxer) => {
    expect(allowedDemuxer(formatName)).toBe(demuxer);
  });

  it('refuses MPEG-TS by default, which the bundled ffprobe crashes on, and allows it when asked', () => {
    expect(allowedDemuxer('mpegts')).toBeUndefined();
    expect(allowedDemuxer('mpegts', [...VIDEO_DEMUXERS, 'mpegts'])).toBe('mpegts');
  });

  it.each(['hls', 'applehttp', 'hls,applehttp', 'concat', 'ffconcat', 'sdp', 'rtp', 'image2', 'tty', 'data', 'lavfi', ''])('refuses %j', (formatName) => {
    expect(allowedDemuxer(formatName)).toBeUndefined();
  });

  it('keeps audio-only containers out of the video list', () => {
    expect(allowedDemuxer('mp3', VIDEO_DEMUXERS)).toBeUndefined();
    expect(DEFAULT_DEMUXERS).toEqual(expect.arrayContaining([...VIDEO_DEMUXERS, 'mp3', 'flac']));
  });
});
