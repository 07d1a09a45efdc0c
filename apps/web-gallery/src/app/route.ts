import { useCallback, useEffect, useState } from 'react';
import { viewFromQuery, viewQuery, wellFormed, type LibraryView } from '../search/view';

/**
 * Where the person is. `item` is the item open in the detail view (`?item=` in the URL), on the
 * pages that have one. The library's `view` (words, filters, order, timeline month) is in its
 * query too, so a reload or Back shows the same list; absent, the whole library newest first.
 */
export type Route =
  | { page: 'library'; item: string | null; view?: LibraryView | undefined }
  | { page: 'cost'; item: null }
  | { page: 'albums'; item: null }
  /** What was deleted from the library, until it is removed for good. */
  | { page: 'trash'; item: null }
  | { page: 'album'; albumId: string; item: string | null }
  | { page: 'review'; item: null }
  /** The visitor page of a share link: no sign-in. */
  | { page: 'shared'; token: string; item: string | null };

export type Page = Route['page'];

function segment(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** A path segment or query value for a URL: never throws, whatever the text. */
function encode(value: string): string {
  return encodeURIComponent(wellFormed(value));
}

/** The route of any URL: what cannot be read is left out, so no address can stop the app. */
export function parseRoute(location: Pick<Location, 'pathname' | 'search'>): Route {
  const path = location.pathname.replace(/\/+$/, '');
  const query = new URLSearchParams(location.search);
  const item = query.get('item') || null;
  const parts = path.split('/').slice(1);
  if (parts[0] === 's' && parts.length === 2) {
    const token = segment(parts[1]);
    if (token) return { page: 'shared', token, item };
  }
  if (parts[0] === 'albums' && parts.length === 2) {
    const albumId = segment(parts[1]);
    if (albumId) return { page: 'album', albumId, item };
  }
  if (path === '/albums') return { page: 'albums', item: null };
  if (path === '/trash') return { page: 'trash', item: null };
  if (path === '/review') return { page: 'review', item: null };
  if (path === '/cost') return { page: 'cost', item: null };
  const view = viewFromQuery(query);
  return viewQuery(view) ? { page: 'library', item, view } : { page: 'library', item };
}

export function routeUrl(route: Route): string {
  let path: string;
  switch (route.page) {
    case 'cost':
    case 'albums':
    case 'trash':
    case 'review':
      path = `/${route.page}`;
      break;
    case 'album':
      path = `/albums/${encode(route.albumId)}`;
      break;
    case 'shared':
      path = `/s/${encode(route.token)}`;
      break;
    default:
      path = '/';
  }
  const view = route.page === 'library' && route.view ? viewQuery(route.view) : '';
  const query = [view, route.item ? `item=${encode(route.item)}` : ''].filter(Boolean).join('&');
  return query ? `${path}?${query}` : path;
}

export type Navigate = (next: Route, options?: { replace?: boolean }) => void;

/** A router on the History API: the server answers every path with the app. */
export function useRoute(): [Route, Navigate] {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(window.location));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback<Navigate>((next, options = {}) => {
    const url = routeUrl(next);
    if (options.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    setRoute(next);
  }, []);
  return [route, navigate];
}
