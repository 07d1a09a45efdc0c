import { availableParallelism } from 'node:os';
import sharp from 'sharp';

export interface SharpSettings {
  /** libvips threads per pipeline; defaults to the number of cores (sharp's glibc default is 1). */
  concurrency?: number;
  /**
   * libvips' operation cache. Off by default: every job reads new bytes, so cached operations are
   * never reused and only hold memory.
   */
  cache?: boolean;
  /**
   * Blocks every libvips loader except the in-memory JPEG, PNG, GIF, WebP, HEIF/AVIF and TIFF
   * ones, so that SVG (scripts, external references), PDF, ImageMagick and file loaders cannot
   * be reached even if a sniffing bug let such bytes through. On by default.
   */
  restrictLoaders?: boolean;
}

/** The libvips loaders the pipeline needs: buffer input of the accepted formats. */
export const ALLOWED_LOADERS: readonly string[] = [
  'VipsForeignLoadJpegBuffer',
  'VipsForeignLoadPngBuffer',
  'VipsForeignLoadNsgifBuffer',
  'VipsForeignLoadWebpBuffer',
  'VipsForeignLoadHeifBuffer',
  'VipsForeignLoadTiffBuffer',
];

let configured = false;

/**
 * Sets sharp's process-wide options. They are global to the process, so this runs once: the first
 * call wins, later calls (and the pipeline's own lazy call) do nothing.
 */
export function configureSharp(settings: SharpSettings = {}): void {
  if (configured) return;
  configured = true;
  sharp.concurrency(settings.concurrency ?? availableParallelism());
  sharp.cache(settings.cache ?? false);
  if (settings.restrictLoaders ?? true) {
    sharp.block({ operation: ['VipsForeignLoad'] });
    sharp.unblock({ operation: [...ALLOWED_LOADERS] });
  }
}
