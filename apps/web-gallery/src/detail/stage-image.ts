import type { RenditionView, ViewableItem } from '../api/types';
import { IMAGE_SIZES } from '../gallery/renditions';

/** Formats a browser shows in `<img>`. */
const IMAGE_FORMATS: ReadonlySet<string> = new Set(['avif', 'webp', 'jpeg', 'png', 'gif']);

/** Whether the item is still on its way to its web-ready versions (it changes by itself until it is not). */
export function isProcessing(status: string): boolean {
  return status === 'uploading' || status === 'uploaded' || status === 'processing';
}

/**
 * The largest image rendition the item has, by pixel area: `large` once it is made, a `thumb` when
 * that is all there is (a small picture gets nothing larger; a processing one not yet). Only the
 * sized stills count (not a video's poster or an audio cover). Of equal sizes, the later name.
 */
export function largestImage(renditions: readonly RenditionView[]): RenditionView | undefined {
  let best: RenditionView | undefined;
  let bestArea = 0;
  for (const r of renditions) {
    const rank = (IMAGE_SIZES as readonly string[]).indexOf(r.name);
    if (rank < 0 || !IMAGE_FORMATS.has(r.format) || !r.width || !r.height) continue;
    const area = r.width * r.height;
    if (best === undefined || area > bestArea || (area === bestArea && rank > (IMAGE_SIZES as readonly string[]).indexOf(best.name))) {
      best = r;
      bestArea = area;
    }
  }
  return best;
}

/** What the image viewer shows: which size, and what it says about the versions still to come. */
export interface ImageStage {
  /** The rendition size shown (every format of it is offered), or null when there is none yet. */
  name: string | null;
  /** Its width in pixels (null with no name). */
  width: number | null;
  /** A line under the image, or instead of it; null when there is nothing to say. */
  note: string | null;
}

/**
 * The image viewer's decision: the largest rendition that exists, and a note only where one helps
 * (larger versions are still being made while the item is processing; none will come otherwise).
 *
 * @example
 * imageStage({ status: 'ready', renditions: [thumbWebp] }); // { name: 'thumb', width: 200, note: null }
 */
export function imageStage(item: Pick<ViewableItem, 'status' | 'renditions'>): ImageStage {
  const largest = largestImage(item.renditions);
  const processing = isProcessing(item.status);
  if (largest === undefined) {
    return { name: null, width: null, note: processing ? 'The web-ready versions are still being made.' : 'There is no web-ready version of this image.' };
  }
  // `large` is the largest size there is: nothing larger can be on its way.
  return { name: largest.name, width: largest.width, note: processing && largest.name !== 'large' ? 'Larger versions are still being made.' : null };
}
