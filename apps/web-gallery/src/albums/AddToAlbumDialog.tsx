import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { AlbumItemsAdded, AlbumView, MediaView } from '../api/types';
import { useServices } from '../app/services';
import { Dialog } from '../ui/Dialog';
import { PlusIcon } from '../ui/icons';
import { AlbumCover } from './AlbumCover';
import { ADD_OUTCOME_LABELS, outcomeSummary } from './outcomes';
import { useAlbums } from './useAlbums';

export interface AddToAlbumDialogProps {
  items: readonly Pick<MediaView, 'id' | 'title' | 'filename'>[];
  onClose: () => void;
  /** After the items went into an album (with what happened to each). */
  onAdded?: (result: AlbumItemsAdded) => void;
}

const itemName = (item: Pick<MediaView, 'title' | 'filename'>) => item.title?.trim() || item.filename;

/**
 * Puts items into an album: one of the owner's, or a new one named here. Then says, item by item,
 * whether it was added or already there.
 */
export function AddToAlbumDialog({ items: given, onClose, onAdded }: AddToAlbumDialogProps) {
  const { api } = useServices();
  // As they were when the dialog opened: the caller may clear its selection once they are added.
  const [items] = useState(given);
  const albums = useAlbums();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ album: AlbumView; results: AlbumItemsAdded['results'] } | null>(null);
  const nameId = useId();
  const ids = items.map((i) => i.id);
  const names = new Map(items.map((i) => [i.id, itemName(i)]));
  const what = items.length === 1 && items[0] ? `“${itemName(items[0])}”` : `${items.length} items`;

  const add = async (album: Promise<AlbumView> | AlbumView) => {
    setBusy(true);
    setError(null);
    try {
      const target = await album;
      const result = await api.addAlbumItems(target.id, ids);
      albums.upsert(result.album);
      setDone({ album: result.album, results: result.results });
      onAdded?.(result);
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : 'The items could not be added.');
    } finally {
      setBusy(false);
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed) void add(api.createAlbum({ name: trimmed }));
  };

  if (done) {
    return (
      <Dialog title={`Added to “${done.album.name}”`} onClose={onClose} className="dialog-narrow">
        <p role="status" className="result-summary">
          {outcomeSummary(done.results)}.
        </p>
        {done.results.length > 1 || done.results[0]?.outcome !== 'added' ? (
          <ul className="outcomes" aria-label="Each item">
            {done.results.map((r) => (
              <li key={r.id} className={`outcome outcome-${r.outcome}`}>
                <span className="outcome-name">{names.get(r.id) ?? r.id}</span>
                <span className="outcome-state">{ADD_OUTCOME_LABELS[r.outcome]}</span>
              </li>
            ))}
          </ul>
        ) : null}
        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Add to album" subtitle={what} onClose={onClose} className="dialog-narrow">
      <form className="inline-form" onSubmit={create}>
        <label htmlFor={nameId} className="visually-hidden">
          New album name
        </label>
        <input id={nameId} value={name} placeholder="New album name" maxLength={120} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="btn" disabled={busy || name.trim() === ''}>
          <PlusIcon size={18} /> Create and add
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {albums.error && (
        <p className="form-error" role="alert">
          {albums.error.detail}{' '}
          <button type="button" className="btn btn-quiet btn-small" onClick={albums.reload}>
            Try again
          </button>
        </p>
      )}
      {albums.loading && albums.items.length === 0 ? (
        <div className="spinner spinner-small" aria-label="Loading your albums" />
      ) : albums.items.length === 0 && !albums.error ? (
        <p className="muted">You have no albums yet: name one above.</p>
      ) : (
        <ul className="album-picker" aria-label="Your albums">
          {albums.items.map((album) => (
            <li key={album.id}>
              <button type="button" className="album-pick" onClick={() => void add(album)} disabled={busy}>
                <AlbumCover cover={album.cover} sizes="48px" />
                <span className="album-pick-text">
                  <span className="album-pick-name">{album.name}</span>
                  <span className="muted">
                    {album.itemCount} {album.itemCount === 1 ? 'item' : 'items'}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {albums.hasMore && (
        <button type="button" className="btn btn-quiet" onClick={albums.loadMore} disabled={albums.loading}>
          {albums.loading ? 'Loading…' : 'More albums'}
        </button>
      )}
    </Dialog>
  );
}
