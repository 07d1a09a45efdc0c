import type { ReactNode } from 'react';

export interface SelectionBarProps {
  count: number;
  onClear: () => void;
  onDone: () => void;
  /** The actions on the selection (e.g. "Add to album"). */
  children: ReactNode;
}

/** The bar of select mode: how many are selected, what to do with them, Clear and Done. */
export function SelectionBar({ count, onClear, onDone, children }: SelectionBarProps) {
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection">
      <span className="selection-count" aria-live="polite">
        {count} selected
      </span>
      {children}
      <button type="button" className="btn btn-quiet" onClick={onClear} disabled={count === 0}>
        Clear
      </button>
      <button type="button" className="btn btn-quiet" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
