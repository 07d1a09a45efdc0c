import { useCallback, useEffect, useRef, useState } from 'react';
import type { MediaView, SearchHitView, SearchParams } from '../api/types';
import { useServices } from '../app/services';
import { useLiveStatus } from '../live/page';
import { isRefusedSearch, refusalText } from '../search/refusal';
import { searchParamsOf, type LibraryView } from '../search/view';
import { usePaged, type Paged } from '../ui/usePaged';

export interface MediaListState extends Omit<Paged<SearchHitView>, 'error' | 'setItems'> {
  /** The failed page's error, as the person is told it. */
  error: string | null;
  /** The API refused the search itself (its words or filters): trying again will not help. */
  refused: boolean;
  /**
   * The last look found nothing in `MAX_EMPTY_PAGES` pages but the library goes on: more comes
   * only when the person asks (`loadMore`), not by itself.
   */
  stalled: boolean;
}

export const PAGE_SIZE = 60;

/**
 * How many empty pages in a row one request of the person's follows. A filtered walk by date has
 * a budget per request on the server, so a page may come back empty with a cursor to go on from.
 */
export const MAX_EMPTY_PAGES = 10;

/** A date bound as an instant: a day alone covers the whole (UTC) day, as on the server. */
function instant(bound: string, end: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(bound)) return `${bound}T${end ? '23:59:59.999' : '00:00:00.000'}Z`;
  const ms = Date.parse(bound);
  return Number.isNaN(ms) ? bound : new Date(ms).toISOString();
}

/**
 * Whether an item changed elsewhere belongs in the list: 'no' when a filter the app can check
 * rules it out, 'unknown' when only the server can tell (the words, an album, a camera).
 */
export function admits(item: MediaView, params: SearchParams): 'yes' | 'no' | 'unknown' {
  if (params.kind && item.kind !== params.kind) return 'no';
  if (params.status && item.status !== params.status) return 'no';
  if (params.tags?.some((t) => !item.tags.some((own) => own.name === t))) return 'no';
  if (params.from && item.takenAt < instant(params.from, false)) return 'no';
  if (params.to && item.takenAt > instant(params.to, true)) return 'no';
  return params.q || params.album || params.camera ? 'unknown' : 'yes';
}

/** Whether `a` comes before `b` in a list by date taken (then id, as the server breaks ties). */
function comesBefore(a: MediaView, b: MediaView, newestFirst: boolean): boolean {
  if (a.takenAt !== b.takenAt) return newestFirst ? a.takenAt > b.takenAt : a.takenAt < b.takenAt;
  return newestFirst ? a.id > b.id : a.id < b.id;
}

/**
 * Puts an item where the list's order has it. Past the last loaded item of a list with more pages
 * it is left for its page to bring (else the next page would land after it).
 */
export function placeItem(list: readonly SearchHitView[], item: MediaView, newestFirst: boolean, hasMore: boolean): SearchHitView[] {
  const hit: SearchHitView = { ...item, matched: [] };
  const at = list.findIndex((other) => comesBefore(item, other, newestFirst));
  if (at < 0) return hasMore ? [...list] : [...list, hit];
  return [...list.slice(0, at), hit, ...list.slice(at)];
}

/** Statuses in which an item has left the library (it is no longer listed). */
const GONE_STATUSES: ReadonlySet<string> = new Set(['trashed', 'deleted']);

/**
 * The library as the server orders it, page by page (`GET /api/v1/search`: the words, the filters
 * and the order of the view, newest taken first by default). Items uploaded, edited or deleted
 * elsewhere in the app, or anywhere else where the page's event stream reports it, are merged in
 * without a reload, where the app can tell they belong; when the stream missed changes, the list
 * loads again.
 */
export function useMediaList(view: LibraryView): MediaListState {
  const { api, events } = useServices();
  const live = useLiveStatus();
  // The search as text: a new view object asking the same thing does not reload the list.
  const key = JSON.stringify(searchParamsOf(view));
  const [stalled, setStalled] = useState(false);
  const load = useCallback(
    async (cursor: string | null, signal: AbortSignal) => {
      const params = JSON.parse(key) as SearchParams;
      setStalled(false);
      let page = await api.search(params, cursor, PAGE_SIZE, signal);
      // An empty page with a cursor is the server's budget running out, not the end of the list.
      for (let empty = 1; page.items.length === 0 && page.nextCursor !== null && empty < MAX_EMPTY_PAGES; empty += 1) {
        page = await api.search(params, page.nextCursor, PAGE_SIZE, signal);
      }
      if (!signal.aborted) setStalled(page.items.length === 0 && page.nextCursor !== null);
      return page;
    },
    [api, key],
  );
  const { error, setItems, ...list } = usePaged(load, 'Something went wrong while loading your library.');
  const { reload } = list;
  const hasMore = useRef(list.hasMore);
  useEffect(() => {
    hasMore.current = list.hasMore;
  }, [list.hasMore]);

  useEffect(() => {
    const params = JSON.parse(key) as SearchParams;
    const remove = (id: string) => setItems((current) => current.filter((i) => i.id !== id));
    const update = (item: MediaView) =>
      setItems((current) => {
        const verdict = admits(item, params);
        const index = current.findIndex((i) => i.id === item.id);
        if (index >= 0) {
          const before = current[index];
          // Two ways can bring the same change (this page's own answer, the stream): never go back.
          if (before && before.updatedAt > item.updatedAt) return current;
          if (verdict === 'no') return current.filter((i) => i.id !== item.id);
          // Processing reads the capture date: by date taken, the item moves to where it was taken.
          if (params.order !== 'relevance' && before && before.takenAt !== item.takenAt) {
            return placeItem(current.filter((i) => i.id !== item.id), item, params.order !== 'taken-asc', hasMore.current);
          }
          const next = [...current];
          // The server's word on where it matched stands until the next search.
          next[index] = { ...item, matched: before?.matched ?? [] };
          return next;
        }
        if (verdict !== 'yes' || params.order === 'relevance') return current;
        return placeItem(current, item, params.order !== 'taken-asc', hasMore.current);
      });
    const offUpdated = events.onUpdated(update);
    const offRemoved = events.onRemoved(remove);
    const offLive = live.subscribe({
      item: (item) => (GONE_STATUSES.has(item.status) ? remove(item.id) : update(item)),
      removed: remove,
      // The first opening follows the first page by moments; a gap or the server's word is worth a reload.
      resync: (reason) => {
        if (reason !== 'opened') reload();
      },
    });
    return () => {
      offUpdated();
      offRemoved();
      offLive();
    };
  }, [events, key, live, reload, setItems]);

  const refused = error !== null && isRefusedSearch(error);
  return { ...list, error: error ? (refused ? refusalText(error) : error.detail) : null, refused, stalled: stalled && list.hasMore && !list.loading };
}
