import type { ExifTool } from 'exiftool-vendored';

/**
 * How an upload ends:
 * - `ready`: accepted and processed (renditions made, or kept as an opaque attachment);
 * - `failed`: accepted as the kind it claims to be, then refused by its pipeline with a reason
 *   (corrupt, over a limit), before anything was decoded past the point of the refusal;
 * - `rejected`: refused before any pipeline saw it, by the API (a 4xx problem) or at ingest (by
 *   sniffing or a size limit; the item ends `failed` there), and its bytes are not kept.
 */
export type Outcome = 'ready' | 'failed' | 'rejected';

/** The kinds the product sorts uploads into (the domain's `MediaKind`). */
export type Kind = 'image' | 'video' | 'audio' | 'document' | 'other';

/** Why an item was refused for its content (the domain's content error codes). */
export type FailureCode = 'corrupt' | 'unsupported' | 'limit_exceeded';

/** What a case is about; the corpus table is grouped by it. */
export type CaseGroup = 'valid' | 'metadata' | 'malformed' | 'bomb' | 'disguised' | 'opaque' | 'filename';

export interface Expectation {
  outcome: Outcome;
  /** The kind ingest must sniff (for `ready` and `failed`). */
  kind?: Kind;
  /** The reason given to the uploader (problem detail or the item's failure reason). */
  reasonMatches?: RegExp;
  /** The code of the item's failure (for `failed`, and for `rejected` at ingest). */
  failureCode?: FailureCode;
  /** Byte strings (latin1) that no rendition, playlist or segment may contain. */
  mustNotContain?: readonly string[];
  /** No rendition may carry a location (checked with ExifTool, which reads every container's GPS). */
  noLocation?: boolean;
  /**
   * No rendition may carry metadata tags or name the tools that wrote it (`Lavf`, `Lavc`, `ffmpeg`,
   * an encoder in a track's compressor name): its container's tags and comments are read with
   * ExifTool and ffprobe, and its bytes are searched for ffmpeg's names. The case's own file does
   * carry such tags (every file ffmpeg writes names it), so that their absence means something.
   */
  metadataFree?: boolean;
  /** The display name the API must show for the upload name. */
  filename?: string | RegExp;
}

/** A case as the table lists it, before its file is made. */
export interface CorpusCase {
  /** Stable id, `group/what`, e.g. `bomb/png-100000x100000`. */
  name: string;
  group: CaseGroup;
  /** One line: what the file is and why it is in the corpus. */
  why: string;
  /** The name sent to the API as `filename` (hostile on purpose for the `filename` group). */
  uploadName: string;
  expect: Expectation;
}

/** A case with its generated file. */
export interface CorpusEntry extends CorpusCase {
  /** Absolute path of the generated file (a safe name; `uploadName` is what the API is told). */
  file: string;
  bytes: number;
}

export interface CorpusOptions {
  /**
   * Where hostile files point for "fetch this URL" (playlists, entities, ImageMagick `url()`,
   * PostScript pipes). A test serves it and counts the hits, which must stay at zero.
   */
  canaryUrl?: string;
  /**
   * A local file hostile files ask to be read (playlists, concat lists, XML entities). A test puts
   * a secret in it and checks it was never read and never shows up in anything served.
   */
  canaryFile?: string;
  /** The file the PostScript payload would create if a converter ever ran it. */
  tripwireFile?: string;
  /**
   * The ExifTool (an `exiftool-vendored` instance) that writes GPS/XMP/comments. Default: one of
   * the corpus's own, ended once the corpus is built. Pass one to share its process with your own
   * reads (`exiftoolRead`) or to run another ExifTool (`new ExifTool({ exiftoolPath })`); ending it
   * is then yours to do.
   */
  exiftool?: ExifTool;
  /** ffmpeg to make the clips with (default: the bundled build, as the video pipeline finds it). */
  ffmpeg?: string;
  /**
   * The image size limit of the server the corpus is for (its `maxBytesByKind.image`); the oversized
   * image is made a few MiB over it. Default: the product's default, 200 MiB, which makes that file
   * over 200 MiB: a test runs its server with a smaller limit and passes the same one here.
   */
  maxImageBytes?: number;
}

/** The options the cases are made from; the ExifTool is handed to the generators apart. */
export type ResolvedOptions = Required<Omit<CorpusOptions, 'exiftool'>>;
