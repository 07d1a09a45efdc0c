import { useEffect, useState, type ReactNode } from 'react';
import { useServices } from '../app/services';
import { browserMediaAccessEnv, MediaAccessKeeper, type MediaAccessEnv } from './media-access';

/**
 * Shows `children` once this browser holds the signed-in owner's media cookies (so the first
 * thumbnails do not fail), and keeps them fresh while mounted. One per signed-in owner: a new
 * owner gets cookies of their own, while a renewed token of the same owner keeps the page as it is.
 */
export function MediaAccessGate({ owner, children, env }: { owner: string; children: ReactNode; env?: MediaAccessEnv }) {
  const { api } = useServices();
  const [readyFor, setReadyFor] = useState<string | null>(null);
  useEffect(() => {
    const keeper = new MediaAccessKeeper(() => api.mediaAccess(), env ?? browserMediaAccessEnv());
    let current = true;
    void keeper.start().then(() => current && setReadyFor(owner));
    return () => {
      current = false;
      keeper.stop();
    };
  }, [api, owner, env]);
  if (readyFor !== owner) return <main id="main" className="page"><div className="spinner" aria-label="Loading your library" /></main>;
  return <>{children}</>;
}
