import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { ShareCreate, ShareTarget, ShareView } from '../api/types';
import { useServices } from '../app/services';
import { Dialog } from '../ui/Dialog';
import { formatDate } from '../ui/format';
import { LinkIcon, LockIcon, ShieldIcon } from '../ui/icons';
import { EXPIRY_OPTIONS, expiresInSeconds, shareUrl, type Expiry } from './options';

export interface ShareDialogProps {
  target: ShareTarget;
  /** The item's or album's name, for the title. */
  name: string;
  /** The item is held for review: no link can be made yet. */
  held?: boolean;
  onClose: () => void;
}

const HELD = 'This item is held for review: it cannot be shared until a moderator approves it.';

const STATE_LABELS: Record<ShareView['state'], string> = { active: 'Active', expired: 'Expired', revoked: 'Revoked' };

/** Copies the link, or selects it for Ctrl+C where the clipboard cannot be written (http, an old browser). */
function CopyField({ url }: { url: string }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'copied' | 'select' | null>(null);
  const fieldId = useId();
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setCopied('copied');
    } catch {
      field.current?.focus();
      field.current?.select();
      setCopied('select');
    }
  };
  return (
    <div className="share-created">
      <label htmlFor={fieldId}>Link</label>
      <div className="copy-field">
        <input id={fieldId} ref={field} value={url} readOnly autoFocus onFocus={(e) => e.currentTarget.select()} data-testid="share-url" />
        <button type="button" className="btn btn-primary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="hint" role="status">
        {copied === 'copied' ? 'Copied to the clipboard.' : copied === 'select' ? 'The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.' : 'Anyone with this link can open it. It is shown only now: copy it before you close this.'}
      </p>
    </div>
  );
}

function LinkRow({ link, busy, onRevoke }: { link: ShareView; busy: boolean; onRevoke: () => void }) {
  const created = formatDate(link.createdAt);
  return (
    <li className={`share-link share-${link.state}`}>
      <div className="share-link-head">
        <span className={`badge badge-${link.state}`}>{STATE_LABELS[link.state]}</span>
        <span>Created {created}</span>
        {link.state === 'active' && (
          <button type="button" className="btn btn-small btn-danger-quiet" onClick={onRevoke} disabled={busy} aria-label={`Revoke the link created ${created}`}>
            Revoke
          </button>
        )}
      </div>
      <ul className="share-link-facts">
        <li>{link.allowDownload ? 'Downloads allowed' : 'View only'}</li>
        {link.hasPassword && (
          <li>
            <LockIcon size={14} /> Password
          </li>
        )}
        <li>
          {link.state === 'revoked' && link.revokedAt
            ? `Revoked ${formatDate(link.revokedAt)}`
            : link.expiresAt
              ? `${link.state === 'expired' ? 'Expired' : 'Expires'} ${formatDate(link.expiresAt)}`
              : 'Never expires'}
        </li>
        <li>{link.lastOpenedAt ? `Last opened ${formatDate(link.lastOpenedAt)}` : 'Not opened yet'}</li>
      </ul>
    </li>
  );
}

/**
 * Makes a share link for an item or an album (downloads, expiry, password), shows its full URL
 * with a Copy button, and lists the target's links with their state and a Revoke button.
 */
export function ShareDialog({ target, name, held = false, onClose }: ShareDialogProps) {
  const { api } = useServices();
  const [allowDownload, setAllowDownload] = useState(false);
  const [expiry, setExpiry] = useState<Expiry>('never');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [links, setLinks] = useState<ShareView[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [blocked, setBlocked] = useState(held);
  const ids = { download: useId(), expiry: useId(), password: useId(), passwordHint: useId() };
  // By value: the parent may pass a new but equal target object on every render.
  const targetType = target.type;
  const targetId = target.type === 'album' ? target.albumId : target.mediaId;

  useEffect(() => {
    const controller = new AbortController();
    api
      .listShares(targetType === 'album' ? { type: 'album', albumId: targetId } : { type: 'media', mediaId: targetId }, controller.signal)
      .then((items) => !controller.signal.aborted && setLinks(items))
      .catch((e: unknown) => !controller.signal.aborted && setListError(e instanceof ApiError ? e.detail : 'The links could not be loaded.'));
    return () => controller.abort();
  }, [api, targetType, targetId]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const request: ShareCreate = { target, allowDownload };
    const seconds = expiresInSeconds(expiry);
    if (seconds !== undefined) request.expiresInSeconds = seconds;
    if (password !== '') request.password = password;
    try {
      const answer = await api.createShare(request);
      setCreated(shareUrl(window.location.origin, answer.path));
      setLinks((current) => [answer.share, ...(current ?? [])]);
      setPassword('');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'held_for_review') {
        setBlocked(true);
      } else {
        setError(e instanceof ApiError ? e.detail : 'The link could not be made.');
      }
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (link: ShareView) => {
    setBusy(true);
    setError(null);
    try {
      await api.revokeShare(link.id);
      const now = new Date().toISOString();
      setLinks((current) => (current ?? []).map((l) => (l.id === link.id ? { ...l, state: 'revoked', revokedAt: now } : l)));
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : 'The link could not be revoked.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Share “${name}”`} onClose={onClose} className="dialog-share">
      {blocked ? (
        <div className="notice notice-warn" role="alert">
          <div className="notice-title">
            <ShieldIcon size={18} /> Cannot be shared yet
          </div>
          <p>{HELD}</p>
        </div>
      ) : created ? (
        <>
          <CopyField url={created} />
          <button type="button" className="btn btn-quiet" onClick={() => setCreated(null)}>
            Make another link
          </button>
        </>
      ) : (
        <form className="form" onSubmit={(e) => void create(e)}>
          <label className="check" htmlFor={ids.download}>
            <input id={ids.download} type="checkbox" checked={allowDownload} onChange={(e) => setAllowDownload(e.target.checked)} />
            Allow downloads of the originals
          </label>
          <div className="field">
            <label htmlFor={ids.expiry}>Link expires</label>
            <select id={ids.expiry} value={expiry} onChange={(e) => setExpiry(e.target.value as Expiry)}>
              {EXPIRY_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.password}>Password (optional)</label>
            <input
              id={ids.password}
              type="password"
              value={password}
              minLength={4}
              maxLength={200}
              autoComplete="new-password"
              aria-describedby={ids.passwordHint}
              onChange={(e) => setPassword(e.target.value)}
            />
            <span id={ids.passwordHint} className="hint">
              At least 4 characters. Visitors type it once per browser session.
            </span>
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || (password !== '' && password.length < 4)}>
              <LinkIcon size={18} /> {busy ? 'Making the link…' : 'Create link'}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <section className="share-links" aria-label="Links">
        <h3>Links</h3>
        {listError ? (
          <p className="form-error">{listError}</p>
        ) : links === null ? (
          <div className="spinner spinner-small" aria-label="Loading the links" />
        ) : links.length === 0 ? (
          <p className="muted">No links yet.</p>
        ) : (
          <ul className="share-list">
            {links.map((link) => (
              <LinkRow key={link.id} link={link} busy={busy} onRevoke={() => void revoke(link)} />
            ))}
          </ul>
        )}
      </section>
    </Dialog>
  );
}
