import type { KeyboardEvent, ReactNode } from 'react';
import { offer } from '../ui/offer';

export interface SelectionBarProps {
  count: number;
  onClear: () => void;
  onDone: () => void;
  /** Offers "Select all" while fewer than `total` are selected. */
  onSelectAll?: (() => void) | undefined;
  /** How many items can be selected (those loaded). */
  total?: number | undefined;
  /** The actions on the selection (e.g. "Add to album"). */
  children: ReactNode;
}

/**
 * The bar of select mode: how many are selected, what to do with them, Select all, Clear and
 * Done. Escape inside it is Done, as in the grid. Select all and Clear stay focusable when there
 * is nothing for them to do (`aria-disabled`): the focus stays in the bar after using them.
 */
export function SelectionBar({ count, onClear, onDone, onSelectAll, total, children }: SelectionBarProps) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    onDone();
  };
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection" onKeyDown={onKeyDown}>
      <span className="selection-count" aria-live="polite">
        {count} selected
      </span>
      {children}
      {onSelectAll && total !== undefined && (
        <button type="button" className="btn btn-quiet" {...offer(count >= total, onSelectAll)}>
          Select all
        </button>
      )}
      <button type="button" className="btn btn-quiet" {...offer(count === 0, onClear)}>
        Clear
      </button>
      <button type="button" className="btn btn-quiet" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
