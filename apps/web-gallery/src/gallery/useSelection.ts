import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

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
 * one ARIA grid with one Tab stop, each tile a row; in select mode each tile's button is a
 * checkbox that says whether it is selected.
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

export interface GridSelectionWiring<T> {
  selection: Selection;
  /** For `Grid` and `TimelineGrid`: the selection, and what picks, Ctrl/Cmd+A and Escape do. */
  multiselect: GridSelection;
  /** The selected items, in the list's order. */
  chosen: T[];
}

/**
 * A selection wired to a list shown in a multi-select grid: ranges and Select all follow the
 * list's order as it is when they happen. `alwaysSelecting` is for a page that is only ever in
 * select mode (the trash): a click picks a tile, and Escape clears the selection instead of
 * leaving select mode.
 *
 * @example
 * const { multiselect, chosen, selection } = useGridSelection(items);
 * <TimelineGrid items={items} multiselect={multiselect} … />
 */
export function useGridSelection<T extends { id: string }>(items: readonly T[], { alwaysSelecting = false }: { alwaysSelecting?: boolean } = {}): GridSelectionWiring<T> {
  const selection = useSelection();
  // The list's order for callbacks that stay the same from render to render (so the tiles,
  // memoised, do not all render again on each change).
  const order = useRef<string[]>([]);
  useEffect(() => {
    order.current = items.map((i) => i.id);
  }, [items]);
  const { toggle, extend, selectAll, clear, setActive, selected, active } = selection;
  const onPick = useCallback((id: string, how: PickHow, from?: string) => (how === 'toggle' ? toggle(id) : extend(id, order.current, from)), [toggle, extend]);
  const onSelectAll = useCallback(() => selectAll(order.current), [selectAll]);
  const onExit = useCallback(() => (alwaysSelecting ? clear() : setActive(false)), [alwaysSelecting, clear, setActive]);
  const multiselect = useMemo<GridSelection>(
    () => ({ selected, selecting: alwaysSelecting || active, onPick, onSelectAll, onExit }),
    [selected, alwaysSelecting, active, onPick, onSelectAll, onExit],
  );
  const chosen = useMemo(() => items.filter((i) => selected.has(i.id)), [items, selected]);
  return { selection, multiselect, chosen };
}
