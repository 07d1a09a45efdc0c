import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, type ShareAccess } from '../api/client';
import type { SharedMediaView, SharedPage as SharedAnswer } from '../api/types';
import { useServices } from '../app/services';
import { ItemDialog } from '../detail/ItemDialog';
import { Grid } from '../gallery/Grid';
import { usePaged } from '../ui/usePaged';
import { LockIcon } from '../ui/icons';
import { TopbarStart } from '../ui/TopbarStart';
import { itemName, SharedItem } from './SharedItem';
import { forgetUnlock, keepUnlock, storedUnlock, type UnlockStorage } from './unlock';

/**
 * How long an item's rendition URLs are trusted after they were fetched: the grants on them last
 * 10 to 15 minutes, so an item opened later than this is fetched again first.
 */
export const GRANT_TRUST_MS = 8 * 60_000;

export interface SharedPageProps {
  token: string;
  /** The item open in the detail view (an album's link). */
  item: string | null;
  onOpenItem: (id: string | null, options?: { replace?: boolean }) => void;
  storage?: UnlockStorage;
}

/** Why a link shows nothing, as its visitor is told. */
export function closedReason(error: ApiError): { title: string; text: string } | null {
  if (error.status === 404) return { title: 'This link does not exist', text: 'Check that you have the whole link, as it was sent to you.' };
  if (error.status !== 410) return null;
  if (error.code === 'link_revoked') return { title: 'This link was revoked', text: 'The person who shared it has turned it off. Ask them for a new link.' };
  if (error.code === 'link_expired') return { title: 'This link has expired', text: 'Ask the person who shared it for a new link.' };
  return { title: 'This link no longer works', text: 'Ask the person who shared it for a new link.' };
}

function waitText(seconds: number | undefined): string {
  if (!seconds) return 'a little while';
  return seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

function PasswordForm({ token, storage, onUnlocked }: { token: string; storage: UnlockStorage; onUnlocked: (unlock: string) => void }) {
  const { visitor } = useServices();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { field: useId(), title: useId(), error: useId() };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await visitor.unlockShare(token, password);
      keepUnlock(storage, token, answer);
      onUnlocked(answer.unlock);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'wrong_password') setError('That password is not right. Try again.');
      else if (e instanceof ApiError && e.status === 429) setError(`Too many attempts. Try again in ${waitText(e.retryAfterSeconds)}.`);
      else setError(e instanceof ApiError ? e.detail : 'The link could not be unlocked.');
      setBusy(false);
    }
  };
  return (
    <section className="signin-card unlock-card" aria-labelledby={ids.title}>
      <div className="state-art" aria-hidden="true">
        <LockIcon size={32} />
      </div>
      <h1 id={ids.title}>This link is protected</h1>
      <p className="muted">Enter the password you were given with the link.</p>
      <form className="signin-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor={ids.field}>Password</label>
        <input
          id={ids.field}
          type="password"
          value={password}
          autoFocus
          autoComplete="current-password"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p id={ids.error} className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-wide" disabled={busy || password === ''}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
    </section>
  );
}

/**
 * The visitor page of a share link (`/s/{token}`): no sign-in, and only the public share routes.
 * A password form when the link has one (the unlock is kept for this tab), a clear page when the
 * link has expired, was revoked or never existed; else the album (read-only grid and detail view)
 * or the one item, with downloads when the link allows them and a way to report an item.
 */
export function SharedPage({ token, item, onOpenItem, storage = window.sessionStorage }: SharedPageProps) {
  const { visitor } = useServices();
  const [unlock, setUnlock] = useState<string | null>(() => storedUnlock(storage, token));
  const [meta, setMeta] = useState<Pick<SharedAnswer, 'share' | 'album'> | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // When each item's grants were handed out.
  const fetchedAt = useRef(new Map<string, number>());
  const access = useMemo<ShareAccess>(() => ({ token, unlock }), [token, unlock]);
  const load = useCallback(
    async (cursor: string | null, signal: AbortSignal) => {
      try {
        const page = await visitor.openShare(access, cursor, signal);
        if (cursor === null) setMeta({ share: page.share, album: page.album });
        const now = Date.now();
        for (const i of page.items) fetchedAt.current.set(i.id, now);
        return page;
      } catch (e) {
        // A kept unlock the server no longer takes (expired, or the password changed): ask again.
        if (e instanceof ApiError && e.status === 401 && access.unlock !== null && !signal.aborted) {
          forgetUnlock(storage, token);
          setUnlock(null);
        }
        throw e;
      }
    },
    [visitor, access, storage, token],
  );
  const list = usePaged<SharedMediaView>(load);
  const { error, items, setItems, loadMore, hasMore, loading } = list;
  const needsPassword = error?.status === 401;

  // A page can come back with none a visitor may see (held items are skipped): on to the next.
  useEffect(() => {
    if (items.length === 0 && hasMore && !loading && !error) loadMore();
  }, [items.length, hasMore, loading, error, loadMore]);

  const index = item ? items.findIndex((i) => i.id === item) : -1;
  useEffect(() => {
    if (index >= 0 && index >= items.length - 3) loadMore();
  }, [index, items.length, loadMore]);

  // An item opened long after its page was loaded: fresh grants first, or its media would not load.
  useEffect(() => {
    if (!item || index < 0 || Date.now() - (fetchedAt.current.get(item) ?? 0) < GRANT_TRUST_MS) return undefined;
    const controller = new AbortController();
    visitor.openSharedMedia(access, item, controller.signal).then(
      (fresh) => {
        fetchedAt.current.set(fresh.id, Date.now());
        setItems((current) => current.map((i) => (i.id === fresh.id ? fresh : i)));
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [item, index, visitor, access, setItems]);

  const reported = useCallback(
    (id: string) => {
      setItems((current) => current.filter((i) => i.id !== id));
      setNotice('Thank you. The item is hidden while a moderator looks at it.');
      if (item === id) onOpenItem(null, { replace: true });
    },
    [item, onOpenItem, setItems],
  );
  const step = useCallback((id: string) => onOpenItem(id, { replace: true }), [onOpenItem]);
  const close = useCallback(() => onOpenItem(null), [onOpenItem]);

  let body;
  const closed = error ? closedReason(error) : null;
  if (needsPassword && unlock === null) {
    body = <PasswordForm token={token} storage={storage} onUnlocked={setUnlock} />;
  } else if (closed) {
    body = (
      <div className="state state-closed" role="alert">
        <h1>{closed.title}</h1>
        <p>{closed.text}</p>
      </div>
    );
  } else if (error && !needsPassword && items.length === 0) {
    body = (
      <div className="state state-error" role="alert">
        <h1>This link could not be opened</h1>
        <p>{error.detail}</p>
        <button type="button" className="btn btn-primary" onClick={list.reload}>
          Try again
        </button>
      </div>
    );
  } else if (!meta || (items.length === 0 && (loading || hasMore)) || needsPassword) {
    body = <div className="spinner" aria-label="Opening the link" />;
  } else if (meta.share.type === 'media') {
    const only = items[0];
    body = only ? (
      <>
        <h1 className="shared-title">{itemName(only)}</h1>
        {only.description && <p className="item-description">{only.description}</p>}
        <section className="detail shared-single" aria-label={itemName(only)}>
          <SharedItem item={only} access={access} allowDownload={meta.share.allowDownload} onReported={reported} />
        </section>
      </>
    ) : (
      <div className="state">
        <h1>Nothing to see here right now</h1>
        <p>The item of this link is not available at the moment.</p>
      </div>
    );
  } else {
    const name = meta.album?.name ?? 'Shared album';
    // The album's own count may include items a visitor does not see (held for review).
    const count = list.hasMore ? (meta.album?.itemCount ?? items.length) : items.length;
    body = (
      <>
        <div className="page-head">
          <div className="page-titles">
            <h1>{name}</h1>
            {meta.album?.description && <p className="album-description">{meta.album.description}</p>}
            <p className="muted">
              {count} {count === 1 ? 'item' : 'items'}
              {meta.share.allowDownload ? ' · downloads allowed' : ''}
            </p>
          </div>
        </div>
        {items.length === 0 ? (
          <div className="state">
            <h2>This album is empty</h2>
            <p>There is nothing to see in it right now.</p>
          </div>
        ) : (
          <Grid items={items} label={name} hasMore={list.hasMore} loading={list.loading} onLoadMore={loadMore} onOpen={step} />
        )}
      </>
    );
  }

  const open = meta?.share.type === 'album' && index >= 0 ? items[index] : undefined;
  return (
    <div className="visitor">
      <header className="topbar">
        <TopbarStart />
        <span className="topbar-note muted">Shared with you</span>
      </header>
      <main id="main" className="page shared-page" tabIndex={-1}>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {body}
      </main>
      {open && meta && (
        <ItemDialog
          title={itemName(open)}
          description={open.description}
          prevId={index > 0 ? (items[index - 1]?.id ?? null) : null}
          nextId={items[index + 1]?.id ?? null}
          onNavigate={step}
          onClose={close}
        >
          <SharedItem item={open} access={access} allowDownload={meta.share.allowDownload} onReported={reported} />
        </ItemDialog>
      )}
    </div>
  );
}
