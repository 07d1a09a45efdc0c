import type { ReactNode } from 'react';
import { CloseIcon } from '../ui/icons';
import type { Notice } from './useBulk';

export interface BulkNoticeProps {
  notice: Notice | null;
  onDismiss: () => void;
}

/**
 * The bottom of the page where the notice and the selection bar sit, the notice above the bar
 * (each as wide as it needs, never wider than the screen).
 */
export function ActionDock({ children }: { children: ReactNode }) {
  return <div className="action-dock">{children}</div>;
}

/**
 * What the last action did, in a live region that is always there (so screen readers announce
 * each new notice): a success politely, failures with their items and reasons as an alert.
 */
export function BulkNotice({ notice, onDismiss }: BulkNoticeProps) {
  return (
    <div className="bulk-notice-region" aria-live="polite">
      {notice && (
        <div className={`bulk-notice bulk-notice-${notice.tone}`} role={notice.tone === 'failed' ? 'alert' : 'status'}>
          <p className="bulk-notice-text">{notice.text}</p>
          {notice.undo && (
            <button type="button" className="btn btn-quiet btn-small" onClick={notice.undo}>
              Undo
            </button>
          )}
          <button type="button" className="icon-btn" onClick={onDismiss} aria-label="Dismiss">
            <CloseIcon size={16} />
          </button>
        </div>
      )}
    </div>
  );
}
