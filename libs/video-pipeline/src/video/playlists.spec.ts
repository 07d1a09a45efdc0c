import { CorruptMediaError } from '@mediaflow/domain';
import { avcMainCodec, h264Level } from './level.js';
import { buildMasterPlaylist, parseAttributeList, parseMediaPlaylist, reconcileMasterPlaylist, rewriteMediaPlaylist, type MasterVariant } from './playlists.js';

const media = '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:6.000000,\n0_00001.ts\n#EXTINF:2.040000,\n0_00002.ts\n#EXT-X-ENDLIST\n';

describe('media playlists', () => {
  it('lists segments with their durations', () => {
    expect(parseMediaPlaylist(media)).toEqual([
      { uri: '0_00001.ts', durationSeconds: 6 },
      { uri: '0_00002.ts', durationSeconds: 2.04 },
    ]);
  });

  it('renames segment URIs and keeps every tag', () => {
    const out = rewriteMediaPlaylist(media, (uri) => uri.replace(/^0_/, '720p_'));
    expect(out).toBe(media.replaceAll('0_0000', '720p_0000'));
  });

  it('refuses text that is not a playlist, or a segment without duration', () => {
    expect(() => parseMediaPlaylist('hello')).toThrow(CorruptMediaError);
    expect(() => parseMediaPlaylist('#EXTM3U\nseg.ts\n')).toThrow(CorruptMediaError);
  });
});

describe('master playlist', () => {
  it('lists variants with bandwidths, size, rate and codecs', () => {
    const text = buildMasterPlaylist([
      { uri: '720p.m3u8', bandwidth: 4_100_000.4, averageBandwidth: 2_000_000, width: 1280, height: 720, frameRate: 30, codecs: ['avc1.4d401f', 'mp4a.40.2'] },
      { uri: '240p.m3u8', bandwidth: 500_000, averageBandwidth: 300_000, width: 426, height: 240, frameRate: 29.97, codecs: ['avc1.4d401e'] },
    ]);
    expect(text.split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-STREAM-INF:BANDWIDTH=4100000,AVERAGE-BANDWIDTH=2000000,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.4d401f,mp4a.40.2"',
      '720p.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=300000,RESOLUTION=426x240,FRAME-RATE=29.970,CODECS="avc1.4d401e"',
      '240p.m3u8',
      '',
    ]);
  });
});

describe('reconcileMasterPlaylist', () => {
  // What ffmpeg 5.1's HLS muxer writes for two variants with -master_pl_name.
  const FFMPEG_MASTER = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-STREAM-INF:BANDWIDTH=4540800,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2"',
    '720p.m3u8',
    '',
    '#EXT-X-STREAM-INF:BANDWIDTH=600600,RESOLUTION=426x240,CODECS="avc1.4d401e,mp4a.40.2"',
    '240p.m3u8',
    '',
  ].join('\n');
  const variants: MasterVariant[] = [
    { uri: '720p.m3u8', bandwidth: 3_900_000, averageBandwidth: 2_100_000, width: 1280, height: 720, frameRate: 30, codecs: ['avc1.4d401f', 'mp4a.40.2'] },
    { uri: '240p.m3u8', bandwidth: 450_000, averageBandwidth: 310_000, width: 426, height: 240, frameRate: 30, codecs: ['avc1.4d401e', 'mp4a.40.2'] },
  ];

  it('keeps what the muxer got right and adds the average bandwidth, frame rate and independent segments', () => {
    const { text, corrections } = reconcileMasterPlaylist(FFMPEG_MASTER, variants);
    expect(corrections).toEqual([]);
    expect(text.split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-STREAM-INF:BANDWIDTH=4540800,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2",AVERAGE-BANDWIDTH=2100000,FRAME-RATE=30.000',
      '720p.m3u8',
      '',
      '#EXT-X-STREAM-INF:BANDWIDTH=600600,RESOLUTION=426x240,CODECS="avc1.4d401e,mp4a.40.2",AVERAGE-BANDWIDTH=310000,FRAME-RATE=30.000',
      '240p.m3u8',
      '',
    ]);
  });

  it('raises a declared bandwidth below the measured peak and corrects a wrong size or codec', () => {
    const peaky = variants.map((v, i) => (i === 0 ? { ...v, bandwidth: 5_000_000.2 } : { ...v, width: 428 }));
    const { text, corrections } = reconcileMasterPlaylist(FFMPEG_MASTER.replace('avc1.4d401e', 'avc1.64001e'), peaky);
    expect(corrections).toEqual([
      '720p.m3u8: BANDWIDTH 4540800 is below the measured peak of 5000001',
      '240p.m3u8: RESOLUTION 426x240 is not the planned 428x240',
      '240p.m3u8: CODECS "avc1.64001e,mp4a.40.2" is not the encoded "avc1.4d401e,mp4a.40.2"',
    ]);
    expect(text).toContain('BANDWIDTH=5000001,RESOLUTION=1280x720');
    expect(text).toContain('RESOLUTION=428x240,CODECS="avc1.4d401e,mp4a.40.2"');
  });

  it('refuses a master that lists other variants or misses one', () => {
    expect(() => reconcileMasterPlaylist(FFMPEG_MASTER, variants.slice(0, 1))).toThrow(CorruptMediaError);
    const extra: MasterVariant = { uri: '1080p.m3u8', bandwidth: 1, averageBandwidth: 1, width: 1920, height: 1080, frameRate: 30, codecs: ['avc1.4d4028'] };
    expect(() => reconcileMasterPlaylist(FFMPEG_MASTER, [...variants, extra])).toThrow(/lacks 1080p.m3u8/);
    expect(() => reconcileMasterPlaylist('not a playlist', variants)).toThrow(CorruptMediaError);
  });

  it('splits attribute lists with quoted commas', () => {
    expect([...parseAttributeList('BANDWIDTH=1,CODECS="a,b",RESOLUTION=2x2')]).toEqual([
      ['BANDWIDTH', '1'],
      ['CODECS', '"a,b"'],
      ['RESOLUTION', '2x2'],
    ]);
  });
});

describe('h264Level', () => {
  it.each([
    [426, 240, 30, 500_000, '3.0', 'avc1.4d401e'],
    [960, 540, 30, 2_500_000, '3.1', 'avc1.4d401f'],
    [1280, 720, 30, 4_000_000, '3.1', 'avc1.4d401f'],
    [1280, 720, 60, 6_000_000, '3.2', 'avc1.4d4020'],
    [1920, 1080, 30, 6_000_000, '4.0', 'avc1.4d4028'],
    [1920, 1080, 60, 9_000_000, '4.2', 'avc1.4d402a'],
  ])('%dx%d@%d %d b/s -> %s', (w, h, fps, rate, level, codec) => {
    const found = h264Level(w, h, fps, rate);
    expect(found.level).toBe(level);
    expect(avcMainCodec(found)).toBe(codec);
  });
});
