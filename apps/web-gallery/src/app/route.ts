import { useCallback, useEffect, useState } from 'react';

export interface Route {
  page: 'library' | 'cost';
  /** The item open in the detail view. */
  item: string | null;
}

export function parseRoute(location: Pick<Location, 'pathname' | 'search'>): Route {
  const page = location.pathname.replace(/\/+$/, '') === '/cost' ? 'cost' : 'library';
  const item = new URLSearchParams(location.search).get('item');
  return { page, item: page === 'library' && item ? item : null };
}

export function routeUrl(route: Route): string {
  const path = route.page === 'cost' ? '/cost' : '/';
  return route.item ? `${path}?item=${encodeURIComponent(route.item)}` : path;
}

/** A two-page router on the History API: the server answers every path with the app. */
export function useRoute(): [Route, (next: Route, options?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(window.location));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: Route, options: { replace?: boolean } = {}) => {
    const url = routeUrl(next);
    if (options.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    setRoute(next);
  }, []);
  return [route, navigate];
}
