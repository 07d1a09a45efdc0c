import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, OwnerIdSchema, rolesOf, ValidationError, type Principal, type Role } from '@mediaflow/domain';

/** Verifies a bearer token and says whose it is. Locally: HS256 tokens; in AWS: API Gateway's JWT authorizer. */
export interface Authenticator {
  /** Whose token it is (owner id and roles); throws `ForbiddenError` for anything not valid. */
  authenticate(token: string): Promise<Principal>;
}

/**
 * Where the current generation of each local user's tokens is kept. Every token carries the
 * generation it was issued in and is valid only while that is still the user's current one, so
 * moving a user to the next generation revokes all of their earlier tokens at once.
 */
export interface TokenGenerations {
  /** The current generation of `ownerId`'s tokens: 0 for a user never revoked. */
  current(ownerId: string): number;
}

/** Tokens that cannot be revoked: every user stays in generation 0. */
const NO_REVOCATION: TokenGenerations = { current: () => 0 };

/** How many verified tokens are remembered (the oldest goes first). */
const VERIFIED_TOKENS = 1000;

/** The default lifetime of a local token: long enough for a month of use, short enough to lapse. */
export const DEFAULT_LOCAL_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * The owner ids local users get. Each names folders of the object store, which a case-insensitive
 * filesystem (macOS, Windows) treats as one when ids differ only in case, and Windows also when they
 * differ by trailing dots or name a device (`con`, `nul`, `com1`...). So a local id is lower case,
 * starts and ends with a letter or digit, and is no device name: two different ids are two folders
 * everywhere.
 */
const LOCAL_OWNER_ID = /^[a-z0-9](?:[a-z0-9_.-]*[a-z0-9])?$/;
const WINDOWS_DEVICE_NAME = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)/;

/** True when `ownerId` is a local owner id exactly as {@link localOwnerId} makes them. */
export function isLocalOwnerId(ownerId: string): boolean {
  return OwnerIdSchema.safeParse(ownerId).success && LOCAL_OWNER_ID.test(ownerId) && !WINDOWS_DEVICE_NAME.test(ownerId);
}

/**
 * The owner id of a local user name: the name in lower case, so `Alice` and `alice` are one user
 * (and one folder) on every filesystem. Throws `ValidationError` for a name that cannot be one.
 *
 * @example
 * localOwnerId('Alice'); // 'alice'
 * localOwnerId('alice.'); // throws: a trailing dot is dropped by Windows, making it "alice"
 */
export function localOwnerId(name: string): string {
  // Checked before folding: some non-ASCII letters fold to ASCII ones (the Kelvin sign to "k").
  const folded = OwnerIdSchema.safeParse(name).success ? name.toLowerCase() : undefined;
  if (folded === undefined || !isLocalOwnerId(folded)) {
    throw new ValidationError(
      `"${name}" is not a valid user name: letters, digits, "_", "." and "-", starting and ending with a letter or digit, and not a device name such as "con" or "nul"`,
      [{ path: 'user', message: 'invalid' }],
    );
  }
  return folded;
}

export interface LocalTokenOptions {
  /** At least 32 bytes of secret; generated once per data directory by the local server. */
  secret: Buffer;
  issuer?: string;
  audience?: string;
  /** Token lifetime; {@link DEFAULT_LOCAL_TOKEN_TTL_SECONDS} (30 days) by default. */
  ttlSeconds?: number;
  /** The users' current token generations; without it tokens cannot be revoked. */
  generations?: TokenGenerations;
  /**
   * The owner that already has a library under `name`, matched regardless of case, if any. Ids
   * made before local ids were folded (`Alice`) keep their library and their tokens: a name that
   * matches one is that owner, so no second id differing only in case can ever be made beside it.
   */
  knownOwner?: (name: string) => string | undefined;
  now?: () => Date;
}

/**
 * HS256 JSON Web Tokens for local users. Verification is strict: the header must say
 * `"alg":"HS256"` (so `alg: none` and algorithm confusion fail), the signature is compared in
 * constant time, `iss`, `aud`, `exp` and `sub` are all required, `sub` is a local owner id exactly
 * as {@link localOwnerId} makes them (or an earlier owner with a library, `knownOwner`), and `gen`
 * is the user's current token generation.
 */
export class LocalTokens implements Authenticator {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly ttlSeconds: number;
  private readonly generations: TokenGenerations;
  private readonly now: () => Date;
  /**
   * Tokens already verified, with their owner, generation and expiry: a client sends the same
   * token on every request, and re-checking the signature each time is pure cost. Only exact
   * token strings that passed every check get here; expiry and generation are still checked on
   * each use, so a revocation reaches remembered tokens too.
   */
  private readonly verified = new Map<string, { principal: Principal; generation: number; expiresAtMs: number }>();

  constructor(private readonly options: LocalTokenOptions) {
    if (options.secret.length < 32) throw new Error('the token secret must be at least 32 bytes');
    this.issuer = options.issuer ?? 'mediaflow-local';
    this.audience = options.audience ?? 'mediaflow';
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_LOCAL_TOKEN_TTL_SECONDS;
    this.generations = options.generations ?? NO_REVOCATION;
    this.now = options.now ?? (() => new Date());
  }

  static generateSecret(): Buffer {
    return randomBytes(32);
  }

  /**
   * The owner id of the local user `name`: the owner that already has a library under that name
   * regardless of case, else the name folded by {@link localOwnerId}. Throws `ValidationError` for
   * a name that cannot be a user.
   */
  ownerFor(name: string): string {
    const known = this.options.knownOwner?.(name);
    return known !== undefined && OwnerIdSchema.safeParse(known).success ? known : localOwnerId(name);
  }

  /**
   * A token for the local user `name` (its owner id by {@link ownerFor}), in the user's current
   * generation, with the `roles` claim when given any (`moderator`). Throws `ValidationError` for a
   * name that cannot be a user.
   */
  issue(name: string, options: { roles?: readonly Role[] } = {}): string {
    const sub = this.ownerFor(name);
    const iat = Math.floor(this.now().getTime() / 1000);
    const gen = this.generations.current(sub);
    const roles = rolesOf(options.roles ?? []);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const claims = { sub, iss: this.issuer, aud: this.audience, iat, exp: iat + this.ttlSeconds, gen, ...(roles.length > 0 ? { roles } : {}) };
    const payload = b64url(JSON.stringify(claims));
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  async authenticate(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (known.expiresAtMs <= this.now().getTime()) {
        this.verified.delete(token);
      } else {
        this.checkGeneration(known.principal.ownerId, known.generation);
        return known.principal;
      }
    }
    const parts = token.split('.');
    if (parts.length !== 3) throw new ForbiddenError('malformed token');
    const [header, payload, signature] = parts as [string, string, string];
    let head: unknown;
    let claims: Record<string, unknown>;
    try {
      head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new ForbiddenError('malformed token');
    }
    if (typeof head !== 'object' || head === null || (head as Record<string, unknown>)['alg'] !== 'HS256') {
      throw new ForbiddenError('unsupported token algorithm');
    }
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new ForbiddenError('bad token signature');
    if (claims['iss'] !== this.issuer) throw new ForbiddenError('wrong token issuer');
    if (claims['aud'] !== this.audience) throw new ForbiddenError('wrong token audience');
    const exp = claims['exp'];
    if (typeof exp !== 'number' || exp * 1000 <= this.now().getTime()) throw new ForbiddenError('token expired');
    const sub = claims['sub'];
    // Tokens issued before owner ids were folded may name `Alice`: still valid while that owner's library is there.
    if (typeof sub !== 'string' || !(isLocalOwnerId(sub) || (OwnerIdSchema.safeParse(sub).success && this.options.knownOwner?.(sub) === sub))) throw new ForbiddenError('token has no valid subject');
    // Tokens issued before generations existed are of generation 0, valid until the first revocation.
    const gen = claims['gen'] ?? 0;
    if (typeof gen !== 'number' || !Number.isSafeInteger(gen) || gen < 0) throw new ForbiddenError('malformed token');
    const roles = claims['roles'] ?? [];
    if (!Array.isArray(roles)) throw new ForbiddenError('malformed token');
    this.checkGeneration(sub, gen);
    const principal: Principal = { ownerId: sub, roles: rolesOf(roles) };
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { principal, generation: gen, expiresAtMs: exp * 1000 });
    return principal;
  }

  private checkGeneration(ownerId: string, generation: number): void {
    if (generation !== this.generations.current(ownerId)) throw new ForbiddenError('token revoked');
  }

  private sign(input: string): string {
    return createHmac('sha256', this.options.secret).update(input).digest('base64url');
  }
}
