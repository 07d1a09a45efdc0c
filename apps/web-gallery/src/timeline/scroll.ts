import { useEffect, useState, type RefObject } from 'react';

/** Marks a part of the page (the month menu) whose jumps leave the focus where it is. */
export const KEEP_FOCUS_ATTRIBUTE = 'data-jump-keeps-focus';

/** Where the sticky top bar ends: what is scrolled above it is hidden. */
export function stickyTop(): number {
  const bar = document.querySelector('.topbar');
  return bar ? Math.max(0, bar.getBoundingClientRect().bottom) : 0;
}

/**
 * Scrolls the page so a month's header sits just under the top bar (the first month's, when that
 * one is not in the list), and moves the focus there, so a keyboard or screen reader is where the
 * eyes are. Returns whether there was a month to go to. (`month` is `YYYY-MM`: safe in a selector.)
 * The focus stays put when it is in the month menu (the jump came from there, and the keyboard
 * user may go on choosing).
 */
export function scrollToMonth(root: HTMLElement, month: string): boolean {
  const section = root.querySelector<HTMLElement>(`[data-month="${month}"]`) ?? root.querySelector<HTMLElement>('[data-month]');
  if (!section) return false;
  const top = section.getBoundingClientRect().top + window.scrollY - stickyTop() - 8;
  window.scrollTo({ top: Math.max(0, top) });
  const focused = document.activeElement;
  if (focused instanceof HTMLElement && focused.closest(`[${KEEP_FOCUS_ATTRIBUTE}]`)) return true;
  section.querySelector<HTMLElement>('.month-heading')?.focus({ preventScroll: true });
  return true;
}

/**
 * The month (`YYYY-MM`) at the top of the screen: the last month section whose top has gone under
 * the top bar, or the first one. Measured on scroll (once a frame), on resize, and when `watch`
 * changes (a page loaded).
 */
export function useMonthInView(root: RefObject<HTMLElement | null>, watch: unknown): string | null {
  const [month, setMonth] = useState<string | null>(null);
  useEffect(() => {
    const element = root.current;
    if (!element) return undefined;
    let frame = 0;
    const measure = () => {
      frame = 0;
      const line = stickyTop() + 24;
      let found: string | null = null;
      for (const section of element.querySelectorAll<HTMLElement>('[data-month]')) {
        if (found !== null && section.getBoundingClientRect().top > line) break;
        found = section.dataset['month'] ?? found;
      }
      setMonth(found);
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
    };
  }, [root, watch]);
  return month;
}
