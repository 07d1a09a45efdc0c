/** A part of a multipart upload: its number (from 1) and where its bytes lie in the file. */
export interface PartSpan {
  number: number;
  offset: number;
  length: number;
}

/** A part the store holds, as `GET /api/v1/uploads/{id}` lists it. */
export interface ReceivedPart {
  number: number;
  etag: string;
  size: number;
}

/** The parts of a file of `size` bytes cut into `partSize` pieces (the last one shorter). */
export function partSpans(size: number, partSize: number): PartSpan[] {
  const spans: PartSpan[] = [];
  for (let offset = 0, number = 1; offset < size; offset += partSize, number += 1) {
    spans.push({ number, offset, length: Math.min(partSize, size - offset) });
  }
  return spans;
}

/**
 * What is left of an upload: the parts the store holds whole (their etags go into the
 * completion) and the ones to send. A part held with another size than the file's is sent again.
 *
 * @example
 * planResume(partSpans(10, 4), [{ number: 1, etag: 'a', size: 4 }]);
 * // { done: [{ number: 1, etag: 'a' }], missing: [spans 2 and 3] }
 */
export function planResume(spans: readonly PartSpan[], received: readonly ReceivedPart[]): { done: { number: number; etag: string }[]; missing: PartSpan[] } {
  const held = new Map(received.map((p) => [p.number, p]));
  const done: { number: number; etag: string }[] = [];
  const missing: PartSpan[] = [];
  for (const span of spans) {
    const part = held.get(span.number);
    if (part !== undefined && part.size === span.length && part.etag !== '') done.push({ number: span.number, etag: part.etag });
    else missing.push(span);
  }
  return { done, missing };
}

/** Presigned URLs for some parts, as the start of an upload or `POST .../parts` gives them. */
export interface PartUrlBatch {
  parts: { number: number; url: string }[];
  expiresAt: string;
}

/** The most part numbers one `POST /api/v1/uploads/{id}/parts` may ask for. */
export const MAX_PART_URLS_PER_REQUEST = 100;

/**
 * The part URLs of one upload, asked for when needed: a URL missing, or lapsing within
 * `marginMs`, is fetched with the next parts still to send (up to `batch` numbers at a time), so
 * a long upload asks about once per hundred parts and never sends to a lapsed URL.
 */
export class PartUrls {
  private readonly urls = new Map<number, { url: string; expiresAt: number }>();
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly batch: number;

  constructor(
    private readonly fetchUrls: (numbers: number[]) => Promise<PartUrlBatch>,
    /** The numbers still to send, in the order they are sent. */
    private readonly pending: readonly number[],
    options: { initial?: PartUrlBatch | undefined; now?: () => number; marginMs?: number; batch?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.marginMs = options.marginMs ?? 60_000;
    this.batch = Math.min(options.batch ?? MAX_PART_URLS_PER_REQUEST, MAX_PART_URLS_PER_REQUEST);
    if (options.initial) this.add(options.initial);
  }

  /** A URL for part `number` that is good for at least the margin (or as long as the server gives). */
  async url(number: number): Promise<string> {
    const known = this.fresh(number);
    if (known !== undefined) return known;
    const from = Math.max(0, this.pending.indexOf(number));
    const numbers = [number, ...this.pending.slice(from).filter((n) => n !== number && this.fresh(n) === undefined)].slice(0, this.batch);
    this.add(await this.fetchUrls(numbers));
    const url = this.urls.get(number)?.url;
    if (url === undefined) throw new Error(`the server gave no URL for part ${number}`);
    return url;
  }

  /** Drops the URL of a part, e.g. after the store refused it, so that the next call asks anew. */
  forget(number: number): void {
    this.urls.delete(number);
  }

  private fresh(number: number): string | undefined {
    const known = this.urls.get(number);
    return known !== undefined && known.expiresAt - this.now() > this.marginMs ? known.url : undefined;
  }

  private add(batch: PartUrlBatch): void {
    const expiresAt = Date.parse(batch.expiresAt);
    for (const part of batch.parts) this.urls.set(part.number, { url: part.url, expiresAt });
  }
}
