import { useCallback, useEffect, useRef, type KeyboardEvent, type ReactNode, type TouchEvent } from 'react';
import { ChevronLeft, ChevronRight, CloseIcon } from '../ui/icons';
import { swipeDirection, swipeStartsOn, type TouchPoint } from './swipe';

export interface ItemDialogProps {
  title: string;
  /** The owner's words about the item, shown under the title when there are any. */
  description?: string | null | undefined;
  prevId: string | null;
  nextId: string | null;
  onNavigate: (id: string) => void;
  onClose: () => void;
  /** Escape's first job where there is one (e.g. cancelling a confirmation): true when it did something. */
  onEscape?: () => boolean;
  /** A dialog over this one (share, add to album) has the keys meanwhile. */
  covered?: boolean;
  /** The `.detail-body`, and any dialogs opened from it. */
  children: ReactNode;
}

/**
 * The frame of an item shown large (the owner's detail view, a visitor's): a modal dialog where
 * focus moves in and is returned on close, Tab stays inside, Escape closes, Left/Right step through
 * the grid's items, and so does a swipe on the picture (left: next, right: previous).
 */
export function ItemDialog({ title, description, prevId, nextId, onNavigate, onClose, onEscape, covered = false, children }: ItemDialogProps) {
  const dialog = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const escape = useRef(onEscape);
  useEffect(() => {
    escape.current = onEscape;
  }, [onEscape]);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    closeButton.current?.focus();
    document.body.classList.add('has-dialog');
    return () => {
      document.body.classList.remove('has-dialog');
      previous?.focus?.();
    };
  }, []);

  // On the window, not the dialog: after a click focus can sit on <body> (e.g. a button that became
  // disabled), and Escape and the arrows must still work.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.defaultPrevented || covered) return;
      const target = event.target as HTMLElement | null;
      const typing = target?.closest?.('input, textarea, select, [role="slider"], video, audio');
      if (event.key === 'Escape') {
        event.preventDefault();
        if (!escape.current?.()) onClose();
      } else if (!typing && event.key === 'ArrowLeft' && prevId) onNavigate(prevId);
      else if (!typing && event.key === 'ArrowRight' && nextId) onNavigate(nextId);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [covered, nextId, onClose, onNavigate, prevId]);

  // Keep Tab inside the dialog.
  const onKeyDown = useCallback((event: KeyboardEvent) => {
    if (event.key !== 'Tab' || !dialog.current) return;
    const focusable = dialog.current.querySelectorAll<HTMLElement>('button:not([disabled]), a[href], input, select, textarea, [tabindex="0"], video[controls], audio[controls]');
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.current.contains(document.activeElement))) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  }, []);

  // A swipe on the picture steps like the arrows. One finger only: two are a pinch.
  const touchStart = useRef<TouchPoint | null>(null);
  const onTouchStart = useCallback((event: TouchEvent) => {
    const touch = event.touches[0];
    touchStart.current = event.touches.length === 1 && touch && swipeStartsOn(event.target) ? { x: touch.clientX, y: touch.clientY, at: event.timeStamp } : null;
  }, []);
  const onTouchEnd = useCallback(
    (event: TouchEvent) => {
      const start = touchStart.current;
      const touch = event.changedTouches[0];
      touchStart.current = null;
      if (!start || !touch || covered) return;
      const direction = swipeDirection(start, { x: touch.clientX, y: touch.clientY, at: event.timeStamp });
      if (direction === 'next' && nextId) onNavigate(nextId);
      else if (direction === 'prev' && prevId) onNavigate(prevId);
    },
    [covered, nextId, onNavigate, prevId],
  );

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialog}
        className="detail"
        role="dialog"
        aria-modal="true"
        aria-labelledby="detail-title"
        onKeyDown={onKeyDown}
        onTouchStart={onTouchStart}
        onTouchEnd={onTouchEnd}
        onTouchCancel={() => {
          touchStart.current = null;
        }}
      >
        <header className="detail-head">
          <div className="detail-titles">
            <h2 id="detail-title" className="detail-title">
              {title}
            </h2>
            {description && <p className="item-description">{description}</p>}
          </div>
          <div className="detail-nav">
            <button type="button" className="icon-btn" disabled={!prevId} onClick={() => prevId && onNavigate(prevId)} aria-label="Previous item">
              <ChevronLeft />
            </button>
            <button type="button" className="icon-btn" disabled={!nextId} onClick={() => nextId && onNavigate(nextId)} aria-label="Next item">
              <ChevronRight />
            </button>
            <button ref={closeButton} type="button" className="icon-btn" onClick={onClose} aria-label="Close">
              <CloseIcon />
            </button>
          </div>
        </header>
        {children}
      </div>
    </div>
  );
}
