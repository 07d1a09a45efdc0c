import { useCallback, useRef, type KeyboardEvent } from 'react';
import type { ViewableItem } from '../api/types';
import { LoadMore } from '../ui/ListStates';
import { Tile } from './Tile';
import { useSentinel } from './useSentinel';

export interface GridProps {
  items: readonly ViewableItem[];
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  onOpen: (id: string) => void;
  /** The list's accessible name. */
  label?: string;
  /** Select mode: the selected ids, and what a click on a tile does instead of opening it. */
  selection?: { selected: ReadonlySet<string>; onToggle: (id: string) => void } | undefined;
}

/** How many tiles share the first row: the number of columns the CSS grid made. */
function columnsOf(list: HTMLElement): number {
  const tiles = Array.from(list.children) as HTMLElement[];
  const top = tiles[0]?.offsetTop;
  const count = tiles.findIndex((t) => t.offsetTop !== top);
  return count <= 0 ? Math.max(1, tiles.length) : count;
}

/**
 * A grid of items in one list (an album's, a share link's). Off-screen tiles skip layout and paint
 * (`content-visibility: auto` in the stylesheet), images load lazily, and the next page is
 * requested when a sentinel below the last row comes within a screen of the viewport.
 */
export function Grid({ items, hasMore, loading, onLoadMore, onOpen, label = 'Your library', selection }: GridProps) {
  const sentinel = useSentinel(hasMore, items.length, onLoadMore);
  const list = useRef<HTMLUListElement>(null);

  // Arrow keys move between tiles like in a file manager; Tab still leaves the grid.
  const onKeyDown = useCallback((event: KeyboardEvent<HTMLUListElement>) => {
    const root = list.current;
    const current = (event.target as HTMLElement).closest('li');
    if (!root || !current || !['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(event.key)) return;
    const tiles = Array.from(root.children) as HTMLElement[];
    const index = tiles.indexOf(current);
    const columns = columnsOf(root);
    const next = {
      ArrowLeft: index - 1,
      ArrowRight: index + 1,
      ArrowUp: index - columns,
      ArrowDown: index + columns,
      Home: 0,
      End: tiles.length - 1,
    }[event.key] ?? index;
    const tile = tiles[Math.max(0, Math.min(tiles.length - 1, next))];
    if (tile && tile !== current) {
      event.preventDefault();
      tile.querySelector('button')?.focus();
    }
  }, []);

  return (
    <>
      <ul className={`grid${selection ? ' is-selecting' : ''}`} ref={list} onKeyDown={onKeyDown} aria-label={label} aria-busy={loading}>
        {items.map((item) => (
          <Tile key={item.id} item={item} onOpen={onOpen} selected={selection?.selected.has(item.id)} onToggle={selection?.onToggle} />
        ))}
      </ul>
      <div ref={sentinel} className="grid-sentinel" data-testid="grid-sentinel" aria-hidden="true" />
      <LoadMore hasMore={hasMore} count={items.length} loading={loading} onLoadMore={onLoadMore} />
    </>
  );
}
