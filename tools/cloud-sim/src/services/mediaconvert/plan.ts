/**
 * What a job's settings ask for, as files to make: reads the camelCase JSON the SDK sends
 * (`settings.outputGroups[].outputs[]...`) and names every output the way MediaConvert does,
 * from the group's destination base and each output's name modifier:
 *
 *   HLS group, destination `s3://b/p/master`, modifier `_720p`:
 *     p/master.m3u8 (master), p/master_720p.m3u8, p/master_720p_00001.ts ...
 *   File group, destination `s3://b/p/preview`, MP4 output:       p/preview{modifier}.mp4
 *   File group, frame capture with extension `jpeg`:               p/poster{modifier}.0000000.jpeg ...
 *
 * A destination ending in `/` takes the input file's name (without extension) as its base. Pure.
 */
import { MediaConvertApiError, UnsupportedSettingError } from './errors.js';

export interface S3Location {
  bucket: string;
  key: string;
}

export interface VideoEncode {
  width?: number;
  height?: number;
  /** Target and ceiling, bits/s (QVBR is rendered as a capped average at its `maxBitrate`). */
  bitrate: number;
  maxBitrate: number;
  bufferSize: number;
  frameRate?: { numerator: number; denominator: number };
  gop?: { size: number; units: 'FRAMES' | 'SECONDS' };
  profile: 'baseline' | 'main' | 'high';
  sceneChangeDetect: boolean;
}

export interface AudioEncode {
  bitrate: number;
  sampleRate: number;
  channels: number;
}

export interface HlsOutput {
  kind: 'hls';
  /** `{base}{modifier}`: the playlist is `{name}.m3u8`, segments `{name}_00001.ts`. */
  name: S3Location;
  segmentSeconds: number;
  video: VideoEncode;
  audio?: AudioEncode;
}

export interface Mp4Output {
  kind: 'mp4';
  /** `{base}{modifier}`: the file is `{name}.mp4`. */
  name: S3Location;
  video: VideoEncode;
  audio?: AudioEncode;
  moovFirst: boolean;
}

export interface FrameCaptureOutput {
  kind: 'frames';
  /** `{base}{modifier}`: captures are `{name}.0000000.{extension}`, counted from 0. */
  name: S3Location;
  extension: string;
  rate: { numerator: number; denominator: number };
  maxCaptures?: number;
  /** 1-100, as MediaConvert's `Quality`. */
  quality: number;
  width?: number;
  height?: number;
}

export type PlannedOutput = HlsOutput | Mp4Output | FrameCaptureOutput;

export interface PlannedGroup {
  /** As the state-change event spells it: `HLS_GROUP`, `FILE_GROUP`. */
  type: 'HLS_GROUP' | 'FILE_GROUP';
  name: string;
  /** The HLS master playlist (`{base}.m3u8`). */
  master?: S3Location;
  outputs: PlannedOutput[];
}

export interface JobPlan {
  input: S3Location;
  groups: PlannedGroup[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badRequest(message: string): MediaConvertApiError {
  return new MediaConvertApiError('BadRequestException', message);
}

function object(parent: Json, key: string, path: string): Json | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (!isObject(value)) throw badRequest(`${path}/${key}: expected an object`);
  return value;
}

function array(parent: Json, key: string, path: string): unknown[] | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw badRequest(`${path}/${key}: expected an array`);
  return value;
}

function text(parent: Json, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`${path}/${key}: expected a string`);
  return value;
}

function integer(parent: Json, key: string, path: string, min: number, max: number): number | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw badRequest(`${path}/${key}: expected a number from ${min} to ${max}`);
  }
  return value;
}

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/;

/** `s3://bucket/key` as bucket and key; anything else is refused as MediaConvert refuses it. */
export function parseS3Uri(uri: string, path: string): S3Location {
  const match = S3_URI.exec(uri);
  if (!match) throw badRequest(`${path}: [${uri}] is not a valid S3 URI (s3://bucket/key)`);
  return { bucket: match[1] as string, key: match[2] as string };
}

/** The base name files of a group start with. */
function destinationBase(destination: string, input: S3Location, path: string): S3Location {
  const location = parseS3Uri(destination, path);
  if (!location.key.endsWith('/') && location.key !== '') return location;
  const file = input.key.slice(input.key.lastIndexOf('/') + 1);
  const dot = file.lastIndexOf('.');
  return { bucket: location.bucket, key: `${location.key}${dot > 0 ? file.slice(0, dot) : file}` };
}

function withModifier(base: S3Location, modifier: string | undefined): S3Location {
  return { bucket: base.bucket, key: `${base.key}${modifier ?? ''}` };
}

const PROFILES: Readonly<Record<string, VideoEncode['profile']>> = { BASELINE: 'baseline', MAIN: 'main', HIGH: 'high' };

function h264(description: Json, path: string): VideoEncode {
  const codecSettings = object(description, 'codecSettings', path);
  const codec = codecSettings && text(codecSettings, 'codec', `${path}/codecSettings`);
  if (codec !== 'H_264') throw new UnsupportedSettingError(`video codec ${codec ?? '(none)'} at ${path} (only H_264 and FRAME_CAPTURE)`);
  const settingsPath = `${path}/codecSettings/h264Settings`;
  const settings = object(codecSettings as Json, 'h264Settings', `${path}/codecSettings`) ?? {};
  const mode = text(settings, 'rateControlMode', settingsPath) ?? 'CBR';
  const bitrate = integer(settings, 'bitrate', settingsPath, 1000, 1_152_000_000);
  const maxBitrate = integer(settings, 'maxBitrate', settingsPath, 1000, 1_152_000_000);
  let target: number;
  let ceiling: number;
  if (mode === 'QVBR') {
    if (maxBitrate === undefined) throw badRequest(`${settingsPath}/maxBitrate: required with QVBR rate control`);
    target = maxBitrate;
    ceiling = maxBitrate;
  } else if (mode === 'VBR') {
    if (bitrate === undefined) throw badRequest(`${settingsPath}/bitrate: required with VBR rate control`);
    target = bitrate;
    ceiling = maxBitrate ?? bitrate;
  } else if (mode === 'CBR') {
    if (bitrate === undefined) throw badRequest(`${settingsPath}/bitrate: required with CBR rate control`);
    target = bitrate;
    ceiling = bitrate;
  } else {
    throw badRequest(`${settingsPath}/rateControlMode: [${mode}] is not one of CBR, VBR, QVBR`);
  }
  const encode: VideoEncode = {
    bitrate: target,
    maxBitrate: ceiling,
    bufferSize: integer(settings, 'hrdBufferSize', settingsPath, 0, 1_152_000_000) || ceiling * 2,
    profile: PROFILES[text(settings, 'codecProfile', settingsPath) ?? 'MAIN'] ?? 'main',
    sceneChangeDetect: text(settings, 'sceneChangeDetect', settingsPath) !== 'DISABLED',
  };
  size(description, path, encode);
  if (text(settings, 'framerateControl', settingsPath) === 'SPECIFIED') {
    const numerator = integer(settings, 'framerateNumerator', settingsPath, 1, 2_147_483_647);
    const denominator = integer(settings, 'framerateDenominator', settingsPath, 1, 2_147_483_647);
    if (numerator === undefined || denominator === undefined) throw badRequest(`${settingsPath}: a SPECIFIED frame rate needs framerateNumerator and framerateDenominator`);
    encode.frameRate = { numerator, denominator };
  }
  const gopSize = settings['gopSize'];
  if (typeof gopSize === 'number' && gopSize > 0) {
    const units = text(settings, 'gopSizeUnits', settingsPath) ?? 'FRAMES';
    if (units === 'FRAMES' || units === 'SECONDS') encode.gop = { size: gopSize, units };
  }
  return encode;
}

function size(description: Json, path: string, into: { width?: number; height?: number }): void {
  const width = integer(description, 'width', path, 32, 8192);
  const height = integer(description, 'height', path, 32, 8192);
  if (width !== undefined) into.width = width;
  if (height !== undefined) into.height = height;
}

function aac(output: Json, path: string): AudioEncode | undefined {
  const descriptions = array(output, 'audioDescriptions', path);
  if (descriptions === undefined || descriptions.length === 0) return undefined;
  if (descriptions.length > 1) throw new UnsupportedSettingError(`more than one audio description at ${path}`);
  const descriptionPath = `${path}/audioDescriptions/0`;
  const description = descriptions[0];
  if (!isObject(description)) throw badRequest(`${descriptionPath}: expected an object`);
  const codecSettings = object(description, 'codecSettings', descriptionPath) ?? {};
  const codec = text(codecSettings, 'codec', `${descriptionPath}/codecSettings`);
  if (codec !== 'AAC') throw new UnsupportedSettingError(`audio codec ${codec ?? '(none)'} at ${descriptionPath} (only AAC)`);
  const settingsPath = `${descriptionPath}/codecSettings/aacSettings`;
  const settings = object(codecSettings, 'aacSettings', `${descriptionPath}/codecSettings`) ?? {};
  const mode = text(settings, 'codingMode', settingsPath) ?? 'CODING_MODE_2_0';
  const channels = mode === 'CODING_MODE_1_0' ? 1 : mode === 'CODING_MODE_2_0' ? 2 : undefined;
  if (channels === undefined) throw new UnsupportedSettingError(`AAC coding mode ${mode} at ${settingsPath}`);
  return {
    bitrate: integer(settings, 'bitrate', settingsPath, 6000, 1_024_000) ?? 96_000,
    sampleRate: integer(settings, 'sampleRate', settingsPath, 8000, 96_000) ?? 48_000,
    channels,
  };
}

function frameCapture(description: Json, output: Json, name: S3Location, path: string): FrameCaptureOutput {
  const codecSettings = object(description, 'codecSettings', path) ?? {};
  const settingsPath = `${path}/codecSettings/frameCaptureSettings`;
  const settings = object(codecSettings, 'frameCaptureSettings', `${path}/codecSettings`) ?? {};
  const capture: FrameCaptureOutput = {
    kind: 'frames',
    name,
    extension: text(output, 'extension', path) ?? 'jpg',
    rate: {
      numerator: integer(settings, 'framerateNumerator', settingsPath, 1, 2_147_483_647) ?? 1,
      denominator: integer(settings, 'framerateDenominator', settingsPath, 1, 2_147_483_647) ?? 1,
    },
    quality: integer(settings, 'quality', settingsPath, 1, 100) ?? 80,
  };
  const maxCaptures = integer(settings, 'maxCaptures', settingsPath, 1, 10_000_000);
  if (maxCaptures !== undefined) capture.maxCaptures = maxCaptures;
  size(description, path, capture);
  return capture;
}

function planOutput(group: 'HLS_GROUP' | 'FILE_GROUP', output: Json, base: S3Location, segmentSeconds: number, path: string): PlannedOutput {
  const container = text(object(output, 'containerSettings', path) ?? {}, 'container', `${path}/containerSettings`);
  const name = withModifier(base, text(output, 'nameModifier', path));
  const description = object(output, 'videoDescription', path);
  if (description === undefined) throw new UnsupportedSettingError(`outputs without a video description (${path})`);
  const descriptionPath = `${path}/videoDescription`;
  const codec = text(object(description, 'codecSettings', descriptionPath) ?? {}, 'codec', `${descriptionPath}/codecSettings`);
  if (group === 'HLS_GROUP') {
    if (container !== undefined && container !== 'M3U8') throw badRequest(`${path}/containerSettings/container: HLS outputs use M3U8`);
    const audio = aac(output, path);
    return { kind: 'hls', name, segmentSeconds, video: h264(description, descriptionPath), ...(audio ? { audio } : {}) };
  }
  if (codec === 'FRAME_CAPTURE') {
    if (container !== undefined && container !== 'RAW') throw badRequest(`${path}/containerSettings/container: frame capture outputs use RAW`);
    return frameCapture(description, output, name, descriptionPath);
  }
  if (container !== 'MP4') throw new UnsupportedSettingError(`file group container ${container ?? '(none)'} at ${path} (only MP4 and RAW frame capture)`);
  const mp4 = object(object(output, 'containerSettings', path) ?? {}, 'mp4Settings', `${path}/containerSettings`) ?? {};
  const audio = aac(output, path);
  return {
    kind: 'mp4',
    name,
    video: h264(description, descriptionPath),
    ...(audio ? { audio } : {}),
    moovFirst: text(mp4, 'moovPlacement', `${path}/containerSettings/mp4Settings`) !== 'NORMAL',
  };
}

function planGroup(group: unknown, input: S3Location, path: string): PlannedGroup {
  if (!isObject(group)) throw badRequest(`${path}: expected an object`);
  const settingsPath = `${path}/outputGroupSettings`;
  const settings = object(group, 'outputGroupSettings', path);
  if (settings === undefined) throw badRequest(`${settingsPath}: required`);
  const type = text(settings, 'type', settingsPath);
  const outputs = array(group, 'outputs', path);
  if (outputs === undefined || outputs.length === 0) throw badRequest(`${path}/outputs: at least one output is required`);
  const name = text(group, 'name', path) ?? '';

  let planned: PlannedGroup;
  if (type === 'HLS_GROUP_SETTINGS') {
    const hls = object(settings, 'hlsGroupSettings', settingsPath);
    const destination = hls && text(hls, 'destination', `${settingsPath}/hlsGroupSettings`);
    if (hls === undefined || destination === undefined) throw badRequest(`${settingsPath}/hlsGroupSettings/destination: required`);
    const hlsPath = `${settingsPath}/hlsGroupSettings`;
    if ((text(hls, 'segmentControl', hlsPath) ?? 'SEGMENTED_FILES') !== 'SEGMENTED_FILES') throw new UnsupportedSettingError('HLS SINGLE_FILE segment control');
    if ((text(hls, 'directoryStructure', hlsPath) ?? 'SINGLE_DIRECTORY') !== 'SINGLE_DIRECTORY') throw new UnsupportedSettingError('HLS subdirectory per stream');
    const base = destinationBase(destination, input, `${hlsPath}/destination`);
    const segmentSeconds = integer(hls, 'segmentLength', hlsPath, 1, 2_147_483_647) ?? 10;
    planned = {
      type: 'HLS_GROUP',
      name,
      master: { bucket: base.bucket, key: `${base.key}.m3u8` },
      outputs: outputs.map((output, index) => planObject(output, `${path}/outputs/${index}`, (o, p) => planOutput('HLS_GROUP', o, base, segmentSeconds, p))),
    };
  } else if (type === 'FILE_GROUP_SETTINGS') {
    const file = object(settings, 'fileGroupSettings', settingsPath);
    const destination = file && text(file, 'destination', `${settingsPath}/fileGroupSettings`);
    if (file === undefined || destination === undefined) throw badRequest(`${settingsPath}/fileGroupSettings/destination: required`);
    const base = destinationBase(destination, input, `${settingsPath}/fileGroupSettings/destination`);
    planned = {
      type: 'FILE_GROUP',
      name,
      outputs: outputs.map((output, index) => planObject(output, `${path}/outputs/${index}`, (o, p) => planOutput('FILE_GROUP', o, base, 0, p))),
    };
  } else {
    throw new UnsupportedSettingError(`output group type ${type ?? '(none)'} (only HLS_GROUP_SETTINGS and FILE_GROUP_SETTINGS)`);
  }
  const names = planned.outputs.map((output) => `${output.name.key}|${output.kind === 'frames' ? output.extension : output.kind}`);
  if (new Set(names).size !== names.length) throw badRequest(`${path}/outputs: outputs of a group need distinct name modifiers`);
  return planned;
}

function planObject<T>(value: unknown, path: string, plan: (value: Json, path: string) => T): T {
  if (!isObject(value)) throw badRequest(`${path}: expected an object`);
  return plan(value, path);
}

/**
 * The files a job makes, from the `settings` member of a CreateJob body.
 *
 * @throws MediaConvertApiError (`BadRequestException`) for settings MediaConvert would refuse, and
 *   `UnsupportedSettingError` for valid settings the simulator does not render.
 */
export function planJob(settings: unknown): JobPlan {
  if (!isObject(settings)) throw badRequest('/settings: required');
  const inputs = array(settings, 'inputs', '/settings');
  if (inputs === undefined || inputs.length === 0) throw badRequest('/settings/inputs: at least one input is required');
  if (inputs.length > 1) throw new UnsupportedSettingError('jobs with more than one input (stitching)');
  const first = inputs[0];
  if (!isObject(first)) throw badRequest('/settings/inputs/0: expected an object');
  const fileInput = text(first, 'fileInput', '/settings/inputs/0');
  if (fileInput === undefined) throw badRequest('/settings/inputs/0/fileInput: required');
  const input = parseS3Uri(fileInput, '/settings/inputs/0/fileInput');
  if (input.key === '' || input.key.endsWith('/')) throw badRequest(`/settings/inputs/0/fileInput: [${fileInput}] names no object`);
  const groups = array(settings, 'outputGroups', '/settings');
  if (groups === undefined || groups.length === 0) throw badRequest('/settings/outputGroups: at least one output group is required');
  return { input, groups: groups.map((group, index) => planGroup(group, input, `/settings/outputGroups/${index}`)) };
}

/** `s3://bucket/key`, as MediaConvert reports paths. */
export function s3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** The key of capture `index` of a frame-capture output: seven digits, counted from 0. */
export function captureKey(output: FrameCaptureOutput, index: number): string {
  return `${output.name.key}.${String(index).padStart(7, '0')}.${output.extension}`;
}

/** The key of HLS segment `index` (from 1): five digits. */
export function segmentKey(output: HlsOutput, index: number): string {
  return `${output.name.key}_${String(index).padStart(5, '0')}.ts`;
}
