/** Where recent searches are kept: local storage, or nothing where the browser refuses it. */
export type RecentStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const MAX_RECENT = 8;

/** Case and accents folded, spaces trimmed: "Café " and "cafe" are the same search. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
}

/**
 * The last searches of one person in this browser, newest first, without repeats. Storage that
 * throws (private browsing, a full quota) just means no history.
 */
export class RecentSearches {
  constructor(
    private readonly storage: RecentStorage | null,
    private readonly key: string,
  ) {}

  list(): string[] {
    try {
      const parsed: unknown = JSON.parse(this.storage?.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      return [];
    }
  }

  /** Puts a search first (moving it if it was there); returns the new list. */
  add(text: string): string[] {
    const q = text.trim();
    if (!q) return this.list();
    const next = [q, ...this.list().filter((r) => fold(r) !== fold(q))].slice(0, MAX_RECENT);
    try {
      this.storage?.setItem(this.key, JSON.stringify(next));
    } catch {
      // Not kept: the search itself still ran.
    }
    return next;
  }

  clear(): void {
    try {
      this.storage?.removeItem(this.key);
    } catch {
      // Nothing to clear where nothing could be stored.
    }
  }
}

/** This browser's local storage, or null where reading it throws. */
export function browserStorage(): RecentStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
