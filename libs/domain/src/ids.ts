import { ulid } from 'ulid';
import { z } from 'zod';

/** Crockford base32, 26 characters, the first one at most 7 (48-bit timestamp). */
export const UlidSchema = z.string().regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, 'must be a ULID');
export type Ulid = z.infer<typeof UlidSchema>;

/**
 * An owner id comes from a verified token (a Cognito `sub`, a local user name). It becomes part of
 * object keys and table keys, so only characters that are safe in both are allowed.
 */
export const OwnerIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'owner id may contain letters, digits, "_", "." and "-" only')
  .refine((v) => !v.includes('..'), 'owner id may not contain ".."');
export type OwnerId = z.infer<typeof OwnerIdSchema>;

export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');

/** Port: where new ids come from (ULIDs, so keys and listings sort by creation time). */
export interface IdGenerator {
  next(): string;
}

/** Port: the current time; injected so that tests and replays are deterministic. */
export interface Clock {
  now(): Date;
}

export const ulidGenerator: IdGenerator = { next: () => ulid() };
export const systemClock: Clock = { now: () => new Date() };

/** The creation time encoded in a ULID. */
export function ulidTime(id: string): Date {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let ms = 0;
  for (const ch of id.slice(0, 10)) ms = ms * 32 + alphabet.indexOf(ch);
  return new Date(ms);
}
