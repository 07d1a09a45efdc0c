import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isLocalOwnerId, LocalTokens, type TokenGenerations } from '@mediaflow/api';
import { OwnerIdSchema } from '@mediaflow/domain';
import { loadSecrets } from './secrets.js';

/** Where the generations live in the data directory: one small file per user ever revoked. */
export const TOKEN_GENERATIONS_DIR = 'token-generations';

/**
 * How long a running server trusts a generation it read: a revocation made by `mediaflow token
 * --revoke` (another process) reaches it within this time, while a user's requests cost at most
 * one small read of the disk per interval.
 */
export const GENERATION_CACHE_MS = 1000;

export interface FileTokenGenerationsOptions {
  cacheMs?: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

/**
 * The users' token generations in the data directory, beside its secret and as private (the
 * directory 0700, each file 0600): `token-generations/{ownerId}` holds the number, and a user with
 * no file is in generation 0. One file per user, written whole and renamed into place, so readers
 * never see half a number and revoking two users at once loses neither; two revocations of one
 * user at the same moment both end every token issued before them.
 */
export class FileTokenGenerations implements TokenGenerations {
  private readonly dir: string;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private readonly known = new Map<string, { generation: number; readAtMs: number }>();

  constructor(dataDir: string, options: FileTokenGenerationsOptions = {}) {
    this.dir = join(dataDir, TOKEN_GENERATIONS_DIR);
    this.cacheMs = options.cacheMs ?? GENERATION_CACHE_MS;
    this.now = options.now ?? Date.now;
  }

  current(ownerId: string): number {
    const known = this.known.get(ownerId);
    const now = this.now();
    if (known !== undefined && now - known.readAtMs < this.cacheMs) return known.generation;
    const generation = this.read(ownerId);
    this.known.set(ownerId, { generation, readAtMs: now });
    return generation;
  }

  /** Moves the user to the next generation, which every earlier token of theirs is not; returns it. */
  revoke(ownerId: string): number {
    const generation = this.read(ownerId) + 1;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(ownerId);
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, `${generation}\n`, { mode: 0o600, flag: 'wx' });
      renameSync(temp, file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    this.known.set(ownerId, { generation, readAtMs: this.now() });
    return generation;
  }

  private read(ownerId: string): number {
    let text: string;
    try {
      text = readFileSync(this.file(ownerId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    // A file that is not a number refuses the user's tokens (fail closed) until it is fixed.
    if (!/^\d{1,15}\n?$/.test(text)) throw new Error(`${this.file(ownerId)} does not hold a token generation`);
    return Number(text.trim());
  }

  private file(ownerId: string): string {
    // Owner ids come from verified tokens, folded user names or earlier owners' libraries; this keeps any other out of the path.
    if (!isLocalOwnerId(ownerId) && !OwnerIdSchema.safeParse(ownerId).success) throw new Error(`"${ownerId}" is not a local owner id`);
    return join(this.dir, ownerId);
  }
}

/**
 * The local tokens of a data directory: its token key, and its users' generations so that a
 * revocation holds for every process that issues or checks them.
 */
export function localTokens(dataDir: string, options: { ttlSeconds?: number } = {}): { tokens: LocalTokens; generations: FileTokenGenerations } {
  const { tokenKey } = loadSecrets(dataDir);
  const generations = new FileTokenGenerations(dataDir);
  return { tokens: new LocalTokens({ secret: tokenKey, generations, knownOwner: (name) => ownerWithLibrary(dataDir, name), ...options }), generations };
}

/**
 * The owner whose originals are stored under `name` regardless of case (`objects/originals/{owner}/`),
 * if one is: a library made before local owner ids were folded to lower case keeps its owner id.
 */
export function ownerWithLibrary(dataDir: string, name: string): string | undefined {
  let owners: string[];
  try {
    owners = readdirSync(join(dataDir, 'objects', 'originals'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const wanted = name.toLowerCase();
  // An exact match first: on a case-sensitive filesystem two earlier owners may differ only in case.
  return owners.find((owner) => owner === name) ?? owners.find((owner) => owner.toLowerCase() === wanted);
}
