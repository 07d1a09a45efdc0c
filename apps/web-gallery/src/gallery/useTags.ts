import type { TagCount } from '../api/types';
import { useLibraryFigure } from './useLibraryFigure';

const NO_TAGS: TagCount[] = [];

/** Tag counts for the chips, most used first; refreshed (debounced) when an item changes. */
export function useTags(): TagCount[] {
  return useLibraryFigure(
    (api, signal) => api.listTags(signal).then((t) => [...t].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))),
    NO_TAGS,
  );
}
