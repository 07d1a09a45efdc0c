/** Image formats the pipeline accepts as input. Anything else is refused as unsupported. */
export type InputFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'avif' | 'heic' | 'tiff';

/** Still formats the pipeline writes. Animated renditions are always WebP. */
export type OutputFormat = 'webp' | 'avif' | 'jpeg';

/** The named rendition sizes, smallest first. */
export type RenditionSize = 'thumb' | 'small' | 'medium' | 'large';

/** What the first bytes of a file say it is. */
export interface SniffResult {
  format: InputFormat;
  mime: string;
}

/**
 * Dimensions read straight from the container header, before any decoder sees the bytes.
 * `frames` is the number of frames or pages the header announces (1 for a still image).
 */
export interface HeaderInfo {
  format: InputFormat;
  width: number;
  height: number;
  frames: number;
}

/** Hard limits, checked from the header before anything is decoded. */
export interface ImageLimits {
  /** Largest accepted input, in bytes. */
  maxInputBytes: number;
  /** Largest accepted frame, in pixels (width x height). */
  maxPixels: number;
  /** Largest accepted animation, in pixels summed over every frame the header announces. */
  maxAnimationPixels: number;
}

export interface WebpSettings {
  quality: number;
  /** libwebp method, 0 (fast) to 6 (small). */
  effort: number;
}

export interface AvifSettings {
  quality: number;
  /** 0 (fast) to 9 (small); libaom speed is `9 - effort`. */
  effort: number;
}

export interface JpegSettings {
  quality: number;
  /** mozjpeg's trellis quantisation and scan optimisation: smaller files, slower encoding. */
  mozjpeg: boolean;
  progressive: boolean;
}

export interface EncoderSettings {
  webp: WebpSettings;
  avif: AvifSettings;
  jpeg: JpegSettings;
  animatedWebp: WebpSettings;
}

/** Which renditions to make and how to encode them. `defaultPolicy` is the one in use. */
export interface RenditionPolicy {
  /** Long edge in pixels of each size. */
  sizes: Readonly<Record<RenditionSize, number>>;
  /** Still formats written at each size. */
  formats: Readonly<Record<RenditionSize, readonly OutputFormat[]>>;
  animation: {
    /** Frames kept from an animation; later frames are dropped, not refused. */
    maxFrames: number;
    /** Sizes written as animated WebP. */
    sizes: readonly RenditionSize[];
    /** Formats of the still poster (the first frame) at the largest animated size. */
    posterFormats: readonly OutputFormat[];
  };
  encoders: EncoderSettings;
}

/** One output of a plan, with its exact upright dimensions. */
export interface PlannedRendition {
  /** `thumb`, `small`, `medium`, `large` or `poster`. */
  name: RenditionSize | 'poster';
  format: OutputFormat;
  width: number;
  height: number;
  animated: boolean;
}

/** The result of `planRenditions`: everything `render` needs to know, decided up front. */
export interface RenditionPlan {
  /** Upright (auto-oriented) source dimensions. */
  source: { width: number; height: number };
  animated: boolean;
  /** Frames to decode: 1 for a still, at most `policy.animation.maxFrames` for an animation. */
  frames: number;
  outputs: PlannedRendition[];
  encoders: EncoderSettings;
}
