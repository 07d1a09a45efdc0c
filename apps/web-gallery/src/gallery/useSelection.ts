import { useCallback, useMemo, useState } from 'react';

export interface Selection {
  /** Select mode is on: a click on a tile toggles it. */
  active: boolean;
  selected: ReadonlySet<string>;
  toggle: (id: string) => void;
  clear: () => void;
  /** Turns select mode on or off (off forgets the selection). */
  setActive: (active: boolean) => void;
}

/** Which tiles of a grid are selected, in select mode. */
export function useSelection(): Selection {
  const [active, setActiveState] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback(
    (id: string) =>
      setSelected((current) => {
        const next = new Set(current);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const clear = useCallback(() => setSelected(new Set()), []);
  const setActive = useCallback((on: boolean) => {
    setActiveState(on);
    if (!on) setSelected(new Set());
  }, []);
  return useMemo(() => ({ active, selected, toggle, clear, setActive }), [active, selected, toggle, clear, setActive]);
}
