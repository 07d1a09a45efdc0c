import { z } from 'zod';
import { ValidationError } from './errors.js';
import { MediaKindSchema, MediaStatusSchema, TagNameSchema } from './media.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** An opaque cursor as it travels in URLs: base64url, bounded length. */
export const CursorSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9_-]+$/, 'malformed cursor');

/**
 * `GET /api/v1/media?kind=&status=&tag=&cursor=&limit=`. Query-string values arrive as strings,
 * so `limit` is coerced.
 */
export const ListQuerySchema = z.object({
  kind: MediaKindSchema.optional(),
  status: MediaStatusSchema.exclude(['trashed', 'deleted']).optional(),
  tag: TagNameSchema.optional(),
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;
export type ListQueryInput = z.input<typeof ListQuerySchema>;

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/**
 * What a cursor points at: the last key returned plus a fingerprint of the owner and filters it
 * was issued for. A cursor replayed with another owner or other filters is refused, so it can
 * never widen a query (each repository also scopes every read by owner).
 */
export interface CursorPosition {
  /** The sort key after which the next page starts (e.g. the last media id). */
  after: string;
  /** Free-form extra position data an adapter needs (e.g. a DynamoDB LastEvaluatedKey). */
  extra?: Record<string, string>;
}

const CursorPayloadSchema = z.object({
  v: z.literal(1),
  a: z.string().min(1).max(256),
  b: z.string().length(16),
  x: z.record(z.string(), z.string().max(512)).optional(),
});

/** Filters that a cursor is bound to (never the cursor or limit themselves). */
export interface CursorBinding {
  ownerId: string;
  kind?: string | undefined;
  status?: string | undefined;
  tag?: string | undefined;
  /**
   * What else the cursor belongs to, for listings other than the media list (e.g. one album's items
   * in one order). Absent for the media list, whose cursors it leaves unchanged.
   */
  scope?: string | undefined;
}

function fingerprint(binding: CursorBinding): string {
  // FNV-1a 64-bit over a canonical string: not a secret, just a check that the cursor is used for
  // the query it was made for. Owner scoping is enforced by the repository itself.
  const parts = [binding.ownerId, binding.kind ?? '', binding.status ?? '', binding.tag ?? ''];
  // Appended only when present, so cursors issued before `scope` existed still decode.
  if (binding.scope !== undefined) parts.push(binding.scope);
  const text = JSON.stringify(parts);
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** Encodes a position as an opaque, URL-safe cursor bound to the owner and filters. */
export function encodeCursor(position: CursorPosition, binding: CursorBinding): string {
  const payload: z.infer<typeof CursorPayloadSchema> = { v: 1, a: position.after, b: fingerprint(binding) };
  if (position.extra) payload.x = position.extra;
  return toBase64Url(JSON.stringify(payload));
}

/** Decodes a cursor; a malformed, foreign or mismatched one throws `ValidationError`. */
export function decodeCursor(cursor: string, binding: CursorBinding): CursorPosition {
  let payload: z.infer<typeof CursorPayloadSchema>;
  try {
    payload = CursorPayloadSchema.parse(JSON.parse(fromBase64Url(CursorSchema.parse(cursor))));
  } catch (cause) {
    throw new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }], { cause });
  }
  if (payload.b !== fingerprint(binding)) {
    throw new ValidationError('cursor does not belong to this query', [{ path: 'cursor', message: 'cursor does not belong to this query' }]);
  }
  return payload.x ? { after: payload.a, extra: payload.x } : { after: payload.a };
}
