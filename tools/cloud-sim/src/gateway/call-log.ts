/** Calls through the gateway per caller and action, for the stage's end-of-run report. */
export interface CallCount {
  /** The access key id, or `anonymous` for unsigned requests. */
  accessKeyId: string;
  /** The role session (`<roleArn>/<session>`) or `anonymous`. */
  principal: string;
  action: string;
  allowed: number;
  denied: number;
}

export class GatewayCallLog {
  private readonly counts = new Map<string, CallCount>();

  record(accessKeyId: string, principal: string, action: string, allowed: boolean): void {
    const key = `${accessKeyId}\u0000${action}`;
    let count = this.counts.get(key);
    if (count === undefined) {
      count = { accessKeyId, principal, action, allowed: 0, denied: 0 };
      this.counts.set(key, count);
    }
    if (allowed) count.allowed += 1;
    else count.denied += 1;
  }

  /** Sorted by principal, then action. */
  entries(): CallCount[] {
    return [...this.counts.values()]
      .map((count) => ({ ...count }))
      .sort((a, b) => a.principal.localeCompare(b.principal) || a.action.localeCompare(b.action));
  }

  /** One line per principal and action: `allowed  denied  action  principal`. */
  format(): string {
    return this.entries()
      .map((c) => `${String(c.allowed).padStart(6)} ${String(c.denied).padStart(6)}  ${c.action}  ${c.principal}`)
      .join('\n');
  }
}
