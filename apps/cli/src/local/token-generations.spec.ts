import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTokenGenerations, localTokens, TOKEN_GENERATIONS_DIR } from './token-generations.js';

describe('token generations in the data directory', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mf-gens-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('start at 0, move on with each revocation, and are kept private like the secret', () => {
    const generations = new FileTokenGenerations(dataDir);
    expect(generations.current('alice')).toBe(0);
    expect(generations.revoke('alice')).toBe(1);
    expect(generations.revoke('alice')).toBe(2);
    expect(generations.current('alice')).toBe(2);
    expect(generations.current('bob')).toBe(0);
    expect(new FileTokenGenerations(dataDir).current('alice')).toBe(2);
    expect(readFileSync(join(dataDir, TOKEN_GENERATIONS_DIR, 'alice'), 'utf8')).toBe('2\n');
    if (process.platform !== 'win32') {
      expect(statSync(join(dataDir, TOKEN_GENERATIONS_DIR)).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, TOKEN_GENERATIONS_DIR, 'alice')).mode & 0o777).toBe(0o600);
    }
  });

  it('reach a reader in another process once its short cache lapses', () => {
    let now = 1_000_000;
    const server = new FileTokenGenerations(dataDir, { now: () => now });
    expect(server.current('alice')).toBe(0);
    new FileTokenGenerations(dataDir).revoke('alice');
    now += 999;
    expect(server.current('alice')).toBe(0);
    now += 1;
    expect(server.current('alice')).toBe(1);
  });

  it('refuse (fail closed) when a generation file holds something else, and keep other ids out of the path', () => {
    mkdirSync(join(dataDir, TOKEN_GENERATIONS_DIR));
    writeFileSync(join(dataDir, TOKEN_GENERATIONS_DIR, 'alice'), 'zero');
    const generations = new FileTokenGenerations(dataDir);
    expect(() => generations.current('alice')).toThrow('does not hold a token generation');
    expect(() => generations.revoke('../secret.key')).toThrow('not a local owner id');
    expect(() => generations.current('-alice')).toThrow('not a local owner id');
  });

  it('keeps the owner of a library made before owner ids were folded (Alice), and makes no second id beside it', async () => {
    mkdirSync(join(dataDir, 'objects', 'originals', 'Alice'), { recursive: true });
    const { tokens, generations } = localTokens(dataDir);
    // Any spelling of the name is that owner: "alice" can no longer become a second library.
    expect(tokens.ownerFor('alice')).toBe('Alice');
    expect(tokens.ownerFor('ALICE')).toBe('Alice');
    const earlier = tokens.issue('Alice');
    await expect(tokens.authenticate(earlier)).resolves.toEqual({ ownerId: 'Alice', roles: [] });
    await expect(tokens.authenticate(tokens.issue('alice'))).resolves.toEqual({ ownerId: 'Alice', roles: [] });
    generations.revoke('Alice');
    await expect(tokens.authenticate(earlier)).rejects.toThrow('token revoked');
    // New users get folded ids, in this data directory and in one without that library.
    expect(tokens.ownerFor('Bob')).toBe('bob');
    const other = localTokens(mkdtempSync(join(tmpdir(), 'mf-gens-other-'))).tokens;
    expect(other.ownerFor('Alice')).toBe('alice');
  });

  it('end every earlier token of a user for the data directory\'s tokens, and only theirs', async () => {
    const { tokens, generations } = localTokens(dataDir);
    const alices = tokens.issue('alice');
    const bobs = tokens.issue('bob');
    await expect(tokens.authenticate(alices)).resolves.toEqual({ ownerId: 'alice', roles: [] });
    generations.revoke('alice');
    await expect(tokens.authenticate(alices)).rejects.toThrow('token revoked');
    await expect(tokens.authenticate(bobs)).resolves.toEqual({ ownerId: 'bob', roles: [] });
    await expect(tokens.authenticate(tokens.issue('alice'))).resolves.toEqual({ ownerId: 'alice', roles: [] });
  });
});
