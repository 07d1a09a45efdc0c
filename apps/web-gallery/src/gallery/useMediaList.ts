import { useCallback, useEffect } from 'react';
import type { ListFilter, MediaView } from '../api/types';
import { useServices } from '../app/services';
import { usePaged, type Paged } from '../ui/usePaged';

export interface MediaListState extends Omit<Paged<MediaView>, 'error' | 'setItems'> {
  /** The failed page's error, as the person is told it. */
  error: string | null;
}

export const PAGE_SIZE = 60;

function matches(item: MediaView, filter: ListFilter): boolean {
  return (
    (!filter.kind || item.kind === filter.kind) &&
    (!filter.status || item.status === filter.status) &&
    (!filter.tag || item.tags.some((t) => t.name === filter.tag))
  );
}

/**
 * The library, page by page on the API's cursor (newest first). Items uploaded, edited or deleted
 * elsewhere in the app are merged in without a reload.
 */
export function useMediaList(filter: ListFilter): MediaListState {
  const { api, events } = useServices();
  const { kind, status, tag } = filter;
  const load = useCallback(
    (cursor: string | null, signal: AbortSignal) => api.listMedia({ kind, status, tag }, cursor, PAGE_SIZE, signal),
    [api, kind, status, tag],
  );
  const { error, setItems, ...list } = usePaged(load, 'Something went wrong while loading your library.');

  useEffect(() => {
    const filterNow: ListFilter = { kind, status, tag };
    const offUpdated = events.onUpdated((item) =>
      setItems((current) => {
        const index = current.findIndex((i) => i.id === item.id);
        if (index >= 0) {
          if (!matches(item, filterNow)) return current.filter((i) => i.id !== item.id);
          const next = [...current];
          next[index] = item;
          return next;
        }
        // New items are the newest: they belong at the top of a newest-first list.
        return matches(item, filterNow) ? [item, ...current] : current;
      }),
    );
    const offRemoved = events.onRemoved((id) => setItems((current) => current.filter((i) => i.id !== id)));
    return () => {
      offUpdated();
      offRemoved();
    };
  }, [events, kind, status, tag, setItems]);

  return { ...list, error: error?.detail ?? null };
}
