import { useCallback, useMemo, useState, type FocusEvent, type KeyboardEvent } from 'react';

export interface Selection {
  /** Select mode is on: a click on a tile toggles it. */
  active: boolean;
  selected: ReadonlySet<string>;
  /** Where a range starts (Shift-click, Shift+arrow): the tile last toggled, null before any. */
  anchor: string | null;
  /** Selects or unselects one tile (and turns select mode on); it becomes the anchor. */
  toggle: (id: string) => void;
  /**
   * Selects the tiles from the anchor to `id` in `order` (the list's order), on top of what was
   * selected before the range began: a shorter range again unselects what it no longer covers.
   * Without an anchor the range starts at `from` (the tile the focus leaves), else at `id`.
   */
  extend: (id: string, order: readonly string[], from?: string) => void;
  /** Selects every id given (the items loaded) and turns select mode on. */
  selectAll: (ids: readonly string[]) => void;
  clear: () => void;
  /** Turns select mode on or off (off forgets the selection). */
  setActive: (active: boolean) => void;
}

interface State {
  active: boolean;
  selected: ReadonlySet<string>;
  anchor: string | null;
  /** What was selected when the anchor was set: a range is added to this. */
  base: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();
const OFF: State = { active: false, selected: NONE, anchor: null, base: NONE };

/** The ids from `a` to `b` in `order`, both included, whichever comes first; [] when one is missing. */
export function rangeOf(order: readonly string[], a: string, b: string): string[] {
  const i = order.indexOf(a);
  const j = order.indexOf(b);
  if (i < 0 || j < 0) return [];
  return order.slice(Math.min(i, j), Math.max(i, j) + 1);
}

/** The state after toggling one id: it becomes the anchor of the next range. */
export function toggled(state: State, id: string): State {
  const selected = new Set(state.selected);
  if (!selected.delete(id)) selected.add(id);
  return { active: true, selected, anchor: id, base: selected };
}

/** The state after extending the range to `id` (see `Selection.extend`). */
export function extended(state: State, id: string, order: readonly string[], from?: string): State {
  const known = state.anchor !== null && order.includes(state.anchor);
  const anchor = known && state.anchor !== null ? state.anchor : (from ?? id);
  const base = known ? state.base : state.selected;
  const range = rangeOf(order, anchor, id);
  const selected = new Set([...base, ...(range.length > 0 ? range : [id])]);
  return { active: true, selected, anchor, base };
}

/**
 * Which tiles of a grid are selected: select mode, a toggle per tile, ranges from an anchor
 * (Shift-click, Shift+arrow) as in a file manager, and everything loaded at once.
 */
export function useSelection(): Selection {
  const [state, setState] = useState<State>(OFF);
  const toggle = useCallback((id: string) => setState((current) => toggled(current, id)), []);
  const extend = useCallback((id: string, order: readonly string[], from?: string) => setState((current) => extended(current, id, order, from)), []);
  const selectAll = useCallback((ids: readonly string[]) => {
    const selected = new Set(ids);
    setState({ active: true, selected, anchor: null, base: selected });
  }, []);
  const clear = useCallback(() => setState((current) => ({ ...current, selected: NONE, anchor: null, base: NONE })), []);
  const setActive = useCallback((on: boolean) => setState((current) => (on ? { ...current, active: true } : OFF)), []);
  const { active, selected, anchor } = state;
  return useMemo(() => ({ active, selected, anchor, toggle, extend, selectAll, clear, setActive }), [active, selected, anchor, toggle, extend, selectAll, clear, setActive]);
}

/** How a pointer or key picks a tile in a multi-select grid. */
export type PickHow = 'toggle' | 'extend';

/**
 * A grid whose tiles can be selected several at a time, by pointer and by keyboard. The grid is
 * an ARIA grid (`aria-multiselectable`), each tile a row with `aria-selected`.
 */
export interface GridSelection {
  selected: ReadonlySet<string>;
  /** Select mode: a plain click toggles a tile instead of opening it. */
  selecting: boolean;
  /** A tile picked: toggled (click in select mode, Ctrl/Cmd-click, Space) or a range to it (Shift). */
  onPick: (id: string, how: PickHow, from?: string) => void;
  /** Ctrl/Cmd+A: everything loaded. */
  onSelectAll: () => void;
  /** Escape: leaves select mode. */
  onExit: () => void;
}

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
  // Space on the tile itself (the heart beside it is a switch of its own).
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

/**
 * One Tab stop for a multi-select grid: the tile that last had the focus (else the first) is
 * reachable by Tab, the others by the arrow keys. `tabbable` is undefined when `on` is false
 * (every tile is a Tab stop, as in a plain list).
 */
export function useRovingTile(items: readonly { id: string }[], on: boolean): { onFocus: (event: FocusEvent<HTMLElement>) => void; tabbable: (id: string) => boolean | undefined } {
  const [focused, setFocused] = useState<string | null>(null);
  const holder = !on ? null : focused !== null && items.some((i) => i.id === focused) ? focused : (items[0]?.id ?? null);
  const onFocus = useCallback(
    (event: FocusEvent<HTMLElement>) => {
      if (!on) return;
      const id = tileIdOf(event.target as Element);
      if (id) setFocused(id);
    },
    [on],
  );
  const tabbable = useCallback((id: string) => (on ? id === holder : undefined), [on, holder]);
  return { onFocus, tabbable };
}
