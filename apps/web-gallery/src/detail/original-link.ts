import { useCallback, useEffect, useState, type MouseEvent } from 'react';
import type { ApiClient } from '../api/client';

/** A link fetched this close to its expiry is fetched again before it is followed. */
const EXPIRY_MARGIN_MS = 30_000;

export interface OriginalLink {
  /** Where the original downloads from (a short-lived presigned URL), once the API has said. */
  href: string | null;
  /** For the anchor: follows a fresh link when the one on the page has expired meanwhile. */
  onClick: (event: MouseEvent<HTMLAnchorElement>) => void;
}

/**
 * The download link of an item's original. An anchor cannot carry the bearer token, so the API
 * is asked for a short-lived link of the object store's own (S3 presigned in the cloud, the local
 * store's signed URL on `mediaflow serve`) that serves the original as an attachment; the bytes
 * never pass through the API. A page left open past the link's life gets a new one on click.
 *
 * @param id The item, or undefined while there is none (no request is made).
 */
export function useOriginalLink(api: Pick<ApiClient, 'originalDownload'>, id: string | undefined, open: (url: string) => void = (url) => window.location.assign(url)): OriginalLink {
  const [link, setLink] = useState<{ id: string; url: string; expiresAt: number } | null>(null);

  useEffect(() => {
    if (!id) return undefined;
    let cancelled = false;
    api.originalDownload(id).then(
      (answer) => {
        if (!cancelled) setLink({ id, url: answer.url, expiresAt: Date.parse(answer.expiresAt) });
      },
      () => {
        // No link, no button: an item whose original has not arrived, or a failed call.
        if (!cancelled) setLink(null);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, id]);

  const current = link && link.id === id ? link : null;
  const onClick = useCallback(
    (event: MouseEvent<HTMLAnchorElement>) => {
      if (!current || !id || current.expiresAt - Date.now() > EXPIRY_MARGIN_MS) return;
      event.preventDefault();
      void api.originalDownload(id).then((answer) => {
        setLink({ id, url: answer.url, expiresAt: Date.parse(answer.expiresAt) });
        open(answer.url);
      });
    },
    [api, current, id, open],
  );
  return { href: current?.url ?? null, onClick };
}
