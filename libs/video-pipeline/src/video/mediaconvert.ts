import type { AudioDescription, CreateJobCommandInput, H264Settings, Output, OutputGroup, VideoDescription } from '@aws-sdk/client-mediaconvert';
import { ValidationError } from '@mediaflow/domain';
import type { FrameGrab, Rung, VideoPlan } from './types.js';

export interface MediaConvertJobOptions {
  /** Queue ARN; the account's default queue when omitted. */
  queueArn?: string | undefined;
  /** Carried in `UserMetadata` and so in every state-change event of the job. */
  ownerId: string;
  mediaId: string;
  /**
   * The correlation id of the work that submits the job (the upload's request), carried in
   * `UserMetadata` too, so that what the job's completion publishes can be followed back to it.
   */
  correlationId?: string | undefined;
  /** Seconds between PROGRESSING events (MediaConvert accepts 10-600 in steps). Default 15. */
  statusUpdateSeconds?: 10 | 12 | 15 | 20 | 30 | 60 | 120 | 180 | 240 | 300 | 360 | 420 | 480 | 540 | 600 | undefined;
  priority?: number | undefined;
}

const AUDIO_SELECTOR = 'Audio Selector 1';

/**
 * MediaConvert names files `{destination base}{NameModifier}` (+ `_00001` for segments), so the
 * child playlists and segments of an HLS group always start with the master's base name. With the
 * master at `hls/master.m3u8` (the key the local runner uses too), the cloud layout is
 *
 *   hls/master.m3u8            = local hls/master.m3u8
 *   hls/master_720p.m3u8       ~ local hls/720p.m3u8
 *   hls/master_720p_00001.ts   ~ local hls/720p_00001.ts
 *   preview.mp4                = local preview.mp4
 *   frames/poster.0000001.jpeg ~ local poster.jpeg (capture 0 is the first frame, 1 is the poster)
 *   thumbs/t.0000000.jpeg ...  ~ local thumbs/01.jpeg ...
 *
 * Every URI inside the playlists is relative in both, so a player given `hls/master.m3u8` plays
 * either. `renditionForKey` maps a cloud key back to its rendition name and role.
 */
export const MEDIACONVERT_LAYOUT = Object.freeze({
  hlsBase: 'hls/master',
  preview: 'preview',
  posterBase: 'frames/poster',
  thumbnailBase: 'thumbs/t',
});

/** `30` → 30/1, `29.97` → 30000/1001, `23.976` → 24000/1001, anything else in thousandths. */
export function frameRateFraction(fps: number): { numerator: number; denominator: number } {
  if (Number.isInteger(fps)) return { numerator: fps, denominator: 1 };
  const ntsc = Math.round(fps * 1.001);
  if (Math.abs(ntsc / 1.001 - fps) < 0.01) return { numerator: ntsc * 1000, denominator: 1001 };
  return { numerator: Math.round(fps * 1000), denominator: 1000 };
}

function h264(plan: VideoPlan, maxBitrate: number, qvbrQuality: number): H264Settings {
  const rate = frameRateFraction(plan.frameRate);
  return {
    CodecProfile: 'MAIN',
    CodecLevel: 'AUTO',
    RateControlMode: 'QVBR',
    QvbrSettings: { QvbrQualityLevel: qvbrQuality },
    MaxBitrate: maxBitrate,
    HrdBufferSize: maxBitrate * 2,
    // One closed GOP per segment at the plan's constant rate, no scene-cut keyframes: the same
    // segment boundaries as the local runner.
    GopSize: plan.gopFrames,
    GopSizeUnits: 'FRAMES',
    GopClosedCadence: 1,
    MinIInterval: 0,
    SceneChangeDetect: 'DISABLED',
    FramerateControl: 'SPECIFIED',
    FramerateNumerator: rate.numerator,
    FramerateDenominator: rate.denominator,
    FramerateConversionAlgorithm: 'DUPLICATE_DROP',
    ParControl: 'SPECIFIED',
    ParNumerator: 1,
    ParDenominator: 1,
    QualityTuningLevel: 'SINGLE_PASS_HQ',
    InterlaceMode: 'PROGRESSIVE',
  };
}

function video(plan: VideoPlan, size: { width: number; height: number }, maxBitrate: number, qvbrQuality: number): VideoDescription {
  return {
    Width: size.width,
    Height: size.height,
    ScalingBehavior: 'DEFAULT',
    AntiAlias: 'ENABLED',
    CodecSettings: { Codec: 'H_264', H264Settings: h264(plan, maxBitrate, qvbrQuality) },
  };
}

function audio(bitrate: number): AudioDescription[] {
  return [
    {
      AudioSourceName: AUDIO_SELECTOR,
      CodecSettings: {
        Codec: 'AAC',
        AacSettings: { Bitrate: bitrate, CodecProfile: 'LC', CodingMode: 'CODING_MODE_2_0', SampleRate: 48_000, RateControlMode: 'CBR' },
      },
    },
  ];
}

function hlsOutput(plan: VideoPlan, rung: Rung): Output {
  return {
    NameModifier: `_${rung.name}`,
    ContainerSettings: { Container: 'M3U8', M3u8Settings: {} },
    VideoDescription: video(plan, rung, rung.maxBitrate, rung.qvbrQuality),
    ...(plan.hasAudio ? { AudioDescriptions: audio(rung.audioBitrate) } : {}),
  };
}

/** A frame-capture output taking `count` JPEGs, one every `interval` seconds from the start. */
function frameCapture(size: { width: number; height: number }, intervalSeconds: number, count: number): Output {
  const interval = Math.max(intervalSeconds, 0.001);
  return {
    Extension: 'jpeg',
    ContainerSettings: { Container: 'RAW' },
    VideoDescription: {
      Width: size.width,
      Height: size.height,
      ScalingBehavior: 'DEFAULT',
      CodecSettings: {
        Codec: 'FRAME_CAPTURE',
        FrameCaptureSettings: { FramerateNumerator: 1000, FramerateDenominator: Math.round(interval * 1000), MaxCaptures: count, Quality: 80 },
      },
    },
  };
}

function fileGroup(name: string, destination: string, outputs: Output[]): OutputGroup {
  return { Name: name, OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: destination } }, Outputs: outputs };
}

function stillsGroups(plan: VideoPlan, base: string): OutputGroup[] {
  const poster: FrameGrab = plan.poster;
  // Captures start at 0 s: capture 1 lands on the poster time (capture 0 suffices when that is 0).
  const posterOutput = poster.atSeconds > 0 ? frameCapture(poster, poster.atSeconds, 2) : frameCapture(poster, 1, 1);
  const first = plan.thumbnails[0];
  const second = plan.thumbnails[1];
  const interval = first && second ? second.atSeconds - first.atSeconds : Math.max(plan.durationSeconds, 1);
  const groups = [fileGroup('Poster', `${base}${MEDIACONVERT_LAYOUT.posterBase}`, [posterOutput])];
  if (first) groups.push(fileGroup('Thumbnails', `${base}${MEDIACONVERT_LAYOUT.thumbnailBase}`, [frameCapture(first, interval, plan.thumbnails.length)]));
  return groups;
}

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The MediaConvert job that renders `plan` in AWS: the same ladder (QVBR capped at each rung's
 * `maxBitrate`), the same segment length and GOP, the MP4 preview with `moov` first, the poster
 * and the thumbnails, written under `output.prefix` (see `MEDIACONVERT_LAYOUT` for the names).
 * Rotation follows the source's display matrix (`Rotate: AUTO`), as ffmpeg's autorotate does.
 * Pure: sending it is the caller's job.
 *
 * @throws ValidationError for a bucket name, key or prefix MediaConvert would not accept.
 * @example
 * const job = buildMediaConvertJob(plan, { bucket: 'media', key: 'originals/alice/01J...' },
 *   { bucket: 'media', prefix: 'renditions/alice/01J.../' }, roleArn, { ownerId: 'alice', mediaId: '01J...' });
 * await client.send(new CreateJobCommand(job));
 */
export function buildMediaConvertJob(
  plan: VideoPlan,
  input: { bucket: string; key: string },
  output: { bucket: string; prefix: string },
  roleArn: string,
  options: MediaConvertJobOptions,
): CreateJobCommandInput {
  for (const bucket of [input.bucket, output.bucket]) {
    if (!S3_BUCKET.test(bucket)) throw new ValidationError(`invalid bucket name "${bucket}"`);
  }
  if (input.key === '' || input.key.startsWith('/')) throw new ValidationError('invalid input key');
  if (output.prefix !== '' && !output.prefix.endsWith('/')) throw new ValidationError('the output prefix must end with "/"');
  if (!roleArn.startsWith('arn:')) throw new ValidationError('roleArn must be an ARN');

  const base = `s3://${output.bucket}/${output.prefix}`;
  const hls: OutputGroup = {
    Name: 'HLS',
    OutputGroupSettings: {
      Type: 'HLS_GROUP_SETTINGS',
      HlsGroupSettings: {
        Destination: `${base}${MEDIACONVERT_LAYOUT.hlsBase}`,
        SegmentLength: plan.segmentSeconds,
        MinSegmentLength: 0,
        SegmentControl: 'SEGMENTED_FILES',
        DirectoryStructure: 'SINGLE_DIRECTORY',
        OutputSelection: 'MANIFESTS_AND_SEGMENTS',
        ManifestDurationFormat: 'FLOATING_POINT',
        CodecSpecification: 'RFC_4281',
        StreamInfResolution: 'INCLUDE',
        ProgramDateTime: 'EXCLUDE',
        ClientCache: 'ENABLED',
        ManifestCompression: 'NONE',
      },
    },
    Outputs: plan.rungs.map((rung) => hlsOutput(plan, rung)),
  };
  const previewRung = plan.rungs.find((r) => r.name === plan.preview.rung);
  const preview = fileGroup('Preview', `${base}${MEDIACONVERT_LAYOUT.preview}`, [
    {
      ContainerSettings: { Container: 'MP4', Mp4Settings: { MoovPlacement: 'PROGRESSIVE_DOWNLOAD' } },
      VideoDescription: video(plan, plan.preview, plan.preview.maxBitrate, previewRung?.qvbrQuality ?? 7),
      ...(plan.hasAudio ? { AudioDescriptions: audio(plan.preview.audioBitrate) } : {}),
    },
  ]);

  return {
    Role: roleArn,
    ...(options.queueArn ? { Queue: options.queueArn } : {}),
    ...(options.priority !== undefined ? { Priority: options.priority } : {}),
    StatusUpdateInterval: `SECONDS_${options.statusUpdateSeconds ?? 15}`,
    UserMetadata: { ownerId: options.ownerId, mediaId: options.mediaId, ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }) },
    Settings: {
      TimecodeConfig: { Source: 'ZEROBASED' },
      Inputs: [
        {
          FileInput: `s3://${input.bucket}/${input.key}`,
          TimecodeSource: 'ZEROBASED',
          VideoSelector: { Rotate: 'AUTO' },
          ...(plan.hasAudio ? { AudioSelectors: { [AUDIO_SELECTOR]: { DefaultSelection: 'DEFAULT' } } } : {}),
        },
      ],
      OutputGroups: [hls, preview, ...stillsGroups(plan, base)],
    },
  };
}

export type CloudRenditionKind = 'master' | 'playlist' | 'segment' | 'preview' | 'poster' | 'first-frame' | 'thumbnail';

export interface CloudRendition {
  name: string;
  format: 'm3u8' | 'ts' | 'mp4' | 'jpeg';
  kind: CloudRenditionKind;
  listed: boolean;
}

/**
 * What a file MediaConvert wrote under the output prefix is, given its key relative to that
 * prefix: its rendition name and format (the key minus the extension) and its role. `undefined`
 * for anything outside the layout. The poster capture `.0000001` is the poster; `.0000000` is the
 * clip's first frame, which is the poster only for clips too short for a second capture.
 *
 * @example
 * renditionForKey('hls/master_720p_00001.ts'); // { name: 'hls/master_720p_00001', format: 'ts', kind: 'segment', listed: false }
 */
export function renditionForKey(relativeKey: string): CloudRendition | undefined {
  const match = /^(.+)\.(m3u8|ts|mp4|jpeg)$/.exec(relativeKey);
  const name = match?.[1];
  const format = match?.[2] as CloudRendition['format'] | undefined;
  if (!name || !format) return undefined;
  const { hlsBase, preview, posterBase, thumbnailBase } = MEDIACONVERT_LAYOUT;
  const hls = hlsBase.replace('/', '\\/');
  if (format === 'm3u8' && name === hlsBase) return { name, format, kind: 'master', listed: true };
  if (format === 'm3u8' && new RegExp(`^${hls}_[0-9]+p$`).test(name)) return { name, format, kind: 'playlist', listed: true };
  if (format === 'ts' && new RegExp(`^${hls}_[0-9]+p_[0-9]{5}$`).test(name)) return { name, format, kind: 'segment', listed: false };
  if (format === 'mp4' && name === preview) return { name, format, kind: 'preview', listed: true };
  if (format === 'jpeg' && name === `${posterBase}.0000001`) return { name, format, kind: 'poster', listed: true };
  if (format === 'jpeg' && name === `${posterBase}.0000000`) return { name, format, kind: 'first-frame', listed: false };
  if (format === 'jpeg' && name.startsWith(`${thumbnailBase}.`) && /\.[0-9]{7}$/.test(name)) return { name, format, kind: 'thumbnail', listed: true };
  return undefined;
}

/**
 * `renditionForKey` in the shape the service's job-completion use case takes (`OutputClassifier`
 * of `@mediaflow/media-service`): what to record, what to list, which capture is the poster.
 */
export function classifyCloudOutput(relativeKey: string): { name: string; format: CloudRendition['format']; listed: boolean; poster: boolean } | undefined {
  const rendition = renditionForKey(relativeKey);
  return rendition && { name: rendition.name, format: rendition.format, listed: rendition.listed, poster: rendition.kind === 'poster' };
}
