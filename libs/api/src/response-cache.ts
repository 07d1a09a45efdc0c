import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type ContentCoding = 'br' | 'gzip' | 'identity';

/** One serialised JSON response, with its compressed forms made on demand. */
export interface CachedResponse {
  etag: string;
  body: Buffer;
  encoded: Partial<Record<Exclude<ContentCoding, 'identity'>, Buffer>>;
}

/** Below this, compressing costs more than the bytes it saves. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * Picks the response coding from `Accept-Encoding`: brotli, then gzip, else none. A coding with
 * `q=0` is refused; other weights are not ranked (every browser sends both without weights).
 */
export function negotiateCoding(acceptEncoding: string | undefined): ContentCoding {
  if (!acceptEncoding) return 'identity';
  const accepted = new Set<string>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) === 0) continue;
    accepted.add(name.trim());
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return 'identity';
}

/** True when an `If-None-Match` header names `etag` (or is `*`). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}

/**
 * An in-process LRU of serialised JSON responses (an owner's list pages and tag counts), bounded by
 * bytes. Keys carry the owner's repository revision, so a write by any process makes the next
 * request miss; stale entries are never served, they only age out. Compressed forms are made on a
 * second hit, so pages read once (a cursor walk) never pay for compression.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse & { hits: number; size: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** Bytes held, compressed forms included. */
  get size(): number {
    return this.bytes;
  }

  /** The cached response for `key`, or the one `produce` makes (and caches). */
  async get(key: string, produce: () => Promise<unknown>): Promise<CachedResponse> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      hit.hits += 1;
      return hit;
    }
    const body = Buffer.from(JSON.stringify(await produce()));
    const etag = `W/"${createHash('sha1').update(key).digest('base64url')}"`;
    const entry = { etag, body, encoded: {}, hits: 0, size: body.byteLength };
    this.add(key, entry);
    return entry;
  }

  /** The body in `coding` when the entry has been asked for before and is worth compressing. */
  encode(key: string, entry: CachedResponse, coding: ContentCoding): { body: Buffer; coding: ContentCoding } {
    if (coding === 'identity' || entry.body.byteLength < COMPRESS_FROM_BYTES) return { body: entry.body, coding: 'identity' };
    const ready = entry.encoded[coding];
    if (ready !== undefined) return { body: ready, coding };
    const live = this.entries.get(key);
    if (live !== entry || live.hits === 0) return { body: entry.body, coding: 'identity' };
    const encoded =
      coding === 'br'
        ? brotliCompressSync(entry.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: entry.body.byteLength } })
        : gzipSync(entry.body, { level: 6 });
    live.encoded[coding] = encoded;
    live.size += encoded.byteLength;
    this.bytes += encoded.byteLength;
    this.evict();
    return { body: encoded, coding };
  }

  private add(key: string, entry: CachedResponse & { hits: number; size: number }): void {
    if (entry.size > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.size;
    this.evict();
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      this.entries.delete(key);
      this.bytes -= entry.size;
    }
  }
}
