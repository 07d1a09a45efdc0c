import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { ApiError } from '../api/client';
import { isSettled, type MediaView } from '../api/types';
import { useServices } from '../app/services';
import { ChevronLeft, ChevronRight, CloseIcon, DocumentIcon, DownloadIcon, FileIcon, ShieldIcon, SparkIcon, TrashIcon } from '../ui/icons';
import { STATUS_LABELS } from '../ui/format';
import { AudioPlayer } from './AudioPlayer';
import { useOriginalLink, type OriginalLink } from './original-link';
import { Editor } from './Editor';
import { Facts } from './Facts';
import { ImageViewer } from './ImageViewer';
import { VideoPlayer } from './VideoPlayer';

export interface DetailProps {
  id: string;
  /** The item as the grid has it, shown at once while the fresh copy loads. */
  initial: MediaView | undefined;
  prevId: string | null;
  nextId: string | null;
  onNavigate: (id: string) => void;
  onClose: () => void;
}

function Stage({ item, original }: { item: MediaView; original: OriginalLink }) {
  if (item.kind === 'image') return <ImageViewer item={item} />;
  if (item.kind === 'video') return <VideoPlayer item={item} original={original} />;
  if (item.kind === 'audio') return <AudioPlayer item={item} original={original} />;
  return (
    <div className="stage-fallback">
      {item.kind === 'document' ? <DocumentIcon size={64} /> : <FileIcon size={64} />}
      <p className="stage-filename">{item.filename}</p>
      {original.href && (
        <a className="btn btn-primary" href={original.href} onClick={original.onClick} download={item.filename}>
          <DownloadIcon size={18} /> Download
        </a>
      )}
    </div>
  );
}

/**
 * The item, large, with everything known about it. A modal dialog: focus moves in and is returned
 * on close, Escape closes, Left/Right step through the grid's items.
 */
export function Detail({ id, initial, prevId, nextId, onNavigate, onClose }: DetailProps) {
  const { api, events } = useServices();
  const [item, setItem] = useState<MediaView | undefined>(initial);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);

  // Fresh copy on open, then poll while the item is still being processed.
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setConfirming(false);
    setError(null);
    const load = () =>
      api
        .getMedia(id, controller.signal)
        .then((fresh) => {
          setItem(fresh);
          if (!isSettled(fresh.status)) timer = setTimeout(load, 2000);
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          setError(e instanceof ApiError && e.status === 404 ? 'This item no longer exists.' : e instanceof ApiError ? e.detail : 'The item could not be loaded.');
        });
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [api, id]);

  useEffect(() => {
    if (initial && initial.id === id) setItem((current) => (current?.id === id ? current : initial));
  }, [id, initial]);

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
      if (event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      const typing = target?.closest?.('input, textarea, select, [role="slider"], video, audio');
      if (event.key === 'Escape') {
        event.preventDefault();
        if (confirming) setConfirming(false);
        else onClose();
      } else if (!typing && event.key === 'ArrowLeft' && prevId) onNavigate(prevId);
      else if (!typing && event.key === 'ArrowRight' && nextId) onNavigate(nextId);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirming, nextId, onClose, onNavigate, prevId]);

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

  const release = async () => {
    setBusy(true);
    try {
      saved(await api.releaseMedia(id));
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : 'The item could not be released.');
    } finally {
      setBusy(false);
    }
  };

  const name = item ? item.title?.trim() || item.filename : 'Loading…';
  const original = useOriginalLink(api, item && item.status !== 'uploading' ? item.id : undefined);
  const autoTags = item?.tags.filter((t) => t.source !== 'user') ?? [];

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} className="detail" role="dialog" aria-modal="true" aria-labelledby="detail-title" onKeyDown={onKeyDown}>
        <header className="detail-head">
          <h2 id="detail-title" className="detail-title">
            {name}
          </h2>
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
        {!item ? (
          <div className="detail-body">
            <div className="stage">{error ? <p role="alert">{error}</p> : <div className="spinner" aria-label="Loading" />}</div>
          </div>
        ) : (
          <div className="detail-body">
            <div className="stage">
              <Stage item={item} original={original} />
            </div>
            <aside className="info" aria-label="Details">
              {item.status === 'flagged' && (
                <div className="notice notice-warn" role="status">
                  <div className="notice-title">
                    <ShieldIcon size={18} /> <span className="badge badge-warn">Held for review</span>
                  </div>
                  <p>Only you can see this item. Automatic screening found: {item.moderation.labels.map((l) => `${l.name} (${Math.round(l.confidence * 100)}%)`).join(', ') || 'possible unsafe content'}.</p>
                  <div className="notice-actions">
                    <button type="button" className="btn" onClick={release} disabled={busy}>
                      Release
                    </button>
                    <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)} disabled={busy}>
                      Delete
                    </button>
                  </div>
                </div>
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
              <section className="info-section">
                <h3>Details</h3>
                <Facts item={item} />
              </section>
              <section className="info-section info-actions">
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
                  <p id="confirm-text">Delete “{name}” and every version of it? This cannot be undone.</p>
                  <div className="notice-actions">
                    <button type="button" className="btn btn-danger" onClick={remove} disabled={busy} autoFocus>
                      {busy ? 'Deleting…' : 'Delete permanently'}
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
            </aside>
          </div>
        )}
      </div>
    </div>
  );
}
