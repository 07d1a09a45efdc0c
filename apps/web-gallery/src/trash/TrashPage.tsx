import { useCallback, useState } from 'react';
import { ApiError } from '../api/client';
import type { EmptyTrash, TrashItemView } from '../api/types';
import { useServices } from '../app/services';
import { ActionDock, BulkNotice } from '../bulk/BulkNotice';
import { itemName } from '../bulk/summary';
import { succeededIds, useBulk } from '../bulk/useBulk';
import { Grid } from '../gallery/Grid';
import { SelectionBar } from '../gallery/SelectionBar';
import { useGridSelection } from '../gallery/useSelection';
import { Dialog } from '../ui/Dialog';
import { formatDay } from '../ui/format';
import { RetryIcon, TrashIcon } from '../ui/icons';
import { LoadFailed } from '../ui/ListStates';
import { offer } from '../ui/offer';
import { usePaged } from '../ui/usePaged';

export interface TrashPageProps {
  /** Items went back to the library: its list should be read again. */
  onRestored: () => void;
  onOpenLibrary: () => void;
}

/**
 * The waits after rounds in a row that removed nothing while the server said more is left: the
 * trash's index may lag behind the deletes (DynamoDB's is eventually consistent), so the next round
 * waits longer each time, and emptying gives up after one more idle round past the last wait.
 */
export const IDLE_BACKOFF_MS: readonly number[] = [500, 1000, 2000];

/** How many rounds in a row may remove nothing before emptying gives up. */
export const MAX_IDLE_ROUNDS = IDLE_BACKOFF_MS.length + 1;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Empties the trash: `DELETE /api/v1/trash` again while the server says more is left, backing off
 * (`IDLE_BACKOFF_MS`) after rounds that removed nothing. Resolves to how many items went; a failed
 * round, or idle rounds past the last wait, reject with how many went before (`purgedBefore`).
 */
export async function emptyAll(emptyTrash: () => Promise<EmptyTrash>, onProgress: (purged: number) => void = () => undefined, sleep: (ms: number) => Promise<void> = wait): Promise<number> {
  let purged = 0;
  let idle = 0;
  for (;;) {
    let round: EmptyTrash;
    try {
      round = await emptyTrash();
    } catch (cause) {
      throw Object.assign(cause instanceof Error ? cause : new Error(String(cause)), { purgedBefore: purged });
    }
    purged += round.purged;
    onProgress(purged);
    if (!round.more) return purged;
    idle = round.purged === 0 ? idle + 1 : 0;
    if (idle >= MAX_IDLE_ROUNDS) throw Object.assign(new Error('The trash stopped emptying. Try again later.'), { purgedBefore: purged });
    if (idle > 0) await sleep(IDLE_BACKOFF_MS[idle - 1] ?? 0);
  }
}

/** The line under a trashed item's name. */
export const removedOn = (item: Pick<TrashItemView, 'purgeAt'>) => `Removed for good on ${formatDay(item.purgeAt)}`;

const count = (n: number) => `${n} ${n === 1 ? 'item' : 'items'}`;

/**
 * The trash: what was deleted from the library, most recently first, each with the day it goes
 * for good. Select items (click, Shift-click, Space, Shift+arrows, Ctrl/Cmd+A) to restore them
 * or delete them for good; or empty the whole trash.
 */
export function TrashPage({ onRestored, onOpenLibrary }: TrashPageProps) {
  const { api, events } = useServices();
  const [retentionDays, setRetentionDays] = useState<number | null>(null);
  const load = useCallback(
    async (cursor: string | null, signal: AbortSignal) => {
      const page = await api.listTrash(cursor, signal);
      setRetentionDays(page.retentionDays);
      return page;
    },
    [api],
  );
  const trash = usePaged<TrashItemView>(load, 'Something went wrong while loading the trash.');
  const bulk = useBulk();
  const [confirm, setConfirm] = useState<'delete' | 'empty' | null>(null);
  const [emptying, setEmptying] = useState<number | null>(null);
  const { items, setItems } = trash;
  // Clicking a trashed item can only pick it: the page is always in select mode.
  const { selection, multiselect, chosen } = useGridSelection(items, { alwaysSelecting: true });
  const { toggle, clear } = selection;

  /** Restores or deletes the selection; what worked leaves the page. */
  const act = async (action: 'restore' | 'delete') => {
    setConfirm(null);
    const result = await bulk.run(action, chosen);
    if (!result) return;
    const ok = succeededIds(result);
    if (ok.size === 0) return;
    // What failed stays selected, to try again.
    setItems((current) => current.filter((i) => !ok.has(i.id)));
    events.emitStorageChanged();
    if (action === 'restore') onRestored();
  };

  const empty = async () => {
    setConfirm(null);
    setEmptying(0);
    bulk.setNotice(null);
    try {
      const purged = await emptyAll(() => api.emptyTrash(), setEmptying);
      bulk.setNotice({ tone: 'done', text: purged === 0 ? 'The trash was already empty.' : `${count(purged)} deleted for good.` });
    } catch (e) {
      const before = (e as { purgedBefore?: number }).purgedBefore ?? 0;
      const reason = e instanceof ApiError ? e.detail : e instanceof Error ? e.message : 'Something went wrong.';
      bulk.setNotice({ tone: 'failed', text: before > 0 ? `${count(before)} deleted for good, then the trash could not be emptied: ${reason}` : `The trash could not be emptied: ${reason}` });
    } finally {
      setEmptying(null);
      clear();
      trash.reload();
      events.emitStorageChanged();
    }
  };

  const busy = bulk.busy !== null || emptying !== null;
  const nothing = items.length === 0 && !trash.hasMore;
  const subject = chosen.length === 1 && chosen[0] ? `“${itemName(chosen[0])}”` : count(chosen.length);

  let body;
  if (trash.error && items.length === 0) {
    body = <LoadFailed title="The trash could not be loaded" detail={trash.error.detail} onRetry={trash.retry} />;
  } else if (trash.loading && items.length === 0) {
    body = <div className="spinner" aria-label="Loading the trash" />;
  } else if (items.length === 0) {
    body = (
      <div className="state state-empty">
        <div className="state-art" aria-hidden="true">
          <TrashIcon size={40} />
        </div>
        <h2>The trash is empty</h2>
        <p>
          What you delete from your library waits here{retentionDays !== null ? ` for ${retentionDays} days` : ''} before it is removed for good, so you can restore it.
        </p>
        <button type="button" className="btn" onClick={onOpenLibrary}>
          Go to your library
        </button>
      </div>
    );
  } else {
    body = (
      <Grid
        items={items}
        label="Items in the trash"
        hasMore={trash.hasMore}
        loading={trash.loading}
        onLoadMore={trash.loadMore}
        onOpen={toggle}
        multiselect={multiselect}
        noteOf={removedOn}
        hideStatus
      />
    );
  }

  return (
    <main id="main" className="page trash-page" tabIndex={-1}>
      <div className="page-head">
        <div className="page-titles">
          <h1>Trash</h1>
          <p className="muted">
            {retentionDays !== null ? `Items stay here for ${retentionDays} days, then they are removed for good.` : 'Items stay here for a while, then they are removed for good.'}{' '}
            {items.length > 0 && 'Select items to restore them or delete them now.'}
          </p>
        </div>
        <div className="page-actions">
          <button type="button" className="btn btn-danger-quiet" {...offer(busy || nothing, () => setConfirm('empty'))}>
            <TrashIcon size={18} /> {emptying !== null ? `Emptying… ${emptying} removed` : 'Empty trash'}
          </button>
        </div>
      </div>
      {trash.error && items.length > 0 && (
        <div className="state-inline" role="alert">
          {trash.error.detail}{' '}
          <button type="button" className="btn btn-quiet" onClick={trash.retry}>
            Try again
          </button>
        </div>
      )}
      {body}
      <ActionDock>
        <BulkNotice notice={bulk.notice} onDismiss={() => bulk.setNotice(null)} />
        {chosen.length > 0 && (
          <SelectionBar count={chosen.length} onClear={clear} onDone={clear} onSelectAll={multiselect.onSelectAll} total={items.length}>
            <button type="button" className="btn btn-primary" {...offer(busy, () => void act('restore'))}>
              <RetryIcon size={18} /> {bulk.busy === 'restore' ? 'Restoring…' : 'Restore'}
            </button>
            <button type="button" className="btn btn-danger-quiet" {...offer(busy, () => setConfirm('delete'))}>
              <TrashIcon size={18} /> Delete forever
            </button>
          </SelectionBar>
        )}
      </ActionDock>
      {confirm === 'delete' && (
        <Dialog title={`Delete ${subject} for good?`} onClose={() => setConfirm(null)} className="dialog-narrow">
          <p>{chosen.length === 1 ? 'It is removed for good, with its files, and can\u2019t be restored.' : 'They are removed for good, with their files, and can\u2019t be restored.'}</p>
          <div className="form-actions">
            <button type="button" className="btn btn-danger" onClick={() => void act('delete')} autoFocus>
              Delete forever
            </button>
            <button type="button" className="btn" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
      {confirm === 'empty' && (
        <Dialog title="Empty the trash?" onClose={() => setConfirm(null)} className="dialog-narrow">
          <p>Everything in the trash{trash.hasMore ? '' : ` (${count(items.length)})`} is removed for good, with its files, and can’t be restored.</p>
          <div className="form-actions">
            <button type="button" className="btn btn-danger" onClick={() => void empty()} autoFocus>
              Empty trash
            </button>
            <button type="button" className="btn" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
