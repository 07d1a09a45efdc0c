import type { MediaFacts, MediaKind, ModerationLabel, Placeholder, RenditionFormat } from './media.js';

/**
 * The processing ports: images, video, audio and tagging. The storage, data and messaging ports
 * are in `ports.ts`.
 */

interface RenderedFileFacts {
  name: string;
  format: RenditionFormat;
  contentType: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  bitrate?: number;
  /**
   * `false` for files that are stored under the item's prefix but are not renditions of their own
   * (HLS segments: the playlists reference them). Default: listed.
   */
  listed?: boolean;
}

/**
 * One file a pipeline produced, before it is stored under a rendition key: bytes in memory (images),
 * or a file on local disk (video ladders, too large to hold in memory), which the caller streams.
 */
export type RenderedFile = RenderedFileFacts & ({ body: Uint8Array; path?: never } | { path: string; body?: never });

export interface ImageInspection {
  facts: MediaFacts;
  mime: string;
  /** Kept apart so callers can drop it: Mediaflow stores no location by default. */
  gps?: { latitude: number; longitude: number; altitude?: number };
}

export interface ImageRenderResult {
  files: RenderedFile[];
  placeholder: Placeholder;
}

/** Port: still and animated images to web renditions. */
export interface ImageProcessor {
  inspect(input: Uint8Array): Promise<ImageInspection>;
  render(input: Uint8Array): Promise<ImageRenderResult>;
  /**
   * `inspect` and `render` in one pass: the header is parsed once, under one time budget. The
   * image step uses it when the processor has it.
   */
  process?(input: Uint8Array): Promise<ImageRenderResult & { inspection: ImageInspection }>;
}

export interface TranscodeProgress {
  /** 0..1 */
  fraction: number;
}

export interface VideoTranscodeRequest {
  /** The original as a local file. */
  input: string;
  /** The directory the renditions are written into (`{name}.{format}` beneath it). */
  outputPrefix: string;
  facts: MediaFacts;
  onProgress?: (progress: TranscodeProgress) => void;
  signal?: AbortSignal;
}

export interface VideoJobRequest {
  /** The original's object key. */
  input: string;
  /** The key prefix the job writes the renditions under. */
  outputPrefix: string;
  facts: MediaFacts;
  signal?: AbortSignal;
}

/** Reads a video's facts from a local copy, under the transcoder's allow-lists and limits. */
export interface VideoProber {
  probe(input: string, signal?: AbortSignal): Promise<MediaFacts>;
}

/**
 * Port: the video step's renditions made here and now (ffmpeg): the call returns when the files
 * are written. Its twin `VideoJobTranscoder` hands the work to a service that finishes later.
 */
export interface VideoTranscoder extends VideoProber {
  transcode(request: VideoTranscodeRequest): Promise<{ files: RenderedFile[] }>;
}

/**
 * Port: the video step as a job of a transcoding service (MediaConvert), which writes the
 * renditions under the prefix and reports its state later (`applyVideoJobUpdate`).
 */
export interface VideoJobTranscoder extends VideoProber {
  submit(request: VideoJobRequest): Promise<{ jobId: string }>;
}

export interface AudioResult {
  facts: MediaFacts;
  files: RenderedFile[];
  /** Embedded cover art, when there is one, for the image pipeline. */
  cover?: Uint8Array;
}

/** Port: audio previews, waveform peaks, tags and cover art. */
export interface AudioProcessor {
  process(input: string, signal?: AbortSignal): Promise<AudioResult>;
}

export interface TaggerInput {
  /** Encoded image bytes (JPEG/PNG/WebP), usually a rendition, not the original. */
  bytes?: Uint8Array;
  /** An object key the tagger can read itself (Rekognition S3Object). */
  objectKey?: string;
  kind: MediaKind;
}

export interface DetectedLabel {
  name: string;
  confidence: number;
  parents?: string[];
}

export interface TaggerResult {
  labels: DetectedLabel[];
  moderation: ModerationLabel[];
  /** Faces seen in the image (a count only; no identity is kept). Absent when the tagger does not look for faces. */
  faces?: number;
}

/** Port: labels and moderation signals for an image. */
export interface Tagger {
  detect(input: TaggerInput, signal?: AbortSignal): Promise<TaggerResult>;
}

export interface TextReading {
  /** The words read, in reading order, separated by spaces or line breaks; empty when none. */
  text: string;
  /** Why the reader did not look (`'no text likely'`), when it did not. */
  skipped?: string;
}

/** Port: words printed in an image (OCR). Its own step with its own time budget, after tagging. */
export interface TextReader {
  read(input: TaggerInput, signal?: AbortSignal): Promise<TextReading>;
}
