import { useId, useMemo, useState, type FormEvent } from 'react';
import { ApiError, type ShareAccess } from '../api/client';
import type { SharedMediaView } from '../api/types';
import { useServices } from '../app/services';
import { Facts } from '../detail/Facts';
import { useOriginalLink } from '../detail/original-link';
import { NO_ORIGINAL, Stage } from '../detail/Stage';
import { DownloadIcon, FlagIcon } from '../ui/icons';

export interface SharedItemProps {
  item: SharedMediaView;
  access: ShareAccess;
  allowDownload: boolean;
  /** The visitor reported the item: it is hidden from the link from now on. */
  onReported: (id: string) => void;
}

export const itemName = (item: Pick<SharedMediaView, 'title' | 'filename'>) => item.title?.trim() || item.filename;

/** Tells the owner's moderators about an item; the reason is optional. */
function ReportForm({ item, access, onReported, onCancel }: { item: SharedMediaView; access: ShareAccess; onReported: () => void; onCancel: () => void }) {
  const { visitor } = useServices();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reasonId = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await visitor.reportSharedMedia(access, item.id, reason.trim() || undefined);
      onReported();
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : 'The report could not be sent.');
      setBusy(false);
    }
  };
  return (
    <form className="form report-form" onSubmit={(e) => void submit(e)} aria-label="Report this item">
      <div className="field">
        <label htmlFor={reasonId}>What is wrong with it? (optional)</label>
        <textarea id={reasonId} value={reason} rows={3} maxLength={500} autoFocus onChange={(e) => setReason(e.target.value)} />
      </div>
      <p className="hint">It is hidden from this link until a moderator has looked at it.</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-danger" disabled={busy}>
          {busy ? 'Sending…' : 'Send report'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * A shared item, read-only: the image, video or audio large, its tags and facts, a Download button
 * when the link allows downloads, and a way to report it.
 */
export function SharedItem({ item, access, allowDownload, onReported }: SharedItemProps) {
  const { visitor } = useServices();
  const [reporting, setReporting] = useState(false);
  // A stable object: the link hook asks again whenever it changes.
  const links = useMemo(() => ({ originalDownload: (id: string) => visitor.downloadSharedOriginal(access, id) }), [visitor, access]);
  const link = useOriginalLink(links, allowDownload ? item.id : undefined);
  const original = allowDownload ? link : NO_ORIGINAL;
  const tags = item.tags.filter((t) => t.source !== 'metadata');
  return (
    <div className="detail-body">
      <div className="stage">
        <Stage item={item} original={original} />
      </div>
      <aside className="info" aria-label="Details">
        {tags.length > 0 && (
          <section className="info-section info-section-first">
            <h3>Tags</h3>
            <ul className="tags" aria-label="Tags">
              {tags.map((t) => (
                <li key={`${t.source}:${t.name}`} className={`tag tag-${t.source === 'user' ? 'ai' : t.source}`}>
                  {t.name}
                </li>
              ))}
            </ul>
          </section>
        )}
        <section className="info-section">
          <h3>Details</h3>
          <Facts item={item} />
        </section>
        <section className="info-section info-actions">
          {allowDownload && original.href && (
            <a className="btn btn-primary" href={original.href} onClick={original.onClick} download={item.filename}>
              <DownloadIcon size={18} /> Download
            </a>
          )}
          {!reporting && (
            <button type="button" className="btn btn-danger-quiet" onClick={() => setReporting(true)}>
              <FlagIcon size={18} /> Report
            </button>
          )}
        </section>
        {reporting && <ReportForm item={item} access={access} onReported={() => onReported(item.id)} onCancel={() => setReporting(false)} />}
      </aside>
    </div>
  );
}
