import { useEffect, useState } from 'react';
import { useServices } from '../app/services';

/** An album's name for its filter chip; null until known (or when the album cannot be read). */
export function useAlbumName(albumId: string | undefined): string | null {
  const { api } = useServices();
  const [known, setKnown] = useState<{ id: string; name: string } | null>(null);
  useEffect(() => {
    if (!albumId) return undefined;
    const controller = new AbortController();
    api.getAlbum(albumId, controller.signal).then(
      (album) => !controller.signal.aborted && setKnown({ id: albumId, name: album.name }),
      // The chip says "an album" instead; the list reports a wrong id itself.
      () => undefined,
    );
    return () => controller.abort();
  }, [api, albumId]);
  return known && known.id === albumId ? known.name : null;
}
