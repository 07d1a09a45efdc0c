import { useCallback, useState, type Dispatch, type SetStateAction } from 'react';
import { ApiError } from '../api/client';

export interface Action {
  /** True while an action runs (buttons that start one are disabled). */
  busy: boolean;
  setBusy: Dispatch<SetStateAction<boolean>>;
  /** The last action's failure, as the person is told it. */
  error: string | null;
  setError: Dispatch<SetStateAction<string | null>>;
  /**
   * Runs `what` with `busy` set and the error cleared; a failure becomes the error: the API
   * problem's detail, else `failure`. Never rejects.
   */
  run: (what: () => Promise<void>, failure: string) => Promise<void>;
}

/** The busy flag and error message of a component's actions (save, delete, remove…), one at a time. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (what: () => Promise<void>, failure: string) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : failure);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, setBusy, error, setError, run };
}
