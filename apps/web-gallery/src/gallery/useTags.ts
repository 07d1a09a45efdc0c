import { useCallback, useEffect, useState } from 'react';
import type { TagCount } from '../api/types';
import { useServices } from '../app/services';

/** Tag counts for the chips; refreshed when an item changes (debounced: uploads come in bursts). */
export function useTags(): TagCount[] {
  const { api, events } = useServices();
  const [tags, setTags] = useState<TagCount[]>([]);
  const load = useCallback(
    (signal?: AbortSignal) =>
      api
        .listTags(signal)
        .then((t) => setTags([...t].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))))
        .catch(() => {
          // Chips are a convenience: the grid reports connection problems.
        }),
    [api],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 800);
    };
    const offUpdated = events.onUpdated(later);
    const offRemoved = events.onRemoved(later);
    return () => {
      controller.abort();
      clearTimeout(timer);
      offUpdated();
      offRemoved();
    };
  }, [events, load]);
  return tags;
}
