/** Where the reason for a sign-out waits for the sign-in page across a hosted sign-out's redirects. */
const NOTICE_KEY = 'mediaflow.signOutNotice';

type NoticeStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const tabStorage = (): NoticeStorage | null => (typeof sessionStorage === 'undefined' ? null : sessionStorage);

/**
 * Keeps `notice` for the sign-in page in this tab's sessionStorage: a hosted (Cognito) sign-out
 * leaves the page, and the session's own notice with it.
 */
export function rememberSignOutNotice(notice: string, storage: NoticeStorage | null = tabStorage()): void {
  try {
    storage?.setItem(NOTICE_KEY, notice);
  } catch {
    // Storage refused (a private window's quota): only the notice is lost, the sign-out goes on.
  }
}

/** The notice kept by {@link rememberSignOutNotice}, if any. */
export function storedSignOutNotice(storage: NoticeStorage | null = tabStorage()): string | null {
  try {
    return storage?.getItem(NOTICE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Forgets the kept notice once the sign-in page has shown it. */
export function clearSignOutNotice(storage: NoticeStorage | null = tabStorage()): void {
  try {
    storage?.removeItem(NOTICE_KEY);
  } catch {
    // Nothing was kept, then.
  }
}
