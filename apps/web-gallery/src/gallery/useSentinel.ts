import { useEffect, useRef, type RefObject } from 'react';

/**
 * Asks for the next page when an element below the last row comes within a screen of the
 * viewport. Observed again when the list grows, so a page too short to fill the screen still
 * leads to the next one. A page that adds nothing leaves it quiet, so an endless run of empty
 * pages is not asked for by itself: the list offers a button to go on instead.
 */
export function useSentinel(hasMore: boolean, count: number, onLoadMore: () => void): RefObject<HTMLDivElement | null> {
  const sentinel = useRef<HTMLDivElement>(null);
  const loadMore = useRef(onLoadMore);
  useEffect(() => {
    loadMore.current = onLoadMore;
  }, [onLoadMore]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasMore || typeof IntersectionObserver === 'undefined') return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore.current();
    }, { rootMargin: '1200px 0px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasMore, count]);

  return sentinel;
}
