import { useCallback, useEffect, useState } from 'react';
import type { TimelineMonth } from '../api/types';
import { useServices } from '../app/services';

/** The timeline's months with their counts, newest first; refreshed (debounced) when items change. */
export function useTimeline(): TimelineMonth[] {
  const { api, events } = useServices();
  const [months, setMonths] = useState<TimelineMonth[]>([]);
  const load = useCallback(
    (signal?: AbortSignal) =>
      api
        .timeline(signal)
        .then((m) => {
          if (!signal?.aborted) setMonths(m);
        })
        .catch(() => {
          // The rail is a shortcut: the grid reports connection problems.
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
  return months;
}
