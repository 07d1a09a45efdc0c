import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import type { ListFilter, MediaView } from '../api/types';
import { useServices } from '../app/services';

export interface MediaListState {
  items: MediaView[];
  loading: boolean;
  error: string | null;
  /** True while there are more pages on the server. */
  hasMore: boolean;
  loadMore: () => void;
  /** Tries the failed page again (the first page, or the next one). */
  retry: () => void;
  reload: () => void;
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
  const [items, setItems] = useState<MediaView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(true);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const inFlight = useRef<AbortController | null>(null);
  const { kind, status, tag } = filter;

  const fetchPage = useCallback(
    (after: string | null, replace: boolean) => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      setLoading(true);
      setError(null);
      api
        .listMedia({ kind, status, tag }, after, PAGE_SIZE, controller.signal)
        .then((page) => {
          if (controller.signal.aborted) return;
          setItems((current) => {
            if (replace) return page.items;
            const seen = new Set(current.map((i) => i.id));
            return [...current, ...page.items.filter((i) => !seen.has(i.id))];
          });
          setCursor(page.nextCursor);
          setHasMore(page.nextCursor !== null);
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          setError(e instanceof ApiError ? e.detail : 'Something went wrong while loading your library.');
        })
        .finally(() => {
          if (inFlight.current === controller) {
            inFlight.current = null;
            setLoading(false);
          }
        });
    },
    [api, kind, status, tag],
  );

  useEffect(() => {
    setItems([]);
    setCursor(null);
    setHasMore(true);
    fetchPage(null, true);
    return () => inFlight.current?.abort();
  }, [fetchPage, generation]);

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
  }, [events, kind, status, tag]);

  const loadMore = useCallback(() => {
    if (!loading && hasMore && cursor && !error) fetchPage(cursor, false);
  }, [loading, hasMore, cursor, error, fetchPage]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const retry = useCallback(() => {
    if (cursor) fetchPage(cursor, false);
    else reload();
  }, [cursor, fetchPage, reload]);

  return { items, loading, error, hasMore, loadMore, retry, reload };
}
