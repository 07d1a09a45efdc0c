import type { TimelineMonth } from '../api/types';
import { useLibraryFigure } from '../gallery/useLibraryFigure';

const NO_MONTHS: TimelineMonth[] = [];

/** The timeline's months with their counts, newest first; refreshed (debounced) when items change. */
export function useTimeline(): TimelineMonth[] {
  return useLibraryFigure((api, signal) => api.timeline(signal), NO_MONTHS);
}
