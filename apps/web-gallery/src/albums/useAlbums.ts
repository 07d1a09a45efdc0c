import { useCallback } from 'react';
import type { AlbumView } from '../api/types';
import { useServices } from '../app/services';
import { usePaged, type Paged } from '../ui/usePaged';

export interface AlbumsState extends Paged<AlbumView> {
  /** Puts a new or changed album in the list (a new one first: the list is newest album first). */
  upsert: (album: AlbumView) => void;
}

/** The owner's albums, page by page (newest album first). */
export function useAlbums(): AlbumsState {
  const { api } = useServices();
  const load = useCallback((cursor: string | null, signal: AbortSignal) => api.listAlbums(cursor, signal), [api]);
  const paged = usePaged(load);
  const { setItems } = paged;
  const upsert = useCallback(
    (album: AlbumView) => setItems((current) => (current.some((a) => a.id === album.id) ? current.map((a) => (a.id === album.id ? album : a)) : [album, ...current])),
    [setItems],
  );
  return { ...paged, upsert };
}
