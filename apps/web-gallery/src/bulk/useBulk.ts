import { useCallback, useState } from 'react';
import { ApiError } from '../api/client';
import type { BulkAction, BulkResult } from '../api/types';
import { useServices } from '../app/services';
import { bulkSummary, itemName } from './summary';

/** What the person is told after an action, and what they may do about it. */
export interface Notice {
  text: string;
  tone: 'done' | 'failed';
  /** Takes the action back (e.g. restores what was just moved to the trash). */
  undo?: (() => void) | undefined;
}

export interface BulkRun {
  /** The action under way, null when none (buttons that start one are disabled). */
  busy: BulkAction | null;
  notice: Notice | null;
  setNotice: (notice: Notice | null) => void;
  /**
   * Runs one action on the items: one `POST /api/v1/media/bulk` per 500 of them (25 for `delete`).
   * Resolves to the outcome (null when the request itself failed) and leaves a notice that says
   * how it went.
   */
  run: (action: BulkAction, items: readonly BulkTarget[], extra?: { tags?: string[]; albumId?: string }) => Promise<BulkResult | null>;
  /** Offers to take the last action back, beside its notice. */
  offerUndo: (undo: () => void) => void;
}

/** An item an action is about: its id, its name for the notice, and its status where known. */
export type BulkTarget = { id: string; title?: string | null | undefined; filename: string; status?: string | undefined };

/**
 * The items still uploading: moved to the trash, the server deletes them for good instead (an
 * upload in flight has nothing to keep), so they are never in a trash action's Undo.
 */
export function stillUploading(items: readonly BulkTarget[]): Set<string> {
  return new Set(items.filter((i) => i.status === 'uploading').map((i) => i.id));
}

/** Bulk actions on a selection, one at a time, with a notice of each outcome. */
export function useBulk(): BulkRun {
  const { api } = useServices();
  const [busy, setBusy] = useState<BulkAction | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const run = useCallback(
    async (action: BulkAction, items: readonly BulkTarget[], extra: { tags?: string[]; albumId?: string } = {}) => {
      if (items.length === 0) return null;
      setBusy(action);
      setNotice(null);
      try {
        const result = await api.bulkMedia({ ids: items.map((i) => i.id), action, ...extra });
        const summary = bulkSummary(action, result, new Map(items.map((i) => [i.id, itemName(i)])), extra.tags, stillUploading(items));
        setNotice({ text: summary.text, tone: summary.failed ? 'failed' : 'done' });
        return result;
      } catch (e) {
        setNotice({ text: e instanceof ApiError ? e.detail : 'Something went wrong. Nothing was changed.', tone: 'failed' });
        return null;
      } finally {
        setBusy(null);
      }
    },
    [api],
  );
  const offerUndo = useCallback((undo: () => void) => setNotice((current) => (current ? { ...current, undo } : current)), []);
  return { busy, notice, setNotice, run, offerUndo };
}

/** The ids an action succeeded for. */
export function succeededIds(result: BulkResult): Set<string> {
  return new Set(result.results.filter((r) => r.ok).map((r) => r.id));
}
