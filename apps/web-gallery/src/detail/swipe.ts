/** Where a touch started or ended, and when (ms). */
export interface TouchPoint {
  x: number;
  y: number;
  at: number;
}

/** The least sideways travel that counts as a swipe, in CSS pixels. */
export const SWIPE_MIN_DISTANCE = 50;
/** A swipe is mostly sideways: its sideways travel is at least this many times its vertical travel. */
export const SWIPE_MIN_SLOPE = 1.5;
/** Slower than this is a drag (reading, panning), not a swipe. */
export const SWIPE_MAX_MS = 800;

/**
 * What a finished touch means in the detail view: a swipe to the left shows the next item (the
 * picture moves away to the left, as on a phone's photo app), to the right the previous one.
 *
 * @example
 * swipeDirection({ x: 300, y: 400, at: 0 }, { x: 80, y: 410, at: 200 }) // 'next'
 */
export function swipeDirection(start: TouchPoint, end: TouchPoint): 'next' | 'prev' | null {
  const dx = end.x - start.x;
  const dy = end.y - start.y;
  if (end.at - start.at > SWIPE_MAX_MS) return null;
  if (Math.abs(dx) < SWIPE_MIN_DISTANCE || Math.abs(dx) < SWIPE_MIN_SLOPE * Math.abs(dy)) return null;
  return dx < 0 ? 'next' : 'prev';
}

/**
 * Whether a touch that starts on this element may be a swipe between items: only on the picture's
 * stage, and not where a touch has its own meaning (a zoomed picture pans, media controls scrub,
 * form fields take input).
 */
export function swipeStartsOn(target: EventTarget | null): boolean {
  const element = target as Element | null;
  if (typeof element?.closest !== 'function') return false;
  if (element.closest('.stage') === null) return false;
  return element.closest('.is-zoomed, video, audio, input, select, textarea, [role="slider"]') === null;
}
