import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, OwnerIdSchema } from '@mediaflow/domain';

/** Verifies a bearer token and says whose it is. Locally: HS256 tokens; in AWS: API Gateway's JWT authorizer. */
export interface Authenticator {
  /** The owner id the token belongs to; throws `ForbiddenError` for anything not valid. */
  authenticate(token: string): Promise<string>;
}

/** How many verified tokens are remembered (the oldest goes first). */
const VERIFIED_TOKENS = 1000;

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export interface LocalTokenOptions {
  /** At least 32 bytes of secret; generated once per data directory by the local server. */
  secret: Buffer;
  issuer?: string;
  audience?: string;
  /** Token lifetime; local tokens are long-lived by default (a year). */
  ttlSeconds?: number;
  now?: () => Date;
}

/**
 * HS256 JSON Web Tokens for local users. Verification is strict: the header must say exactly
 * `{"alg":"HS256","typ":"JWT"}` (so `alg: none` and algorithm confusion fail), the signature is
 * compared in constant time, and `iss`, `aud`, `exp` and `sub` are all required.
 */
export class LocalTokens implements Authenticator {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly ttlSeconds: number;
  private readonly now: () => Date;
  /**
   * Tokens already verified, with their owner and expiry: a client sends the same token on every
   * request, and re-checking the signature each time is pure cost. Only exact token strings that
   * passed every check get here; expiry is still checked on each use.
   */
  private readonly verified = new Map<string, { ownerId: string; expiresAtMs: number }>();

  constructor(private readonly options: LocalTokenOptions) {
    if (options.secret.length < 32) throw new Error('the token secret must be at least 32 bytes');
    this.issuer = options.issuer ?? 'mediaflow-local';
    this.audience = options.audience ?? 'mediaflow';
    this.ttlSeconds = options.ttlSeconds ?? 365 * 24 * 3600;
    this.now = options.now ?? (() => new Date());
  }

  static generateSecret(): Buffer {
    return randomBytes(32);
  }

  issue(ownerId: string): string {
    OwnerIdSchema.parse(ownerId);
    const iat = Math.floor(this.now().getTime() / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ sub: ownerId, iss: this.issuer, aud: this.audience, iat, exp: iat + this.ttlSeconds }));
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  async authenticate(token: string): Promise<string> {
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (known.expiresAtMs > this.now().getTime()) return known.ownerId;
      this.verified.delete(token);
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
    const sub = OwnerIdSchema.safeParse(claims['sub']);
    if (!sub.success) throw new ForbiddenError('token has no valid subject');
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { ownerId: sub.data, expiresAtMs: exp * 1000 });
    return sub.data;
  }

  private sign(input: string): string {
    return createHmac('sha256', this.options.secret).update(input).digest('base64url');
  }
}
