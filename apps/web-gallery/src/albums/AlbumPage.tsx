import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import type { AlbumView } from '../api/types';
import { useServices } from '../app/services';
import { Detail, type AlbumContext } from '../detail/Detail';
import { Grid } from '../gallery/Grid';
import { SelectionBar } from '../gallery/SelectionBar';
import { useSelection } from '../gallery/useSelection';
import { ShareDialog } from '../share/ShareDialog';
import { Dialog } from '../ui/Dialog';
import { CheckIcon, ChevronLeft, ShareIcon, TrashIcon } from '../ui/icons';
import { LoadFailed } from '../ui/ListStates';
import { useAction } from '../ui/useAction';
import { usePaged } from '../ui/usePaged';
import { AlbumForm, type AlbumFormValue } from './AlbumForm';
import { albumMeta } from './AlbumsPage';

export interface AlbumPageProps {
  albumId: string;
  /** The item open in the detail view. */
  item: string | null;
  onOpenItem: (id: string | null, options?: { replace?: boolean }) => void;
  onBack: () => void;
}

type Open = 'edit' | 'delete' | 'share' | null;

/**
 * One album: its items by date taken, in a grid that opens the detail view (with the album's own
 * actions: use as cover, remove); rename, describe, share and delete the album; remove several
 * items at once in select mode.
 */
export function AlbumPage({ albumId, item, onOpenItem, onBack }: AlbumPageProps) {
  const { api, events } = useServices();
  const [album, setAlbum] = useState<AlbumView | null>(null);
  const [albumError, setAlbumError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState<Open>(null);
  const { busy, error, run } = useAction();
  const selection = useSelection();
  const load = useCallback((cursor: string | null, signal: AbortSignal) => api.listAlbumItems(albumId, cursor, signal), [api, albumId]);
  const list = usePaged(load);
  const { setItems, loadMore } = list;

  useEffect(() => {
    const controller = new AbortController();
    setAlbum(null);
    setAlbumError(null);
    api
      .getAlbum(albumId, controller.signal)
      .then((found) => !controller.signal.aborted && setAlbum(found))
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setAlbumError(e instanceof ApiError ? e : new ApiError('The album could not be loaded.', 0, 'unknown', 'The album could not be loaded.'));
      });
    return () => controller.abort();
  }, [api, albumId]);

  // Edits and deletes made in the detail view show here at once.
  useEffect(() => {
    const offUpdated = events.onUpdated((changed) => setItems((current) => current.map((i) => (i.id === changed.id ? changed : i))));
    const offRemoved = events.onRemoved((id) => setItems((current) => current.filter((i) => i.id !== id)));
    return () => {
      offUpdated();
      offRemoved();
    };
  }, [events, setItems]);

  const items = list.items;
  const index = item ? items.findIndex((i) => i.id === item) : -1;
  useEffect(() => {
    if (index >= 0 && index >= items.length - 3) loadMore();
  }, [index, items.length, loadMore]);

  const inAlbum = useMemo<AlbumContext | undefined>(
    () =>
      album
        ? {
            album,
            onChanged: setAlbum,
            onRemoved: (mediaId, changed) => {
              setAlbum(changed);
              setItems((current) => current.filter((i) => i.id !== mediaId));
            },
          }
        : undefined,
    [album, setItems],
  );

  const step = useCallback((id: string) => onOpenItem(id, { replace: true }), [onOpenItem]);
  const closeItem = useCallback(() => onOpenItem(null), [onOpenItem]);

  const save = ({ name, description }: AlbumFormValue) =>
    run(async () => {
      setAlbum(await api.updateAlbum(albumId, { name, description: description || null }));
      setOpen(null);
    }, 'The album could not be saved.');

  const remove = () =>
    run(async () => {
      await api.deleteAlbum(albumId);
      onBack();
    }, 'The album could not be deleted.');

  const removeSelected = () =>
    run(async () => {
      const ids = [...selection.selected];
      const answer = await api.removeAlbumItems(albumId, ids);
      setAlbum(answer.album);
      setItems((current) => current.filter((i) => !selection.selected.has(i.id)));
      selection.clear();
    }, 'The items could not be removed from the album.');

  if (albumError) {
    return (
      <main id="main" className="page" tabIndex={-1}>
        <div className="state state-error" role="alert">
          <h2>{albumError.status === 404 ? 'This album does not exist' : 'The album could not be loaded'}</h2>
          <p>{albumError.status === 404 ? 'It may have been deleted.' : albumError.detail}</p>
          <button type="button" className="btn btn-primary" onClick={onBack}>
            All albums
          </button>
        </div>
      </main>
    );
  }

  let body;
  if (list.error && items.length === 0) {
    body = <LoadFailed title="The album’s items could not be loaded" detail={list.error.detail} onRetry={list.reload} />;
  } else if (list.loading && items.length === 0) {
    body = <div className="spinner" aria-label="Loading the album" />;
  } else if (items.length === 0) {
    body = (
      <div className="state state-empty">
        <h2>This album is empty</h2>
        <p>In your library, choose Select, pick photos or videos, then Add to album.</p>
      </div>
    );
  } else {
    body = (
      <Grid
        items={items}
        label={album ? `Items in ${album.name}` : 'Items in the album'}
        hasMore={list.hasMore}
        loading={list.loading}
        onLoadMore={loadMore}
        onOpen={(id) => onOpenItem(id)}
        selection={selection.active ? { selected: selection.selected, onToggle: selection.toggle } : undefined}
      />
    );
  }

  return (
    <main id="main" className="page album-page" tabIndex={-1}>
      <a
        href="/albums"
        className="back-link"
        onClick={(e) => {
          e.preventDefault();
          onBack();
        }}
      >
        <ChevronLeft size={16} /> All albums
      </a>
      <div className="page-head">
        <div className="page-titles">
          <h1>{album?.name ?? 'Album'}</h1>
          {album?.description && <p className="album-description">{album.description}</p>}
          {album && <p className="muted">{albumMeta(album)}</p>}
        </div>
        <div className="page-actions">
          {items.length > 0 && (
            <button type="button" className="btn" aria-pressed={selection.active} onClick={() => selection.setActive(!selection.active)}>
              <CheckIcon size={16} /> {selection.active ? 'Selecting' : 'Select'}
            </button>
          )}
          <button type="button" className="btn" onClick={() => setOpen('share')} disabled={!album}>
            <ShareIcon size={18} /> Share
          </button>
          <button type="button" className="btn" onClick={() => setOpen('edit')} disabled={!album}>
            Edit
          </button>
          <button type="button" className="btn btn-danger-quiet" onClick={() => setOpen('delete')} disabled={!album}>
            <TrashIcon size={18} /> Delete album
          </button>
        </div>
      </div>
      {error && !open && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {body}
      {selection.active && (
        <SelectionBar count={selection.selected.size} onClear={selection.clear} onDone={() => selection.setActive(false)}>
          <button type="button" className="btn btn-primary" disabled={selection.selected.size === 0 || busy} onClick={() => void removeSelected()}>
            Remove from album
          </button>
        </SelectionBar>
      )}
      {album && open === 'edit' && (
        <Dialog title="Edit album" onClose={() => setOpen(null)} className="dialog-narrow">
          <AlbumForm
            initial={{ name: album.name, description: album.description ?? '' }}
            submitLabel="Save"
            busy={busy}
            error={error}
            onSubmit={(v) => void save(v)}
            onCancel={() => setOpen(null)}
          />
        </Dialog>
      )}
      {album && open === 'delete' && (
        <Dialog title="Delete this album?" onClose={() => setOpen(null)} className="dialog-narrow">
          <p>
            “{album.name}” will be deleted. The {album.itemCount === 1 ? 'item' : `${album.itemCount} items`} in it stay in your library; only the album goes, and its share links stop
            working.
          </p>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={busy} autoFocus>
              {busy ? 'Deleting…' : 'Delete album'}
            </button>
            <button type="button" className="btn" onClick={() => setOpen(null)}>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
      {album && open === 'share' && <ShareDialog target={{ type: 'album', albumId: album.id }} name={album.name} onClose={() => setOpen(null)} />}
      {item && (
        <Detail
          id={item}
          initial={items[index]}
          prevId={index > 0 ? (items[index - 1]?.id ?? null) : null}
          nextId={index >= 0 ? (items[index + 1]?.id ?? null) : null}
          onNavigate={step}
          onClose={closeItem}
          inAlbum={inAlbum}
        />
      )}
    </main>
  );
}
