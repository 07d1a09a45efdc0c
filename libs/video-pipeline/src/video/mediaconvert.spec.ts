import type { CreateJobCommandInput, H264Settings, OutputGroup } from '@aws-sdk/client-mediaconvert';
import { ValidationError } from '@mediaflow/domain';
import { planLadder } from './ladder.js';
import { buildMediaConvertJob, classifyCloudOutput, frameRateFraction, renditionForKey } from './mediaconvert.js';

const plan = planLadder({ width: 1920, height: 1080, frameRate: 29.97, durationSeconds: 60, audioCodec: 'aac' });
const ids = { ownerId: 'alice', mediaId: '01JABCDEFGHJKMNPQRSTVWXYZ0' };
const role = 'arn:aws:iam::123456789012:role/mediaflow-mediaconvert';
const job: CreateJobCommandInput = buildMediaConvertJob(
  plan,
  { bucket: 'mediaflow-media', key: `originals/alice/${ids.mediaId}` },
  { bucket: 'mediaflow-media', prefix: `renditions/alice/${ids.mediaId}/` },
  role,
  { ...ids, queueArn: 'arn:aws:mediaconvert:eu-west-1:123456789012:queues/mediaflow' },
);
const base = `s3://mediaflow-media/renditions/alice/${ids.mediaId}/`;

function group(name: string): OutputGroup {
  const found = job.Settings?.OutputGroups?.find((g) => g.Name === name);
  if (!found) throw new Error(`no ${name} group`);
  return found;
}

function h264(g: OutputGroup, i = 0): H264Settings {
  const settings = g.Outputs?.[i]?.VideoDescription?.CodecSettings?.H264Settings;
  if (!settings) throw new Error('no H.264 settings');
  return settings;
}

describe('buildMediaConvertJob', () => {
  it('carries the role, queue, ids and the input with automatic rotation', () => {
    expect(job.Role).toBe(role);
    expect(job.Queue).toBe('arn:aws:mediaconvert:eu-west-1:123456789012:queues/mediaflow');
    expect(job.UserMetadata).toEqual(ids);
    // The submitting work's correlation id, when it has one, rides along for the completion.
    const correlated = buildMediaConvertJob(plan, { bucket: 'mediaflow-media', key: `originals/alice/${ids.mediaId}` }, { bucket: 'mediaflow-media', prefix: 'r/' }, role, { ...ids, correlationId: 'req-42' });
    expect(correlated.UserMetadata).toEqual({ ...ids, correlationId: 'req-42' });
    expect(job.StatusUpdateInterval).toBe('SECONDS_15');
    const input = job.Settings?.Inputs?.[0];
    expect(input?.FileInput).toBe(`s3://mediaflow-media/originals/alice/${ids.mediaId}`);
    expect(input?.VideoSelector?.Rotate).toBe('AUTO');
    expect(input?.AudioSelectors?.['Audio Selector 1']?.DefaultSelection).toBe('DEFAULT');
  });

  it('writes one HLS group with the plan ladder under QVBR capped at each rung maximum', () => {
    const hls = group('HLS');
    const settings = hls.OutputGroupSettings?.HlsGroupSettings;
    expect(hls.OutputGroupSettings?.Type).toBe('HLS_GROUP_SETTINGS');
    expect(settings?.Destination).toBe(`${base}hls/master`);
    expect(settings?.SegmentLength).toBe(6);
    expect(settings?.DirectoryStructure).toBe('SINGLE_DIRECTORY');
    expect(hls.Outputs?.map((o) => o.NameModifier)).toEqual(['_1080p', '_720p', '_540p', '_360p', '_240p']);
    expect(hls.Outputs?.map((o) => [o.VideoDescription?.Width, o.VideoDescription?.Height])).toEqual([
      [1920, 1080], [1280, 720], [960, 540], [640, 360], [426, 240],
    ]);
    expect(hls.Outputs?.every((o) => o.ContainerSettings?.Container === 'M3U8')).toBe(true);
    expect(h264(hls, 0)).toMatchObject({
      RateControlMode: 'QVBR',
      MaxBitrate: 6_000_000,
      QvbrSettings: { QvbrQualityLevel: 8 },
      CodecProfile: 'MAIN',
      GopSize: 180,
      GopSizeUnits: 'FRAMES',
      SceneChangeDetect: 'DISABLED',
      FramerateNumerator: 30000,
      FramerateDenominator: 1001,
    });
    expect(h264(hls, 4).MaxBitrate).toBe(500_000);
    expect(hls.Outputs?.[4]?.AudioDescriptions?.[0]?.CodecSettings?.AacSettings?.Bitrate).toBe(64_000);
  });

  it('makes a fast-start MP4 preview at 720p', () => {
    const preview = group('Preview');
    expect(preview.OutputGroupSettings?.FileGroupSettings?.Destination).toBe(`${base}preview`);
    const output = preview.Outputs?.[0];
    expect(output?.ContainerSettings).toEqual({ Container: 'MP4', Mp4Settings: { MoovPlacement: 'PROGRESSIVE_DOWNLOAD' } });
    expect([output?.VideoDescription?.Width, output?.VideoDescription?.Height]).toEqual([1280, 720]);
    expect(h264(preview).MaxBitrate).toBe(4_000_000);
  });

  it('captures the poster at its planned time and the thumbnails across the clip', () => {
    expect(plan.poster.atSeconds).toBeCloseTo(6, 1);
    const poster = group('Poster').Outputs?.[0];
    expect(group('Poster').OutputGroupSettings?.FileGroupSettings?.Destination).toBe(`${base}frames/poster`);
    expect(poster?.Extension).toBe('jpeg');
    expect(poster?.VideoDescription?.CodecSettings?.FrameCaptureSettings).toMatchObject({ FramerateNumerator: 1000, FramerateDenominator: Math.round(plan.poster.atSeconds * 1000), MaxCaptures: 2 });
    const thumbs = group('Thumbnails').Outputs?.[0];
    expect(group('Thumbnails').OutputGroupSettings?.FileGroupSettings?.Destination).toBe(`${base}thumbs/t`);
    expect(thumbs?.VideoDescription?.CodecSettings?.FrameCaptureSettings).toMatchObject({ MaxCaptures: 5, FramerateDenominator: 12012 });
    expect([thumbs?.VideoDescription?.Width, thumbs?.VideoDescription?.Height]).toEqual([320, 180]);
  });

  it('leaves audio out for a silent source', () => {
    const silent = buildMediaConvertJob(planLadder({ width: 640, height: 360, durationSeconds: 3 }), { bucket: 'in-bucket', key: 'k' }, { bucket: 'out-bucket', prefix: '' }, role, ids);
    expect(silent.Settings?.Inputs?.[0]?.AudioSelectors).toBeUndefined();
    expect(silent.Settings?.OutputGroups?.every((g) => g.Outputs?.every((o) => o.AudioDescriptions === undefined))).toBe(true);
    expect(silent.Queue).toBeUndefined();
  });

  it('refuses bad buckets, prefixes and roles', () => {
    const ok = { bucket: 'out-bucket', prefix: 'p/' };
    expect(() => buildMediaConvertJob(plan, { bucket: 'Bad_Bucket', key: 'k' }, ok, role, ids)).toThrow(ValidationError);
    expect(() => buildMediaConvertJob(plan, { bucket: 'in-bucket', key: 'k' }, { bucket: 'out-bucket', prefix: 'p' }, role, ids)).toThrow(ValidationError);
    expect(() => buildMediaConvertJob(plan, { bucket: 'in-bucket', key: 'k' }, ok, 'role', ids)).toThrow(ValidationError);
  });
});

describe('frameRateFraction', () => {
  it.each([
    [30, 30, 1],
    [25, 25, 1],
    [29.97, 30000, 1001],
    [23.976, 24000, 1001],
    [59.94, 60000, 1001],
    [12.5, 12500, 1000],
  ])('%d -> %d/%d', (fps, numerator, denominator) => {
    expect(frameRateFraction(fps)).toEqual({ numerator, denominator });
  });
});

describe('renditionForKey', () => {
  it.each([
    ['hls/master.m3u8', { name: 'hls/master', format: 'm3u8', kind: 'master', listed: true }],
    ['hls/master_720p.m3u8', { name: 'hls/master_720p', format: 'm3u8', kind: 'playlist', listed: true }],
    ['hls/master_720p_00012.ts', { name: 'hls/master_720p_00012', format: 'ts', kind: 'segment', listed: false }],
    ['preview.mp4', { name: 'preview', format: 'mp4', kind: 'preview', listed: true }],
    ['frames/poster.0000001.jpeg', { name: 'frames/poster.0000001', format: 'jpeg', kind: 'poster', listed: true }],
    ['frames/poster.0000000.jpeg', { name: 'frames/poster.0000000', format: 'jpeg', kind: 'first-frame', listed: false }],
    ['thumbs/t.0000004.jpeg', { name: 'thumbs/t.0000004', format: 'jpeg', kind: 'thumbnail', listed: true }],
  ])('%s', (key, expected) => {
    expect(renditionForKey(key)).toEqual(expected);
  });

  it.each(['hls/other.m3u8', 'preview.mov', 'thumbs/t.jpeg', '../x.ts', 'hls/master_720p_1.ts'])('ignores %s', (key) => {
    expect(renditionForKey(key)).toBeUndefined();
  });
});

describe('classifyCloudOutput', () => {
  it('marks the poster capture, keeps segments and the first frame unlisted, ignores strangers', () => {
    expect(classifyCloudOutput('frames/poster.0000001.jpeg')).toEqual({ name: 'frames/poster.0000001', format: 'jpeg', listed: true, poster: true });
    expect(classifyCloudOutput('hls/master_720p_00001.ts')).toEqual({ name: 'hls/master_720p_00001', format: 'ts', listed: false, poster: false });
    expect(classifyCloudOutput('hls/master.m3u8')).toMatchObject({ listed: true, poster: false });
    expect(classifyCloudOutput('frames/poster.0000000.jpeg')).toMatchObject({ listed: false, poster: false });
    expect(classifyCloudOutput('../elsewhere.mp4')).toBeUndefined();
  });
});
