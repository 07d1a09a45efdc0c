import { useCallback, useId, useState, type FormEvent } from 'react';
import { AlbumCover } from '../albums/AlbumCover';
import { ApiError } from '../api/client';
import type { ReviewItemView } from '../api/types';
import { useServices } from '../app/services';
import { ItemDialog } from '../detail/ItemDialog';
import { NO_ORIGINAL, Stage } from '../detail/Stage';
import { formatDate } from '../ui/format';
import { ShieldIcon } from '../ui/icons';
import { LoadFailed, LoadMore } from '../ui/ListStates';
import { usePaged } from '../ui/usePaged';

const itemName = (item: Pick<ReviewItemView, 'title' | 'filename'>) => item.title?.trim() || item.filename;

type Decide = (item: ReviewItemView, decision: { approve: true } | { approve: false; reason: string }) => Promise<boolean>;

/** Why the item is held: the screening's labels, a reporter's or moderator's reason, the owner's request. */
function Why({ item }: { item: ReviewItemView }) {
  const { labels, reason, reviewRequestedAt, verdict, reports } = item.moderation;
  return (
    <>
      {labels.length > 0 ? (
        <ul className="tags" aria-label="Labels">
          {labels.map((l) => (
            <li key={l.name} className="tag tag-ai">
              {l.name}
              <span className="tag-confidence">{Math.round(l.confidence * 100)}%</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No labels from the automatic screening.</p>
      )}
      {reports ? <p className="review-reports">Reported by visitors of a share link {reports === 1 ? 'once' : `${reports} times`}.</p> : null}
      {reason && (
        <p className="review-reason">
          {verdict === 'rejected' ? 'Rejected' : 'Rejected before'}: “{reason}”
        </p>
      )}
      {reviewRequestedAt && <p className="muted">The owner asked for a review on {formatDate(reviewRequestedAt)}.</p>}
    </>
  );
}

/** Approve, or reject with a reason (the owner is shown it). */
function Decision({ item, onDecide }: { item: ReviewItemView; onDecide: Decide }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const reasonId = useId();
  const name = itemName(item);
  const decide = async (decision: Parameters<Decide>[1]) => {
    setBusy(true);
    // Unmounted when it worked: the item leaves the queue.
    if (!(await onDecide(item, decision))) setBusy(false);
  };
  const reject = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim()) void decide({ approve: false, reason: reason.trim() });
  };
  if (rejecting) {
    return (
      <form className="form review-reject" onSubmit={reject} aria-label={`Reject ${name}`}>
        <div className="field">
          <label htmlFor={reasonId}>Reason (shown to the owner)</label>
          <textarea id={reasonId} value={reason} rows={2} maxLength={500} required autoFocus onChange={(e) => setReason(e.target.value)} />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-danger" disabled={busy || reason.trim() === ''}>
            Reject
          </button>
          <button type="button" className="btn" onClick={() => setRejecting(false)} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    );
  }
  return (
    <div className="form-actions">
      <button type="button" className="btn btn-primary" onClick={() => void decide({ approve: true })} disabled={busy} aria-label={`Approve ${name}`}>
        Approve
      </button>
      <button type="button" className="btn btn-danger-quiet" onClick={() => setRejecting(true)} disabled={busy} aria-label={`Reject ${name}…`}>
        Reject…
      </button>
    </div>
  );
}

/**
 * The moderators' queue: items held for review (flagged by screening or reported by a visitor),
 * any owner's, each with its thumbnail, owner and why it is held; approve it, or reject it with a
 * reason its owner sees. A click on the thumbnail shows the item large.
 */
export function ReviewPage() {
  const { api } = useServices();
  const load = useCallback((cursor: string | null, signal: AbortSignal) => api.listReview(cursor, signal), [api]);
  const list = usePaged(load);
  const { setItems } = list;
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);

  const decide = useCallback<Decide>(
    async (item, decision) => {
      setError(null);
      try {
        if (decision.approve) await api.approveMedia(item);
        else await api.rejectMedia(item, decision.reason);
        setItems((current) => current.filter((i) => !(i.id === item.id && i.ownerId === item.ownerId)));
        setPreview(null);
        setStatus(`${decision.approve ? 'Approved' : 'Rejected'} “${itemName(item)}”.`);
        return true;
      } catch (e) {
        setError(e instanceof ApiError ? e.detail : 'The decision could not be saved.');
        return false;
      }
    },
    [api, setItems],
  );

  const items = list.items;
  let body;
  if (list.error?.status === 403) {
    body = (
      <div className="state state-error" role="alert">
        <h2>Only moderators can see the review queue</h2>
        <p>Ask an administrator for the moderator role.</p>
      </div>
    );
  } else if (list.error && items.length === 0) {
    body = <LoadFailed title="The review queue could not be loaded" detail={list.error.detail} onRetry={list.reload} />;
  } else if (list.loading && items.length === 0) {
    body = <div className="spinner" aria-label="Loading the review queue" />;
  } else if (items.length === 0) {
    body = (
      <div className="state state-empty">
        <div className="state-art" aria-hidden="true">
          <ShieldIcon size={40} />
        </div>
        <h2>Nothing to review</h2>
        <p>Items flagged by the automatic screening or reported by visitors appear here.</p>
      </div>
    );
  } else {
    body = (
      <ul className="review-list" aria-label="Held for review">
        {items.map((item) => (
          <li key={`${item.ownerId}/${item.id}`} className="review-item">
            <button type="button" className="review-thumb" onClick={() => setPreview(item.id)} aria-label={`Show ${itemName(item)} large`}>
              <AlbumCover cover={item} sizes="160px" />
            </button>
            <div className="review-info">
              <h2 className="review-name">{itemName(item)}</h2>
              <p className="muted">
                Owner <strong className="review-owner">{item.ownerId}</strong> · {item.kind} · uploaded {formatDate(item.createdAt)}
              </p>
              <Why item={item} />
              <Decision item={item} onDecide={decide} />
            </div>
          </li>
        ))}
      </ul>
    );
  }

  const shown = preview ? items.find((i) => i.id === preview) : undefined;
  return (
    <main id="main" className="page review-page" tabIndex={-1}>
      <div className="page-head">
        <h1>Review</h1>
      </div>
      <div role="status">{status && <p className="notice">{status}</p>}</div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {body}
      <LoadMore hasMore={list.hasMore} count={items.length} loading={list.loading} onLoadMore={list.loadMore} />
      {shown && (
        <ItemDialog title={itemName(shown)} prevId={null} nextId={null} onNavigate={setPreview} onClose={() => setPreview(null)}>
          <div className="detail-body">
            <div className="stage">
              <Stage item={shown} original={NO_ORIGINAL} />
            </div>
            <aside className="info" aria-label="Why it is held">
              <p>
                Owner <strong>{shown.ownerId}</strong>
              </p>
              <Why item={shown} />
              <Decision item={shown} onDecide={decide} />
            </aside>
          </div>
        </ItemDialog>
      )}
    </main>
  );
}
