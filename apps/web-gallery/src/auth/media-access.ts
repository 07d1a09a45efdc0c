/** What `POST /api/v1/media-access` answers: until when the cookies it set work, or null when media needs none. */
export interface MediaAccess {
  expiresAt: string | null;
}

export interface MediaAccessEnv {
  now(): number;
  setTimer(run: () => void, ms: number): () => void;
  /** Calls `listener` each time the page becomes visible again; returns how to stop. */
  onVisible(listener: () => void): () => void;
}

export function browserMediaAccessEnv(): MediaAccessEnv {
  return {
    now: () => Date.now(),
    setTimer: (run, ms) => {
      const id = window.setTimeout(run, ms);
      return () => window.clearTimeout(id);
    },
    onVisible: (listener) => {
      const changed = () => {
        if (document.visibilityState === 'visible') listener();
      };
      document.addEventListener('visibilitychange', changed);
      return () => document.removeEventListener('visibilitychange', changed);
    },
  };
}

/** After a failed refresh, when to try again: soon, but not in a loop. */
const RETRY_MS = 30_000;

/**
 * Keeps the browser's CloudFront media cookies fresh: asks for them once (`start`, awaited before
 * the library shows its first thumbnail), then again at half their lifetime, and at once when the
 * page becomes visible after that half passed (a sleeping tab's timers do not run). An answer of
 * `expiresAt: null` (the local server) means there is nothing to refresh.
 */
export class MediaAccessKeeper {
  private refreshAt: number | null = null;
  private cancelTimer: (() => void) | undefined;
  private readonly stopVisible: () => void;
  private stopped = false;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly grant: () => Promise<MediaAccess>,
    private readonly env: MediaAccessEnv,
  ) {
    this.stopVisible = env.onVisible(() => {
      if (this.refreshAt !== null && this.env.now() >= this.refreshAt) void this.refresh();
    });
  }

  /** The first grant; resolves once it settled, whether it worked or not (media then shows what it can). */
  start(): Promise<void> {
    return this.refresh();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.stopVisible();
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.grant()
      .then(
        (access) => this.schedule(access),
        () => this.retry(),
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private schedule(access: MediaAccess): void {
    if (this.stopped) return;
    this.cancelTimer?.();
    const expires = access.expiresAt === null ? Number.NaN : Date.parse(access.expiresAt);
    if (Number.isNaN(expires)) {
      this.refreshAt = null;
      return;
    }
    const now = this.env.now();
    const wait = Math.max(0, (expires - now) / 2);
    this.refreshAt = now + wait;
    this.cancelTimer = this.env.setTimer(() => void this.refresh(), wait);
  }

  private retry(): void {
    if (this.stopped) return;
    this.cancelTimer?.();
    this.refreshAt = this.env.now() + RETRY_MS;
    this.cancelTimer = this.env.setTimer(() => void this.refresh(), RETRY_MS);
  }
}
