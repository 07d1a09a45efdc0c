import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { TimelineMonth } from '../api/types';
import { monthLabel, shortMonthLabel } from '../search/labels';

export interface ScrubberProps {
  /** The months that have items, newest first (`GET /api/v1/timeline`). */
  months: readonly TimelineMonth[];
  /** The month at the top of the screen. */
  current: string | null;
  /** Starts the list at a month. */
  onJump: (month: string) => void;
  /** The list's direction: a year jumps to its newest month when newest first, else to its oldest. */
  newestFirst: boolean;
}

interface Year {
  year: string;
  count: number;
  months: TimelineMonth[];
}

/** How long after a key press on the month menu a `change` counts as the keyboard's (ms). */
export const KEY_CHANGE_WINDOW = 500;

const items = (n: number) => (n === 1 ? '1 item' : `${n} items`);

/** Months under their years, in the order given. */
export function yearsOf(months: readonly TimelineMonth[]): Year[] {
  const years: Year[] = [];
  for (const m of months) {
    const year = m.month.slice(0, 4);
    const last = years.at(-1);
    if (last?.year === year) {
      last.count += m.count;
      last.months.push(m);
    } else years.push({ year, count: m.count, months: [m] });
  }
  return years;
}

/**
 * The timeline beside the grid: years and months with their counts; choosing one starts the list
 * there. A rail on wide screens, a month menu on narrow ones (the stylesheet shows one of them).
 */
export function Scrubber({ months, current, onJump, newestFirst }: ScrubberProps) {
  const selectId = useId();
  const rail = useRef<HTMLOListElement>(null);
  const years = useMemo(() => yearsOf(months), [months]);
  const known = current !== null && months.some((m) => m.month === current);
  // The month chosen in the menu and not gone to yet, while the month in view is still `at`.
  const [choice, setChoice] = useState<{ month: string; at: string | null } | null>(null);
  const lastKey = useRef(Number.NEGATIVE_INFINITY);
  const shown = choice !== null && choice.at === current ? choice.month : known ? (current ?? '') : '';

  const go = (month: string) => {
    if (month) onJump(month);
  };

  // Arrow keys (and typing) only choose: some browsers fire `change` on each key in a closed menu,
  // and a jump per key would reload the list under the keyboard (WCAG 3.2.2). Enter or "Go" goes.
  // A `change` with no key just before it is a choice made with the pointer in the open list: it goes.
  const onMenuKeyDown = (event: KeyboardEvent<HTMLSelectElement>) => {
    lastKey.current = Date.now();
    if (event.key === 'Enter') {
      event.preventDefault();
      go(event.currentTarget.value);
    }
  };
  const onMenuChange = (month: string) => {
    setChoice({ month, at: current });
    if (Date.now() - lastKey.current > KEY_CHANGE_WINDOW) go(month);
  };

  // The month in view stays in sight in a rail taller than the screen.
  useEffect(() => {
    const list = rail.current;
    const active = list?.querySelector<HTMLElement>('[aria-current="true"]');
    if (!list || !active) return;
    const outer = list.getBoundingClientRect();
    const inner = active.getBoundingClientRect();
    if (inner.top < outer.top) list.scrollTop -= outer.top - inner.top + 8;
    else if (inner.bottom > outer.bottom) list.scrollTop += inner.bottom - outer.bottom + 8;
  }, [current]);

  return (
    <nav className="scrubber" aria-label="Timeline">
      {/* The menu and "Go" keep the focus after a jump (see `scrollToMonth`). */}
      <div className="scrubber-select" data-jump-keeps-focus="">
        <label htmlFor={selectId}>Jump to</label>
        <select id={selectId} value={shown} onKeyDown={onMenuKeyDown} onChange={(e) => onMenuChange(e.target.value)}>
          {!known && <option value="">Month…</option>}
          {years.map((y) => (
            <optgroup key={y.year} label={y.year}>
              {y.months.map((m) => (
                <option key={m.month} value={m.month}>
                  {monthLabel(m.month)} ({m.count})
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <button type="button" className="btn btn-small" aria-label="Go to the chosen month" disabled={!shown} onClick={() => go(shown)}>
          Go
        </button>
      </div>
      <ol className="scrubber-rail" ref={rail}>
        {years.map((y) => {
          const target = newestFirst ? y.months[0] : y.months.at(-1);
          return (
            <li key={y.year} className="scrubber-year">
              <button type="button" className="scrubber-year-btn" aria-label={`${y.year}, ${items(y.count)}`} onClick={() => target && onJump(target.month)}>
                {y.year}
              </button>
              <ol className="scrubber-months">
                {y.months.map((m) => (
                  <li key={m.month}>
                    <button
                      type="button"
                      className="scrubber-month"
                      aria-current={m.month === current ? 'true' : undefined}
                      onClick={() => onJump(m.month)}
                    >
                      {/* Named by its hidden text, not aria-label: a name that does not contain what is
                          shown ("Mar 4") fails label-in-name for people who speak to their browser. */}
                      <span aria-hidden="true">{shortMonthLabel(m.month)}</span>
                      <span className="scrubber-count" aria-hidden="true">
                        {m.count}
                      </span>
                      <span className="visually-hidden">{`${monthLabel(m.month)}, ${items(m.count)}`}</span>
                    </button>
                  </li>
                ))}
              </ol>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
