import { randomBytes, randomInt } from 'node:crypto';

/** The role session a set of credentials stands for. */
export interface SessionPrincipal {
  roleArn: string;
  sessionName: string;
}

/** What a function process receives, in the shape STS would hand out. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** What the gateway knows about an access key id it issued. */
export interface CredentialRecord extends SessionPrincipal, IssuedCredentials {}

export interface CredentialRegistryOptions {
  /** How long issued credentials stay valid; STS's default for a role session is one hour. */
  lifetimeSeconds?: number;
  now?: () => Date;
}

// Access key ids are upper-case letters and the digits 2-7 (base32), as AWS spells them.
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

/**
 * Hands out role session credentials for the stage's function processes and resolves an access key
 * id back to its role session when a signed request arrives at the gateway.
 *
 * @example
 * const registry = new CredentialRegistry();
 * const creds = registry.issue({ roleArn: fn.roleArn, sessionName: fn.name });
 * registry.lookup(creds.accessKeyId)?.roleArn; // fn.roleArn
 */
export class CredentialRegistry {
  private readonly records = new Map<string, CredentialRecord>();
  private readonly lifetimeMs: number;
  private readonly now: () => Date;

  constructor(options: CredentialRegistryOptions = {}) {
    this.lifetimeMs = (options.lifetimeSeconds ?? 3600) * 1000;
    this.now = options.now ?? (() => new Date());
  }

  issue(principal: SessionPrincipal): IssuedCredentials {
    let accessKeyId: string;
    do accessKeyId = `ASIA${randomString(KEY_ID_ALPHABET, 16)}`;
    while (this.records.has(accessKeyId));
    const issued: IssuedCredentials = {
      accessKeyId,
      secretAccessKey: randomString(SECRET_ALPHABET, 40),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(this.now().getTime() + this.lifetimeMs),
    };
    this.records.set(accessKeyId, { roleArn: principal.roleArn, sessionName: principal.sessionName, ...issued });
    return { ...issued };
  }

  lookup(accessKeyId: string): CredentialRecord | undefined {
    const record = this.records.get(accessKeyId);
    return record === undefined ? undefined : { ...record };
  }

  /** Forgets the credentials, as if the session had been revoked; later calls with them are refused. */
  revoke(accessKeyId: string): boolean {
    return this.records.delete(accessKeyId);
  }
}
