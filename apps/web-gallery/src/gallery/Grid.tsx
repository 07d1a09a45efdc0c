import { useCallback } from 'react';
import type { ViewableItem } from '../api/types';
import { LoadMore } from '../ui/ListStates';
import { Tile } from './Tile';
import { useGridKeys } from './useGridKeys';
import type { GridSelection, PickHow } from './useSelection';
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

/**
 * A grid of items in one list (an album's, a share link's, the trash). Off-screen tiles skip
 * layout and paint (`content-visibility: auto` in the stylesheet), images load lazily, and the
 * next page is requested when a sentinel below the last row comes within a screen of the viewport.
 */
export function Grid<T extends ViewableItem>({ items, hasMore, loading, onLoadMore, onOpen, label = 'Your library', selection, multiselect, noteOf, hideStatus }: GridProps<T>) {
  const sentinel = useSentinel(hasMore, items.length, onLoadMore);
  // Arrow keys move between tiles like in a file manager; with Shift they also select.
  const keys = useGridKeys(items, { multiselect });
  const legacyToggle = selection?.onToggle;
  const legacyPick = useCallback((id: string) => legacyToggle?.(id), [legacyToggle]);
  const pick = multiselect?.onPick;
  const multiPick = useCallback((id: string, how: PickHow) => pick?.(id, how), [pick]);

  const selected = multiselect?.selected ?? selection?.selected;
  const selecting = multiselect ? multiselect.selecting : Boolean(selection);
  return (
    <>
      <ul className={`grid${selecting ? ' is-selecting' : ''}`} {...keys.handlers} aria-label={label} aria-busy={loading} role={multiselect ? 'grid' : undefined}>
        {items.map((item) => (
          <Tile
            key={item.id}
            item={item}
            onOpen={onOpen}
            selected={selected?.has(item.id)}
            selecting={selecting}
            onPick={multiselect ? multiPick : selection ? legacyPick : undefined}
            multi={Boolean(multiselect)}
            tabbable={keys.tabbable(item.id)}
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
