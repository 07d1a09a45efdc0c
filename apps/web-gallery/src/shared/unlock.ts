import type { ShareUnlocked } from '../api/types';

/** Where a link's unlock is kept: this tab's sessionStorage, so a password is asked once per visit. */
export type UnlockStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const key = (token: string) => `mediaflow.share-unlock.${token}`;

/** The unlock of `token`'s link from an earlier password, unless it has expired (or was never kept). */
export function storedUnlock(storage: UnlockStorage, token: string, now = Date.now()): string | null {
  const raw = storage.getItem(key(token));
  if (!raw) return null;
  try {
    const kept = JSON.parse(raw) as Partial<ShareUnlocked>;
    if (typeof kept.unlock === 'string' && typeof kept.expiresAt === 'string' && Date.parse(kept.expiresAt) > now) return kept.unlock;
  } catch {
    // Not ours, or damaged: asked for again.
  }
  storage.removeItem(key(token));
  return null;
}

export function keepUnlock(storage: UnlockStorage, token: string, unlock: ShareUnlocked): void {
  storage.setItem(key(token), JSON.stringify({ unlock: unlock.unlock, expiresAt: unlock.expiresAt }));
}

export function forgetUnlock(storage: UnlockStorage, token: string): void {
  storage.removeItem(key(token));
}
