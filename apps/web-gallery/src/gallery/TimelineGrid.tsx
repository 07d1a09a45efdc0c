import { useCallback, useEffect, useId, useMemo, useRef, useState, type CSSProperties, type ReactNode, type RefObject } from 'react';
import type { SearchHitView } from '../api/types';
import { groupByTaken } from '../search/group';
import { dayLabel, matchedLine, monthLabel } from '../search/labels';
import { LoadMore } from '../ui/ListStates';
import { Tile } from './Tile';
import { useGridKeys } from './useGridKeys';
import type { GridSelection, PickHow } from './useSelection';
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
   * the whole timeline is one ARIA grid with one Tab stop, each day a row group under its header.
   */
  multiselect?: GridSelection | undefined;
  /** Shows a heart on each tile that marks it as a favourite, or not (F on a focused tile too). */
  onFavourite?: ((id: string, favourite: boolean) => void) | undefined;
}

/**
 * A month's or a day's header. In the multi-select grid, a row of its own with one header cell
 * (a grid owns rows only); the heading inside stays a heading, for moving by headings.
 */
function GroupHeader({ multi, children }: { multi: boolean; children: ReactNode }) {
  if (!multi) return <>{children}</>;
  return (
    <div role="row" className="group-header">
      <div role="columnheader" className="group-header-cell">
        {children}
      </div>
    </div>
  );
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
  const multi = Boolean(multiselect);
  const pick = multiselect?.onPick;
  const onPick = useCallback((id: string, how: PickHow) => pick?.(id, how), [pick]);
  // Arrow keys move between tiles like in a file manager, across the day groups (with Shift they
  // also select); Tab leaves the grid.
  const keys = useGridKeys(items, { multiselect, onFavourite });

  const tile = (item: SearchHitView) => (
    <Tile
      key={item.id}
      item={item}
      onOpen={onOpen}
      selected={multiselect?.selected.has(item.id)}
      selecting={selecting}
      onPick={multiselect ? onPick : undefined}
      multi={multi}
      tabbable={keys.tabbable(item.id)}
      onFavourite={onFavourite}
      matched={showMatched ? matchedLine(item.matched) || undefined : undefined}
    />
  );

  return (
    <>
      <section
        className="timeline"
        ref={root}
        role={multi ? 'grid' : undefined}
        aria-label={label}
        aria-busy={loading}
        {...keys.handlers}
        style={tileWidth ? ({ '--tile-width': `${tileWidth}px` } as CSSProperties) : undefined}
      >
        {grouped ? (
          months.map(({ month, days }) => (
            // In the grid, a month is no region of its own: its header is a row of the grid.
            <section key={month} className="month-group" data-month={month} aria-labelledby={multi ? undefined : `${id}-${month}`}>
              <GroupHeader multi={multi}>
                <h2 className="month-heading" id={`${id}-${month}`} tabIndex={-1}>
                  {monthLabel(month)}
                </h2>
              </GroupHeader>
              <div className="month-days">
                {days.map(({ day, items: dayItems }) => (
                  <div key={day} className="day-group" role={multi ? 'rowgroup' : undefined} aria-labelledby={multi ? `${id}-${day}` : undefined}>
                    <GroupHeader multi={multi}>
                      <h3 className="day-heading" id={`${id}-${day}`}>
                        {dayLabel(day)}
                      </h3>
                    </GroupHeader>
                    <ul className={gridClass} role={multi ? 'none' : undefined} aria-labelledby={multi ? undefined : `${id}-${day}`}>
                      {dayItems.map(tile)}
                    </ul>
                  </div>
                ))}
              </div>
            </section>
          ))
        ) : (
          <ul className={gridClass} role={multi ? 'none' : undefined} aria-label={multi ? undefined : 'Results'}>
            {items.map(tile)}
          </ul>
        )}
      </section>
      {onFavourite && (
        <p className="visually-hidden" role="status">
          {keys.announcement}
        </p>
      )}
      <div ref={sentinel} className="grid-sentinel" data-testid="grid-sentinel" aria-hidden="true" />
      <LoadMore hasMore={hasMore} count={items.length} loading={loading} onLoadMore={onLoadMore} label={moreLabel ?? 'Load more'} />
    </>
  );
}
