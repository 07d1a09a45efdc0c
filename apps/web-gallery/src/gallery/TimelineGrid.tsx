import { useCallback, useEffect, useId, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type RefObject } from 'react';
import type { SearchHitView } from '../api/types';
import { groupByTaken } from '../search/group';
import { dayLabel, matchedLine, monthLabel } from '../search/labels';
import { LoadMore } from '../ui/ListStates';
import { Tile } from './Tile';
import { selectionKey, swallowSpaceUp, tileIdOf, useRovingTile, type GridSelection, type PickHow } from './useSelection';
import { useSentinel } from './useSentinel';

export interface TimelineGridProps {
  items: readonly SearchHitView[];
  /** Under month and day headers: for a list by date taken (a list by relevance is one grid). */
  grouped: boolean;
  /** Says on each tile where the words matched (while searching). */
  showMatched: boolean;
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  /** The button that asks for more ("Load more" unless said). */
  moreLabel?: string | undefined;
  onOpen: (id: string) => void;
  /** The grid's accessible name. */
  label?: string;
  /**
   * Several tiles selectable by pointer and keyboard (Space, Shift+arrows, Ctrl/Cmd+A, Escape):
   * each day's list is an ARIA grid, and the whole timeline has one Tab stop.
   */
  multiselect?: GridSelection | undefined;
  /** Shows a heart on each tile that marks it as a favourite, or not. */
  onFavourite?: ((id: string, favourite: boolean) => void) | undefined;
}

const KEYS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'];

/**
 * The tile an arrow key goes to. Left and right follow the list's order across day groups; up
 * and down go to the nearest row above or below (which may be another day's), to the tile
 * closest in column.
 */
function neighbour(tiles: readonly HTMLElement[], current: HTMLElement, key: string): HTMLElement | undefined {
  const index = tiles.indexOf(current);
  if (key === 'ArrowLeft') return tiles[index - 1];
  if (key === 'ArrowRight') return tiles[index + 1];
  if (key === 'Home') return tiles[0];
  if (key === 'End') return tiles.at(-1);
  const here = current.getBoundingClientRect();
  const step = key === 'ArrowDown' ? 1 : -1;
  let rowTop: number | null = null;
  let best: HTMLElement | undefined;
  let bestDistance = Infinity;
  // Tiles after this one in the list are below it or to its right, those before it above or left.
  for (let i = index + step; i >= 0 && i < tiles.length; i += step) {
    const tile = tiles[i];
    if (!tile) break;
    const box = tile.getBoundingClientRect();
    if (rowTop === null) {
      if (Math.abs(box.top - here.top) < 1) continue;
      rowTop = box.top;
    } else if (Math.abs(box.top - rowTop) >= 1) break;
    const distance = Math.abs(box.left - here.left);
    if (distance < bestDistance) {
      best = tile;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The width that makes whole columns of tiles fill the grid's width exactly: days side by side
 * then line up as one grid, edge to edge, as the plain grid does with its `1fr` columns. Null
 * until measured (the stylesheet's `--tile` is used meanwhile).
 */
function useTileWidth(root: RefObject<HTMLElement | null>): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const element = root.current;
    if (!element || typeof ResizeObserver === 'undefined') return undefined;
    const measure = () => {
      const style = getComputedStyle(element);
      const min = parseFloat(style.getPropertyValue('--tile')) || 200;
      const gap = parseFloat(style.getPropertyValue('--grid-gap')) || 12;
      const total = element.clientWidth;
      const columns = Math.max(1, Math.floor((total + gap) / (min + gap)));
      setWidth(Math.floor(((total - (columns - 1) * gap) / columns) * 100) / 100);
    };
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [root]);
  return width;
}

/**
 * The library's grid: by date taken under month headers ("July 2021") and day headers ("Wed 14
 * Jul"), or one grid of search results by relevance. Each month section carries `data-month`, which
 * the timeline uses to scroll to a month and to tell which one is in view. Tiles, lazy images and
 * the next page on scroll work as in `Grid`.
 */
export function TimelineGrid({ items, grouped, showMatched, hasMore, loading, onLoadMore, moreLabel, onOpen, label = 'Your library', multiselect, onFavourite }: TimelineGridProps) {
  const id = useId();
  const root = useRef<HTMLElement>(null);
  const tileWidth = useTileWidth(root);
  const sentinel = useSentinel(hasMore, items.length, onLoadMore);
  const months = useMemo(() => (grouped ? groupByTaken(items) : []), [grouped, items]);
  const selecting = Boolean(multiselect?.selecting);
  const gridClass = `grid${selecting ? ' is-selecting' : ''}`;
  const roving = useRovingTile(items, Boolean(multiselect));
  const pick = multiselect?.onPick;
  const onPick = useCallback((id: string, how: PickHow) => pick?.(id, how), [pick]);
  const gridRole = multiselect ? { role: 'grid', 'aria-multiselectable': true } : {};

  // Arrow keys move between tiles like in a file manager (with Shift they also select); Tab
  // leaves the grid.
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      if (multiselect && selectionKey(event, multiselect)) return;
      if (!KEYS.includes(event.key)) return;
      const current = (event.target as HTMLElement).closest('li.tile');
      if (!(current instanceof HTMLElement)) return;
      const tiles = Array.from(event.currentTarget.querySelectorAll<HTMLElement>('li.tile'));
      const next = neighbour(tiles, current, event.key);
      if (next && next !== current) {
        event.preventDefault();
        next.querySelector<HTMLElement>('.tile-button')?.focus();
        const to = tileIdOf(next);
        if (multiselect && event.shiftKey && to) multiselect.onPick(to, 'extend', tileIdOf(current) ?? undefined);
      }
    },
    [multiselect],
  );

  const tile = (item: SearchHitView) => (
    <Tile
      key={item.id}
      item={item}
      onOpen={onOpen}
      selected={multiselect?.selected.has(item.id)}
      selecting={selecting}
      onPick={multiselect ? onPick : undefined}
      multi={Boolean(multiselect)}
      tabbable={roving.tabbable(item.id)}
      onFavourite={onFavourite}
      matched={showMatched ? matchedLine(item.matched) || undefined : undefined}
    />
  );

  return (
    <>
      <section
        className="timeline"
        ref={root}
        aria-label={label}
        aria-busy={loading}
        onKeyDown={onKeyDown}
        onKeyUp={multiselect ? swallowSpaceUp : undefined}
        onFocus={roving.onFocus}
        style={tileWidth ? ({ '--tile-width': `${tileWidth}px` } as CSSProperties) : undefined}
      >
        {grouped ? (
          months.map(({ month, days }) => (
            <section key={month} className="month-group" data-month={month} aria-labelledby={`${id}-${month}`}>
              <h2 className="month-heading" id={`${id}-${month}`} tabIndex={-1}>
                {monthLabel(month)}
              </h2>
              <div className="month-days">
                {days.map(({ day, items: dayItems }) => (
                  <div key={day} className="day-group">
                    <h3 className="day-heading" id={`${id}-${day}`}>
                      {dayLabel(day)}
                    </h3>
                    <ul className={gridClass} aria-labelledby={`${id}-${day}`} {...gridRole}>
                      {dayItems.map(tile)}
                    </ul>
                  </div>
                ))}
              </div>
            </section>
          ))
        ) : (
          <ul className={gridClass} aria-label="Results" {...gridRole}>
            {items.map(tile)}
          </ul>
        )}
      </section>
      <div ref={sentinel} className="grid-sentinel" data-testid="grid-sentinel" aria-hidden="true" />
      <LoadMore hasMore={hasMore} count={items.length} loading={loading} onLoadMore={onLoadMore} label={moreLabel ?? 'Load more'} />
    </>
  );
}
