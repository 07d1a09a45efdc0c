import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data directory's master secret (created on first use, readable only by its owner), and the
 * per-purpose keys derived from it, so a token key can never verify an upload URL or the reverse.
 */
export function loadSecrets(dataDir: string): { tokenKey: Buffer; presignKey: Buffer; shareKey: Buffer } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'secret.key');
  let master: Buffer;
  try {
    master = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  } catch {
    master = randomBytes(32);
    // `wx`: if another process created it meanwhile, fail and read theirs instead.
    try {
      writeFileSync(file, `${master.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      master = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    }
  }
  if (master.length < 32) throw new Error(`${file} does not hold a 32-byte secret`);
  const derive = (purpose: string) => createHmac('sha256', master).update(purpose).digest();
  // shareKey signs share links' password unlocks and the visitors' media grants.
  return { tokenKey: derive('mediaflow/tokens'), presignKey: derive('mediaflow/presign'), shareKey: derive('mediaflow/share-links') };
}
