import { useCallback, useRef, type KeyboardEvent } from 'react';
import type { ViewableItem } from '../api/types';
import { LoadMore } from '../ui/ListStates';
import { Tile } from './Tile';
import { selectionKey, swallowSpaceUp, tileIdOf, useRovingTile, type GridSelection, type PickHow } from './useSelection';
import { useSentinel } from './useSentinel';

export interface GridProps<T extends ViewableItem = ViewableItem> {
  items: readonly T[];
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  onOpen: (id: string) => void;
  /** The list's accessible name. */
  label?: string;
  /** Select mode: the selected ids, and what a click on a tile does instead of opening it. */
  selection?: { selected: ReadonlySet<string>; onToggle: (id: string) => void } | undefined;
  /**
   * Several tiles selectable by pointer and keyboard (Space, Shift+arrows, Ctrl/Cmd+A, Escape):
   * the list becomes an ARIA grid with one Tab stop. Takes the place of `selection`.
   */
  multiselect?: GridSelection | undefined;
  /** A line under each tile's name (e.g. when the trash removes it). */
  noteOf?: ((item: T) => string | undefined) | undefined;
  /** Leaves out the tiles' status badges. */
  hideStatus?: boolean | undefined;
}

/** How many tiles share the first row: the number of columns the CSS grid made. */
function columnsOf(list: HTMLElement): number {
  const tiles = Array.from(list.children) as HTMLElement[];
  const top = tiles[0]?.offsetTop;
  const count = tiles.findIndex((t) => t.offsetTop !== top);
  return count <= 0 ? Math.max(1, tiles.length) : count;
}

const MOVES = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'];

/**
 * A grid of items in one list (an album's, a share link's, the trash). Off-screen tiles skip
 * layout and paint (`content-visibility: auto` in the stylesheet), images load lazily, and the
 * next page is requested when a sentinel below the last row comes within a screen of the viewport.
 */
export function Grid<T extends ViewableItem>({ items, hasMore, loading, onLoadMore, onOpen, label = 'Your library', selection, multiselect, noteOf, hideStatus }: GridProps<T>) {
  const sentinel = useSentinel(hasMore, items.length, onLoadMore);
  const list = useRef<HTMLUListElement>(null);
  const roving = useRovingTile(items, Boolean(multiselect));
  const legacyToggle = selection?.onToggle;
  const legacyPick = useCallback((id: string) => legacyToggle?.(id), [legacyToggle]);
  const pick = multiselect?.onPick;
  const multiPick = useCallback((id: string, how: PickHow) => pick?.(id, how), [pick]);

  // Arrow keys move between tiles like in a file manager; with Shift they also select.
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLUListElement>) => {
      if (multiselect && selectionKey(event, multiselect)) return;
      const root = list.current;
      const current = (event.target as HTMLElement).closest('li');
      if (!root || !current || !MOVES.includes(event.key)) return;
      const tiles = Array.from(root.children) as HTMLElement[];
      const index = tiles.indexOf(current);
      const columns = columnsOf(root);
      const next =
        {
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
        tile.querySelector<HTMLElement>('.tile-button')?.focus();
        const to = tileIdOf(tile);
        const from = tileIdOf(current);
        if (multiselect && event.shiftKey && to) multiselect.onPick(to, 'extend', from ?? undefined);
      }
    },
    [multiselect],
  );

  const selected = multiselect?.selected ?? selection?.selected;
  const selecting = multiselect ? multiselect.selecting : Boolean(selection);
  return (
    <>
      <ul
        className={`grid${selecting ? ' is-selecting' : ''}`}
        ref={list}
        onKeyDown={onKeyDown}
        onKeyUp={multiselect ? swallowSpaceUp : undefined}
        onFocus={roving.onFocus}
        aria-label={label}
        aria-busy={loading}
        role={multiselect ? 'grid' : undefined}
        aria-multiselectable={multiselect ? true : undefined}
      >
        {items.map((item) => (
          <Tile
            key={item.id}
            item={item}
            onOpen={onOpen}
            selected={selected?.has(item.id)}
            selecting={selecting}
            onPick={multiselect ? multiPick : selection ? legacyPick : undefined}
            multi={Boolean(multiselect)}
            tabbable={roving.tabbable(item.id)}
            note={noteOf?.(item)}
            hideStatus={hideStatus}
          />
        ))}
      </ul>
      <div ref={sentinel} className="grid-sentinel" data-testid="grid-sentinel" aria-hidden="true" />
      <LoadMore hasMore={hasMore} count={items.length} loading={loading} onLoadMore={onLoadMore} />
    </>
  );
}
