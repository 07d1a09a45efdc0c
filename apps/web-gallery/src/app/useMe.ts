import { useCallback, useEffect, useState } from 'react';
import type { Me } from '../api/types';
import type { UploadPhase } from '../upload/queue';
import { useServices } from './services';

/** How long after a change `GET /api/v1/me` is read again: changes come in bursts (uploads, a bulk action). */
export const ME_REFRESH_MS = 800;

/** An upload in these phases has stored its bytes (processing), or its renditions too. */
const STORED: ReadonlySet<UploadPhase> = new Set<UploadPhase>(['processing', 'ready', 'flagged']);

/**
 * Who is signed in, by the API (`GET /api/v1/me`): roles and storage used. Null until known, or
 * when it cannot say. Read again (once, shortly after a burst of changes) when an upload has
 * stored its bytes, when items leave the library (moved to the trash) and when the trash changes
 * (`MediaEvents.emitStorageChanged`: restored, deleted for good, emptied). A failed read keeps the
 * last answer.
 */
export function useMe(): Me | null {
  const { api, events, uploads } = useServices();
  const [me, setMe] = useState<Me | null>(null);
  const load = useCallback(
    (signal?: AbortSignal) =>
      api.getMe(signal).then(
        (answer) => {
          if (!signal?.aborted) setMe(answer);
        },
        () => undefined,
      ),
    [api],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(controller.signal), ME_REFRESH_MS);
    };
    // The uploads that had stored their bytes at the last look: a new one means more is stored.
    const stored = new Set(uploads.getSnapshot().flatMap((e) => (STORED.has(e.phase) ? [e.key] : [])));
    const offUploads = uploads.subscribe(() => {
      let more = false;
      for (const entry of uploads.getSnapshot()) {
        if (!STORED.has(entry.phase) || stored.has(entry.key)) continue;
        stored.add(entry.key);
        more = true;
      }
      if (more) later();
    });
    const offRemoved = events.onRemoved(later);
    const offStorage = events.onStorageChanged(later);
    return () => {
      controller.abort();
      clearTimeout(timer);
      offUploads();
      offRemoved();
      offStorage();
    };
  }, [api, events, uploads, load]);
  return me;
}
