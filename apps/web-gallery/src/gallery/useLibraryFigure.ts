import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/client';
import { useServices } from '../app/services';

/**
 * A figure about the whole library (tag counts, the timeline's months), read once and again shortly
 * after items change: debounced, as uploads come in bursts. A failed read keeps the last value: these
 * figures are shortcuts, and the grid reports connection problems.
 *
 * @example
 * const months = useLibraryFigure((api, signal) => api.timeline(signal), []);
 */
export function useLibraryFigure<T>(read: (api: ApiClient, signal?: AbortSignal) => Promise<T>, initial: T): T {
  const { api, events } = useServices();
  const [value, setValue] = useState<T>(initial);
  // The reader is usually an inline arrow: keep the latest without re-subscribing on every render.
  const reader = useRef(read);
  reader.current = read;
  const load = useCallback(
    (signal?: AbortSignal) =>
      reader
        .current(api, signal)
        .then((v) => {
          if (!signal?.aborted) setValue(v);
        })
        .catch(() => undefined),
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
  return value;
}
