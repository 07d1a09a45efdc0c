import { useState } from 'react';
import { ApiError } from '../api/client';
import type { AlbumView } from '../api/types';
import { useServices } from '../app/services';
import { Dialog } from '../ui/Dialog';
import { formatDay } from '../ui/format';
import { AlbumIcon, PlusIcon } from '../ui/icons';
import { LoadFailed, LoadMore } from '../ui/ListStates';
import { AlbumCover } from './AlbumCover';
import { AlbumForm, type AlbumFormValue } from './AlbumForm';
import { useAlbums } from './useAlbums';

export interface AlbumsPageProps {
  onOpenAlbum: (albumId: string) => void;
}

/** "12 items · newest 3 Aug 2026" */
export function albumMeta(album: Pick<AlbumView, 'itemCount' | 'newestTakenAt'>): string {
  const count = `${album.itemCount} ${album.itemCount === 1 ? 'item' : 'items'}`;
  return album.newestTakenAt ? `${count} · newest ${formatDay(album.newestTakenAt)}` : count;
}

function CreateAlbumDialog({ onCreated, onClose }: { onCreated: (album: AlbumView) => void; onClose: () => void }) {
  const { api } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async ({ name, description }: AlbumFormValue) => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.createAlbum(description ? { name, description } : { name }));
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : 'The album could not be created.');
      setBusy(false);
    }
  };
  return (
    <Dialog title="New album" onClose={onClose} className="dialog-narrow">
      <AlbumForm submitLabel="Create album" busy={busy} error={error} onSubmit={(v) => void submit(v)} onCancel={onClose} />
    </Dialog>
  );
}

/** The owner's albums: cover, name, item count and newest date; and a new one. */
export function AlbumsPage({ onOpenAlbum }: AlbumsPageProps) {
  const albums = useAlbums();
  const [creating, setCreating] = useState(false);

  let body;
  if (albums.error && albums.items.length === 0) {
    body = <LoadFailed title="Your albums could not be loaded" detail={albums.error.detail} onRetry={albums.reload} />;
  } else if (albums.loading && albums.items.length === 0) {
    body = <div className="spinner" aria-label="Loading your albums" />;
  } else if (albums.items.length === 0) {
    body = (
      <div className="state state-empty">
        <div className="state-art" aria-hidden="true">
          <AlbumIcon size={40} />
        </div>
        <h2>No albums yet</h2>
        <p>Make one here, or choose Select in your library and add photos and videos to a new album.</p>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          New album
        </button>
      </div>
    );
  } else {
    body = (
      <ul className="albums" aria-label="Your albums">
        {albums.items.map((album) => (
          <li key={album.id} className="album-card">
            <a
              href={`/albums/${encodeURIComponent(album.id)}`}
              className="album-link"
              onClick={(e) => {
                e.preventDefault();
                onOpenAlbum(album.id);
              }}
            >
              <AlbumCover cover={album.cover} />
              <span className="album-card-text">
                <span className="album-name">{album.name}</span>
                <span className="album-meta">{albumMeta(album)}</span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    );
  }

  return (
    <main id="main" className="page albums-page" tabIndex={-1}>
      <div className="page-head">
        <h1>Albums</h1>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          <PlusIcon size={18} /> New album
        </button>
      </div>
      {body}
      <LoadMore hasMore={albums.hasMore} count={albums.items.length} loading={albums.loading} onLoadMore={albums.loadMore} label="More albums" />
      {creating && (
        <CreateAlbumDialog
          onClose={() => setCreating(false)}
          onCreated={(album) => {
            albums.upsert(album);
            setCreating(false);
          }}
        />
      )}
    </main>
  );
}
