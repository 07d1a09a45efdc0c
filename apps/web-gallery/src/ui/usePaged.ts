import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { ApiError } from '../api/client';

export interface Paged<T> {
  items: T[];
  loading: boolean;
  /** The failed page's error (the first page's, or the next one's). */
  error: ApiError | null;
  hasMore: boolean;
  loadMore: () => void;
  /** Tries the failed page again (the first page, or the next one). */
  retry: () => void;
  /** Starts again from the first page. */
  reload: () => void;
  /** For changes made here (an item removed, an album renamed) without a reload. */
  setItems: Dispatch<SetStateAction<T[]>>;
}

export type PageLoader<T> = (cursor: string | null, signal: AbortSignal) => Promise<{ items: T[]; nextCursor: string | null }>;

/**
 * A list the API pages with a cursor: the first page on mount (and whenever `load` changes: pass
 * a memoised loader), the next on `loadMore`. An error that is not an `ApiError` becomes one
 * (status 0, with `failure` as its text) so callers have one shape to read.
 */
export function usePaged<T extends { id: string }>(load: PageLoader<T>, failure = 'Something went wrong.'): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  const inFlight = useRef<AbortController | null>(null);

  const fetchPage = useCallback(
    (after: string | null) => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      setLoading(true);
      setError(null);
      load(after, controller.signal)
        .then((page) => {
          if (controller.signal.aborted) return;
          setItems((current) => {
            if (after === null) return page.items;
            const seen = new Set(current.map((i) => i.id));
            return [...current, ...page.items.filter((i) => !seen.has(i.id))];
          });
          setCursor(page.nextCursor);
          setHasMore(page.nextCursor !== null);
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          setError(e instanceof ApiError ? e : new ApiError(failure, 0, 'unknown', failure, { cause: e }));
        })
        .finally(() => {
          if (inFlight.current === controller) {
            inFlight.current = null;
            setLoading(false);
          }
        });
    },
    [load, failure],
  );

  useEffect(() => {
    setItems([]);
    setCursor(null);
    fetchPage(null);
    return () => inFlight.current?.abort();
  }, [fetchPage, generation]);

  const loadMore = useCallback(() => {
    if (!loading && cursor && !error) fetchPage(cursor);
  }, [cursor, error, fetchPage, loading]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const retry = useCallback(() => {
    if (cursor) fetchPage(cursor);
    else reload();
  }, [cursor, fetchPage, reload]);

  return { items, loading, error, hasMore, loadMore, retry, reload, setItems };
}
