/** The props of a button that may be unavailable for now. */
export interface Offered {
  'aria-disabled': true | undefined;
  onClick: () => void;
}

/**
 * A button's props for an action that is unavailable at times (nothing selected, another action
 * under way): `aria-disabled` instead of `disabled`, so the button keeps the focus when it becomes
 * unavailable (a disabled button drops it to the page's body), and a click then does nothing.
 *
 * @example
 * <button type="button" className="btn" {...offer(busy, () => void restore())}>Restore</button>
 */
export function offer(unavailable: boolean, start: () => void): Offered {
  return {
    'aria-disabled': unavailable || undefined,
    onClick: () => {
      if (!unavailable) start();
    },
  };
}
