import { useCallback, useEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { GridSelection } from './useSelection';

/** The id of the tile an event happened in (its button carries `data-id`). */
export function tileIdOf(element: Element | null): string | null {
  const tile = element?.closest('li.tile');
  return tile?.querySelector<HTMLElement>('.tile-button')?.dataset.id ?? null;
}

/**
 * The selection keys of a multi-select grid, besides moving: Space toggles the focused tile
 * (Shift+Space selects up to it), Ctrl/Cmd+A selects all, Escape leaves select mode. Returns
 * whether the key was handled (and its default prevented).
 */
export function selectionKey(event: KeyboardEvent<HTMLElement>, selection: GridSelection): boolean {
  const target = event.target as HTMLElement;
  if (event.key === 'Escape' && selection.selecting) {
    event.preventDefault();
    selection.onExit();
    return true;
  }
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'a') {
    event.preventDefault();
    selection.onSelectAll();
    return true;
  }
  if (event.key === ' ' && target.classList.contains('tile-button')) {
    const id = tileIdOf(target);
    if (!id) return false;
    // Handled here, not as the button's click on key up: that would toggle it back.
    event.preventDefault();
    selection.onPick(id, event.shiftKey ? 'extend' : 'toggle');
    return true;
  }
  return false;
}

/** Stops a button's own Space click on key up, where `selectionKey` handled the key down. */
export function swallowSpaceUp(event: KeyboardEvent<HTMLElement>): void {
  if (event.key === ' ' && (event.target as HTMLElement).classList.contains('tile-button')) event.preventDefault();
}

const MOVES = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'];

/**
 * The tile an arrow key goes to, from where the tiles are on the screen. Left and right follow the
 * list's order (across a timeline's day groups); up and down go to the nearest row above or below
 * (which may be another day's), to the tile closest in column; Home and End to the first and last.
 */
export function neighbour(tiles: readonly HTMLElement[], current: HTMLElement, key: string): HTMLElement | undefined {
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

/** The key that marks or unmarks the focused tile as a favourite (its heart is not a Tab stop). */
export const FAVOURITE_KEY = 'f';

export interface GridKeysOptions {
  /** Several tiles selectable by keyboard (Space, Shift+arrows, Ctrl/Cmd+A, Escape), one Tab stop. */
  multiselect?: GridSelection | undefined;
  /** The hearts' action: F on a focused tile toggles its favourite mark. */
  onFavourite?: ((id: string, favourite: boolean) => void) | undefined;
}

export interface GridKeys {
  /** For the element that holds every tile of the grid. */
  handlers: {
    onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
    onKeyUp: ((event: KeyboardEvent<HTMLElement>) => void) | undefined;
    onFocus: (event: FocusEvent<HTMLElement>) => void;
  };
  /** Whether the tile holds the grid's one Tab stop; undefined without multi-select (every tile is one). */
  tabbable: (id: string) => boolean | undefined;
  /** What the last key press changed that the focused element does not say itself (for a live region). */
  announcement: string;
}

/**
 * The keyboard of a grid of tiles, wherever its tiles are in it (`li.tile`, in one list or under
 * day headers): the arrows, Home and End move the focus (with Shift they also select), the
 * selection keys of a multi-select grid, F for a tile's heart, and one Tab stop: the tile that last
 * had the focus (else the first) is reachable by Tab, the others by the arrows.
 */
export function useGridKeys(items: readonly { id: string; favourite?: boolean | undefined; title?: string | null | undefined; filename: string }[], { multiselect, onFavourite }: GridKeysOptions): GridKeys {
  const on = Boolean(multiselect);
  const [focused, setFocused] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  // The items for the key handler, without making a new handler on every change of the list.
  const latest = useRef(items);
  useEffect(() => {
    latest.current = items;
  }, [items]);

  const holder = !on ? null : focused !== null && items.some((i) => i.id === focused) ? focused : (items[0]?.id ?? null);
  const tabbable = useCallback((id: string) => (on ? id === holder : undefined), [on, holder]);

  const onFocus = useCallback(
    (event: FocusEvent<HTMLElement>) => {
      if (!on) return;
      const id = tileIdOf(event.target as Element);
      if (id) setFocused(id);
    },
    [on],
  );

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      if (multiselect && selectionKey(event, multiselect)) return;
      const target = event.target as HTMLElement;
      const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
      if (onFavourite && plain && event.key.toLowerCase() === FAVOURITE_KEY && target.classList.contains('tile-button') && !multiselect?.selecting) {
        const item = latest.current.find((i) => i.id === tileIdOf(target));
        if (!item) return;
        event.preventDefault();
        const favourite = !item.favourite;
        onFavourite(item.id, favourite);
        const name = item.title?.trim() || item.filename;
        setAnnouncement(favourite ? `“${name}” added to favourites` : `“${name}” removed from favourites`);
        return;
      }
      if (!MOVES.includes(event.key)) return;
      const current = target.closest('li.tile');
      if (!(current instanceof HTMLElement)) return;
      const tiles = Array.from(event.currentTarget.querySelectorAll<HTMLElement>('li.tile'));
      const next = neighbour(tiles, current, event.key);
      if (!next || next === current) return;
      event.preventDefault();
      next.querySelector<HTMLElement>('.tile-button')?.focus();
      const to = tileIdOf(next);
      if (multiselect && event.shiftKey && to) multiselect.onPick(to, 'extend', tileIdOf(current) ?? undefined);
    },
    [multiselect, onFavourite],
  );

  return { handlers: { onKeyDown, onKeyUp: on ? swallowSpaceUp : undefined, onFocus }, tabbable, announcement };
}
