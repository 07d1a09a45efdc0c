import { useEffect, useState } from 'react';
import { AddToAlbumDialog } from '../albums/AddToAlbumDialog';
import { ApiError } from '../api/client';
import { isSettled, type AlbumView, type MediaView } from '../api/types';
import { useServices } from '../app/services';
import { followItem } from '../live/follow';
import { useLiveStatus } from '../live/page';
import { ShareDialog } from '../share/ShareDialog';
import { AlbumIcon, DownloadIcon, ShareIcon, ShieldIcon, SparkIcon, TrashIcon } from '../ui/icons';
import { STATUS_LABELS, formatDate } from '../ui/format';
import { useAction } from '../ui/useAction';
import { useOriginalLink } from './original-link';
import { Editor } from './Editor';
import { Facts } from './Facts';
import { InPicture } from './InPicture';
import { ItemDialog } from './ItemDialog';
import { Stage } from './Stage';
import { isProcessing } from './stage-image';

/** Between reads of an item still being processed, where no event stream brings its changes. */
const POLL_MS = 2000;

/** The album the detail view was opened from, for the album's own actions on the item. */
export interface AlbumContext {
  album: AlbumView;
  /** The album after a change (a new cover). */
  onChanged: (album: AlbumView) => void;
  /** The item left the album (the detail view moves on by itself). */
  onRemoved: (mediaId: string, album: AlbumView) => void;
}

export interface DetailProps {
  id: string;
  /** The item as the grid has it, shown at once while the fresh copy loads. */
  initial: MediaView | undefined;
  prevId: string | null;
  nextId: string | null;
  onNavigate: (id: string) => void;
  onClose: () => void;
  /** Set when opened from an album's page. */
  inAlbum?: AlbumContext | undefined;
}

/**
 * Why a held item is held, and what its owner can do: a rejected item shows the moderator's
 * reason; any held item can be sent (back) to a moderator, once.
 */
function HeldNotice({ item, busy, onRequestReview, onDelete }: { item: MediaView; busy: boolean; onRequestReview: () => void; onDelete: () => void }) {
  const { verdict, labels, reason, reviewRequestedAt } = item.moderation;
  const rejected = verdict === 'rejected';
  const found = labels.map((l) => `${l.name} (${Math.round(l.confidence * 100)}%)`).join(', ');
  return (
    <div className="notice notice-warn" role="status">
      <div className="notice-title">
        <ShieldIcon size={18} /> <span className="badge badge-warn">{rejected ? 'Rejected by a moderator' : 'Held for review'}</span>
      </div>
      {rejected ? (
        <p>
          Only you can see this item, and it cannot be shared. The moderator’s reason: <strong className="moderation-reason">{reason?.trim() || 'none given'}</strong>
        </p>
      ) : (
        <p>Only you can see this item, and it cannot be shared until a moderator approves it. {found ? `Automatic screening found: ${found}.` : ''}</p>
      )}
      {reviewRequestedAt && !rejected && <p>You asked for a review on {formatDate(reviewRequestedAt)}. A moderator will look at it.</p>}
      <div className="notice-actions">
        {(rejected || !reviewRequestedAt) && (
          <button type="button" className="btn" onClick={onRequestReview} disabled={busy}>
            Ask for review
          </button>
        )}
        <button type="button" className="btn btn-danger" onClick={onDelete} disabled={busy}>
          Delete
        </button>
      </div>
    </div>
  );
}

/**
 * The item, large, with everything known about it, and what its owner can do with it (edit, add
 * to an album, share, download, delete). In an {@link ItemDialog}.
 */
export function Detail({ id, initial, prevId, nextId, onNavigate, onClose, inAlbum }: DetailProps) {
  const { api, events } = useServices();
  const live = useLiveStatus();
  const [item, setItem] = useState<MediaView | undefined>(initial);
  const { busy, setBusy, error, setError, run } = useAction();
  const [confirming, setConfirming] = useState(false);
  const [sub, setSub] = useState<'share' | 'album' | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  // A fresh copy on open; then each change over the page's event stream, or (where there is none)
  // a read every 2 s while the item is still being processed.
  useEffect(() => {
    const controller = new AbortController();
    setConfirming(false);
    setError(null);
    setMessage(null);
    void followItem(live, id, {
      read: (signal) => api.getMedia(id, signal),
      readFirst: true,
      changing: (fresh) => isProcessing(fresh.status),
      pollMs: POLL_MS,
      signal: controller.signal,
      onView: (fresh) => setItem(fresh),
      onGone: () => setError('This item no longer exists.'),
      onReadError: (e: unknown) => {
        if (controller.signal.aborted) return 'stop';
        setError(e instanceof ApiError && e.status === 404 ? 'This item no longer exists.' : e instanceof ApiError ? e.detail : 'The item could not be loaded.');
        return 'stop';
      },
    });
    return () => controller.abort();
  }, [api, id, live, setError]);

  useEffect(() => {
    if (initial && initial.id === id) setItem((current) => (current?.id === id ? current : initial));
  }, [id, initial]);

  const saved = (updated: MediaView) => {
    setItem(updated);
    events.emitUpdated(updated);
  };

  const remove = async () => {
    setBusy(true);
    try {
      await api.deleteMedia(id);
      events.emitRemoved(id);
      if (nextId) onNavigate(nextId);
      else if (prevId) onNavigate(prevId);
      else onClose();
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : 'The item could not be deleted.');
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const act = (what: () => Promise<void>, failure: string) => {
    setMessage(null);
    return run(what, failure);
  };

  const requestReview = () =>
    act(async () => {
      saved(await api.requestReview(id));
      setMessage('A moderator will review this item.');
    }, 'The review could not be requested.');

  const makeCover = () =>
    act(async () => {
      if (!inAlbum) return;
      inAlbum.onChanged(await api.updateAlbum(inAlbum.album.id, { coverMediaId: id }));
      setMessage('This is now the album’s cover.');
    }, 'The cover could not be changed.');

  const removeFromAlbum = () =>
    act(async () => {
      if (!inAlbum) return;
      const { album } = await api.removeAlbumItems(inAlbum.album.id, [id]);
      inAlbum.onRemoved(id, album);
      if (nextId) onNavigate(nextId);
      else if (prevId) onNavigate(prevId);
      else onClose();
    }, 'The item could not be removed from the album.');

  const name = item ? item.title?.trim() || item.filename : 'Loading…';
  const original = useOriginalLink(api, item && item.status !== 'uploading' ? item.id : undefined);
  const autoTags = item?.tags.filter((t) => t.source !== 'user') ?? [];

  return (
    <ItemDialog
      title={name}
      description={item?.description}
      prevId={prevId}
      nextId={nextId}
      onNavigate={onNavigate}
      onClose={onClose}
      covered={sub !== null}
      onEscape={() => {
        if (!confirming) return false;
        setConfirming(false);
        return true;
      }}
    >
        {!item ? (
          <div className="detail-body">
            <div className="stage">{error ? <p role="alert">{error}</p> : <div className="spinner" aria-label="Loading" />}</div>
          </div>
        ) : (
          <div className="detail-body">
            <div className="stage" data-testid="detail-stage">
              <Stage item={item} original={original} />
            </div>
            <aside className="info" aria-label="Details">
              {(item.status === 'flagged' || item.moderation.verdict === 'rejected') && (
                <HeldNotice item={item} busy={busy} onRequestReview={requestReview} onDelete={() => setConfirming(true)} />
              )}
              {item.failure && (
                <div className="notice notice-error" role="status">
                  <div className="notice-title">{item.failure.code === 'duplicate' ? 'Duplicate' : 'Could not be processed'}</div>
                  <p>{item.failure.reason}</p>
                </div>
              )}
              {item.status !== 'ready' && item.status !== 'flagged' && !item.failure && (
                <p className="notice">
                  <span className={`badge status-${item.status}`}>{STATUS_LABELS[item.status]}</span>
                  {item.progress !== null ? ` ${Math.round(item.progress * 100)}%` : ''} — this updates by itself.
                </p>
              )}
              <Editor key={item.id} item={item} onSaved={saved} />
              <section className="info-section">
                <h3>
                  <SparkIcon size={16} /> Suggested by AI
                </h3>
                {autoTags.length > 0 ? (
                  <ul className="tags" aria-label="Automatic tags">
                    {autoTags.map((t) => (
                      <li key={`${t.source}:${t.name}`} className={`tag tag-${t.source}`} title={t.source === 'ai' ? `${Math.round(t.confidence * 100)}% confident` : 'from the file'}>
                        {t.name}
                        {t.source === 'ai' && <span className="tag-confidence">{Math.round(t.confidence * 100)}%</span>}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted">{isSettled(item.status) ? 'No automatic tags.' : 'Tags appear when processing finishes.'}</p>
                )}
              </section>
              <InPicture faces={item.faces} text={item.text?.content} />
              <section className="info-section">
                <h3>Details</h3>
                <Facts item={item} />
              </section>
              {inAlbum && (
                <section className="info-section" aria-label={`In the album ${inAlbum.album.name}`}>
                  <h3>
                    <AlbumIcon size={16} /> In “{inAlbum.album.name}”
                  </h3>
                  <div className="info-actions">
                    {inAlbum.album.coverMediaId === item.id ? (
                      <span className="muted">The album’s cover</span>
                    ) : (
                      <button type="button" className="btn" onClick={makeCover} disabled={busy}>
                        Use as cover
                      </button>
                    )}
                    <button type="button" className="btn" onClick={removeFromAlbum} disabled={busy}>
                      Remove from album
                    </button>
                  </div>
                </section>
              )}
              <section className="info-section info-actions">
                <button type="button" className="btn" onClick={() => setSub('album')} disabled={item.status === 'uploading'}>
                  <AlbumIcon size={18} /> Add to album
                </button>
                <button type="button" className="btn" onClick={() => setSub('share')}>
                  <ShareIcon size={18} /> Share
                </button>
                {original.href && (
                  <a className="btn" href={original.href} onClick={original.onClick} download={item.filename}>
                    <DownloadIcon size={18} /> Original
                  </a>
                )}
                {!confirming ? (
                  <button type="button" className="btn btn-danger-quiet" onClick={() => setConfirming(true)} disabled={busy}>
                    <TrashIcon size={18} /> Delete
                  </button>
                ) : null}
              </section>
              {confirming && (
                <div className="confirm" role="alertdialog" aria-labelledby="confirm-text">
                  <p id="confirm-text">Move “{name}” to the trash? You can restore it from there until it is removed for good.</p>
                  <div className="notice-actions">
                    <button type="button" className="btn btn-danger" onClick={remove} disabled={busy} autoFocus>
                      {busy ? 'Moving…' : 'Move to trash'}
                    </button>
                    <button type="button" className="btn" onClick={() => setConfirming(false)}>
                      Cancel
                    </button>
                  </div>
                </div>
              )}
              {error && (
                <p className="form-error" role="alert">
                  {error}
                </p>
              )}
              {message && (
                <p className="form-ok" role="status">
                  {message}
                </p>
              )}
            </aside>
          </div>
        )}
      {item && sub === 'share' && <ShareDialog target={{ type: 'media', mediaId: item.id }} name={name} held={item.status === 'flagged'} onClose={() => setSub(null)} />}
      {item && sub === 'album' && <AddToAlbumDialog items={[item]} onClose={() => setSub(null)} />}
    </ItemDialog>
  );
}
