import { MediaConvertApiError, UnsupportedSettingError } from './errors.js';
import { frameCaptureArgs, hlsArgs, jpegQscale } from './ffmpeg.js';
import { avcCodec, masterPlaylist, playlistSegments } from './hls.js';
import { captureKey, planJob, segmentKey, type FrameCaptureOutput, type HlsOutput } from './plan.js';

const h264 = { codec: 'H_264', h264Settings: { rateControlMode: 'QVBR', maxBitrate: 500_000, framerateControl: 'SPECIFIED', framerateNumerator: 30, framerateDenominator: 1 } };
const aac = [{ codecSettings: { codec: 'AAC', aacSettings: { bitrate: 64_000, codingMode: 'CODING_MODE_2_0', sampleRate: 48_000 } } }];

function settings(outputGroups: unknown[], fileInput = 's3://media-bucket/originals/alice/clip.mov'): unknown {
  return { inputs: [{ fileInput }], outputGroups };
}

describe('planJob', () => {
  it("names HLS, MP4 and frame-capture outputs from the group's destination and the name modifiers", () => {
    const plan = planJob(
      settings([
        {
          name: 'HLS',
          outputGroupSettings: { type: 'HLS_GROUP_SETTINGS', hlsGroupSettings: { destination: 's3://out-bucket/r/hls/master', segmentLength: 6 } },
          outputs: [{ nameModifier: '_240p', containerSettings: { container: 'M3U8' }, videoDescription: { width: 320, height: 240, codecSettings: h264 }, audioDescriptions: aac }],
        },
        {
          outputGroupSettings: { type: 'FILE_GROUP_SETTINGS', fileGroupSettings: { destination: 's3://out-bucket/r/' } },
          outputs: [
            { nameModifier: '_preview', containerSettings: { container: 'MP4' }, videoDescription: { codecSettings: h264 } },
            {
              extension: 'jpeg',
              containerSettings: { container: 'RAW' },
              videoDescription: { codecSettings: { codec: 'FRAME_CAPTURE', frameCaptureSettings: { framerateNumerator: 1, framerateDenominator: 2, maxCaptures: 3 } } },
            },
          ],
        },
      ]),
    );
    expect(plan.input).toEqual({ bucket: 'media-bucket', key: 'originals/alice/clip.mov' });
    const [hls, files] = plan.groups;
    expect(hls?.master).toEqual({ bucket: 'out-bucket', key: 'r/hls/master.m3u8' });
    const variant = hls?.outputs[0] as HlsOutput;
    expect(variant).toMatchObject({ kind: 'hls', name: { key: 'r/hls/master_240p' }, segmentSeconds: 6, audio: { bitrate: 64_000, channels: 2 } });
    expect(segmentKey(variant, 1)).toBe('r/hls/master_240p_00001.ts');
    // A destination ending in "/" names files after the input.
    expect(files?.outputs[0]).toMatchObject({ kind: 'mp4', name: { key: 'r/clip_preview' }, moovFirst: true });
    const frames = files?.outputs[1] as FrameCaptureOutput;
    expect(frames).toMatchObject({ kind: 'frames', name: { key: 'r/clip' }, maxCaptures: 3, rate: { numerator: 1, denominator: 2 } });
    expect(captureKey(frames, 0)).toBe('r/clip.0000000.jpeg');
  });

  it('refuses what MediaConvert refuses, and names what the simulator does not render', () => {
    expect(() => planJob(undefined)).toThrow(MediaConvertApiError);
    expect(() => planJob({ inputs: [], outputGroups: [] })).toThrow(/inputs/);
    expect(() => planJob(settings([]))).toThrow(/outputGroups/);
    expect(() => planJob(settings([{ outputGroupSettings: { type: 'HLS_GROUP_SETTINGS', hlsGroupSettings: {} }, outputs: [{}] }]))).toThrow(/destination: required/);
    expect(() => planJob(settings([], 'https://example.com/clip.mov'))).toThrow(/not a valid S3 URI/);
    const qvbrWithoutCap = { codec: 'H_264', h264Settings: { rateControlMode: 'QVBR' } };
    const hlsGroup = (outputs: unknown[]) => ({ outputGroupSettings: { type: 'HLS_GROUP_SETTINGS', hlsGroupSettings: { destination: 's3://out-bucket/m' } }, outputs });
    expect(() => planJob(settings([hlsGroup([{ videoDescription: { codecSettings: qvbrWithoutCap } }])]))).toThrow(/maxBitrate: required/);
    expect(() => planJob(settings([hlsGroup([{ videoDescription: { codecSettings: h264 } }, { videoDescription: { codecSettings: h264 } }])]))).toThrow(/distinct name modifiers/);
    expect(() => planJob(settings([{ outputGroupSettings: { type: 'CMAF_GROUP_SETTINGS' }, outputs: [{}] }]))).toThrow(UnsupportedSettingError);
    expect(() => planJob(settings([hlsGroup([{ videoDescription: { codecSettings: { codec: 'H_265' } } }])]))).toThrow(UnsupportedSettingError);
  });
});

describe('ffmpeg arguments', () => {
  const output: HlsOutput = {
    kind: 'hls',
    name: { bucket: 'b', key: 'r/hls/master_240p' },
    segmentSeconds: 4,
    video: { width: 320, height: 240, bitrate: 500_000, maxBitrate: 500_000, bufferSize: 1_000_000, profile: 'main', sceneChangeDetect: false, frameRate: { numerator: 30, denominator: 1 }, gop: { size: 120, units: 'FRAMES' } },
    audio: { bitrate: 64_000, sampleRate: 48_000, channels: 2 },
  };

  it('encodes an HLS variant capped at its bitrate, with keyframes on segment boundaries and MediaConvert segment names', () => {
    const args = hlsArgs(output, '/in.mov', '/out', true);
    expect(args.join(' ')).toContain('-b:v 500000 -maxrate 500000 -bufsize 1000000 -r 30/1 -g 120 -sc_threshold 0 -force_key_frames expr:gte(t,n_forced*4)');
    expect(args.join(' ')).toContain('-c:a aac -b:a 64000 -ar 48000 -ac 2');
    expect(args.slice(-3)).toEqual(['-hls_segment_filename', '/out/master_240p_%05d.ts', '/out/master_240p.m3u8']);
    expect(hlsArgs(output, '/in.mov', '/out', false)).toContain('-an');
  });

  it('captures frames from 0 s on, numbered from 0', () => {
    const frames: FrameCaptureOutput = { kind: 'frames', name: { bucket: 'b', key: 'r/thumbs/t' }, extension: 'jpeg', rate: { numerator: 1000, denominator: 500 }, maxCaptures: 5, quality: 80 };
    const args = frameCaptureArgs(frames, '/in.mov', '/out');
    expect(args).toEqual(expect.arrayContaining(['-frames:v', '5', '-start_number', '0', '/out/t.%07d.jpeg']));
    expect(args[args.indexOf('-vf') + 1]).toMatch(/^fps=1000\/500,/);
    expect(jpegQscale(100)).toBe(2);
    expect(jpegQscale(1)).toBe(31);
  });
});

describe('HLS playlists', () => {
  it('reads segments and writes a master playlist with the measured bitrates', () => {
    expect(playlistSegments('#EXTM3U\n#EXTINF:4.000000,\na_00001.ts\n#EXTINF:1.5,\na_00002.ts\n#EXT-X-ENDLIST\n')).toEqual([
      { uri: 'a_00001.ts', durationSeconds: 4 },
      { uri: 'a_00002.ts', durationSeconds: 1.5 },
    ]);
    expect(avcCodec('Main', 30)).toBe('avc1.4d401e');
    expect(avcCodec('High', 40)).toBe('avc1.640028');
    expect(masterPlaylist([{ uri: 'master_240p.m3u8', peakBitrate: 510_000.2, averageBitrate: 400_000, width: 320, height: 240, frameRate: 30, codecs: ['avc1.4d401e', 'mp4a.40.2'] }])).toBe(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=510001,AVERAGE-BANDWIDTH=400000,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=320x240,FRAME-RATE=30.000\nmaster_240p.m3u8\n',
    );
  });
});
