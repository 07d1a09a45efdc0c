import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { CloseIcon } from './icons';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** A line under the title (e.g. what the dialog acts on). */
  subtitle?: ReactNode;
  className?: string;
}

const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex="0"]';

/**
 * A small modal dialog over whatever is open, the detail view included: focus moves in (to an
 * `autoFocus` field, else the dialog itself) and back on close, Tab stays inside, Escape closes.
 * Keys pressed inside go no further, so the page or the detail view under it does not react to them.
 */
export function Dialog({ title, onClose, children, subtitle, className }: DialogProps) {
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // Read while rendering: by the time effects run, an `autoFocus` field inside has the focus.
  const [previous] = useState(() => document.activeElement as HTMLElement | null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);

  useEffect(() => {
    if (box.current && !box.current.contains(document.activeElement)) box.current.focus();
    const body = document.body.classList;
    // Over the detail view the page is locked already, and stays so when this closes.
    const locked = body.contains('has-dialog');
    body.add('has-dialog');
    return () => {
      if (!locked) body.remove('has-dialog');
      previous?.focus?.();
    };
  }, [previous]);

  // Escape while focus sits on <body> (its button was replaced, e.g. by a result): still closes.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || (event.target instanceof Node && box.current?.contains(event.target))) return;
      if (event.target === document.body || event.target === document.documentElement) {
        event.preventDefault();
        close.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      close.current();
      return;
    }
    if (event.key !== 'Tab' || !box.current) return;
    const focusable = Array.from(box.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && (document.activeElement === first || document.activeElement === box.current)) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  };

  return createPortal(
    <div className="overlay overlay-top" onMouseDown={(e) => e.target === e.currentTarget && close.current()}>
      <div ref={box} className={`dialog${className ? ` ${className}` : ''}`} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1} onKeyDown={onKeyDown}>
        <header className="dialog-head">
          <div className="dialog-titles">
            <h2 id={titleId} className="dialog-title">
              {title}
            </h2>
            {subtitle && <p className="dialog-subtitle">{subtitle}</p>}
          </div>
          <button type="button" className="icon-btn" onClick={() => close.current()} aria-label="Close">
            <CloseIcon />
          </button>
        </header>
        <div className="dialog-body">{children}</div>
      </div>
    </div>,
    document.body,
  );
}
