import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { Dialog } from '../ui/Dialog';
import { createAccountApi, DELETE_PHRASE, deleteWholeAccount, type AccountApi, type AccountRemoved, type ExportView } from './account-api';

/** How often a pending export is asked after (the cloud builds the zip away from the request). */
export const EXPORT_POLL_MS = 2000;

export interface AccountDialogProps {
  /** The signed-in owner's token, read on each call (renewed first where the sign-in is hosted). */
  getToken: () => string | null | Promise<string | null>;
  onClose: () => void;
  /** The account is gone: sign out (the caller ends the session and, in the cloud, the hosted sign-in). */
  onDeleted: () => void;
  /** The account routes; made from `getToken` when not given (tests give their own). */
  api?: AccountApi;
}

type ExportState = { step: 'idle' } | { step: 'working' } | { step: 'ready'; url: string; expiresAt: string | null } | { step: 'failed'; reason: string };

type DeleteState = { step: 'confirm' } | { step: 'deleting'; removed: AccountRemoved } | { step: 'failed'; reason: string; removed: AccountRemoved | null };

const messageOf = (error: unknown): string => (error instanceof ApiError ? error.detail : 'Something went wrong. Try again.');

function progressText(removed: AccountRemoved | null): string {
  if (removed === null || removed.items + removed.albums + removed.shares === 0) return 'Deleting\u2026';
  const parts = [`${removed.items} ${removed.items === 1 ? 'item' : 'items'}`, `${removed.albums} ${removed.albums === 1 ? 'album' : 'albums'}`, `${removed.shares} ${removed.shares === 1 ? 'link' : 'links'}`];
  return `Deleting\u2026 ${parts.join(', ')} removed so far.`;
}

/**
 * The account: export the whole library as a zip (`POST /api/v1/export`, then its status until the
 * link is ready), and delete the account with everything in it. Deleting asks for the phrase
 * typed out, then calls `DELETE /api/v1/me` again while the server answers 202, showing what went,
 * and signs out once it answers 200.
 */
export function AccountDialog({ getToken, onClose, onDeleted, api: given }: AccountDialogProps) {
  const api = useMemo(() => given ?? createAccountApi(getToken), [given, getToken]);
  const [exported, setExported] = useState<ExportState>({ step: 'idle' });
  const [deletion, setDeletion] = useState<DeleteState>({ step: 'confirm' });
  const [phrase, setPhrase] = useState('');
  const ids = { phrase: useId(), hint: useId() };
  const open = useRef(true);
  useEffect(
    () => () => {
      open.current = false;
    },
    [],
  );

  const startExport = async () => {
    setExported({ step: 'working' });
    try {
      let view: ExportView = await api.startExport();
      while (view.status === 'pending' && open.current) {
        await new Promise((resolve) => setTimeout(resolve, EXPORT_POLL_MS));
        view = await api.exportStatus(view.id);
      }
      if (!open.current) return;
      if (view.status === 'ready' && view.url) setExported({ step: 'ready', url: view.url, expiresAt: view.expiresAt ?? null });
      else setExported({ step: 'failed', reason: view.reason ?? 'The export could not be made.' });
    } catch (error) {
      if (open.current) setExported({ step: 'failed', reason: messageOf(error) });
    }
  };

  const matches = phrase === DELETE_PHRASE;
  const deleting = deletion.step === 'deleting';
  // An export being made would be written after the deletion: the server waits for it, so does the button.
  const exporting = exported.step === 'working';
  const startDelete = async () => {
    if (!matches || deleting || exporting) return;
    setDeletion({ step: 'deleting', removed: { items: 0, albums: 0, shares: 0, objects: 0 } });
    try {
      await deleteWholeAccount(api, (removed) => setDeletion({ step: 'deleting', removed }));
      onDeleted();
    } catch (error) {
      setDeletion((current) => ({ step: 'failed', reason: messageOf(error), removed: current.step === 'deleting' ? current.removed : null }));
    }
  };

  return (
    // While deleting, closing would leave it half done: the dialog stays until it ends.
    <Dialog title="Account" onClose={deleting ? () => undefined : onClose} className="dialog-narrow">
      <section aria-labelledby={`${ids.hint}-export`}>
        <h3 id={`${ids.hint}-export`}>Export my library</h3>
        <p>A zip of every original in your library (the trash is left out), with a list of their titles, tags and albums.</p>
        {exported.step === 'ready' ? (
          <p role="status">
            <a className="btn btn-primary" href={exported.url} download>
              Download the export
            </a>
          </p>
        ) : (
          <button type="button" className="btn" aria-disabled={exported.step === 'working' || undefined} onClick={() => exported.step !== 'working' && void startExport()}>
            {exported.step === 'working' ? 'Preparing the export\u2026' : 'Export my library'}
          </button>
        )}
        {exported.step === 'failed' && (
          <p className="notice notice-error" role="alert">
            {exported.reason}
          </p>
        )}
      </section>
      <section aria-labelledby={`${ids.hint}-delete`}>
        <h3 id={`${ids.hint}-delete`}>Delete my account</h3>
        <p id={ids.hint}>
          Everything goes for good: every photo, video and file with all their versions, albums, share links (they stop working), the trash and your sign-in. It
          can{'\u2019'}t be undone. Export your library first if you want to keep a copy. To go ahead, type <strong>{DELETE_PHRASE}</strong> below.
        </p>
        <div className="field">
          <label htmlFor={ids.phrase}>Type {DELETE_PHRASE}</label>
          <input
            id={ids.phrase}
            value={phrase}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={ids.hint}
            readOnly={deleting}
            onChange={(e) => setPhrase(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void startDelete()}
          />
        </div>
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-danger"
            aria-disabled={!matches || deleting || exporting || undefined}
            aria-describedby={exporting ? `${ids.hint}-exporting` : undefined}
            onClick={() => void startDelete()}
          >
            Delete my account
          </button>
          <button type="button" className="btn" aria-disabled={deleting || undefined} onClick={() => !deleting && onClose()}>
            Cancel
          </button>
        </div>
        {exporting && (
          <p id={`${ids.hint}-exporting`} className="hint">
            Your export is being prepared: you can delete the account once it is ready.
          </p>
        )}
        {deletion.step === 'deleting' && (
          <p role="status" aria-live="polite">
            {progressText(deletion.removed)}
          </p>
        )}
        {deletion.step === 'failed' && (
          <p className="notice notice-error" role="alert">
            {deletion.reason} {deletion.removed && deletion.removed.items + deletion.removed.albums + deletion.removed.shares > 0 ? 'What was deleted stays deleted; delete again to finish.' : 'Nothing was deleted.'}
          </p>
        )}
      </section>
    </Dialog>
  );
}
