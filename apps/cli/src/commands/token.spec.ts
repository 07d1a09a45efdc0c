import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localTokens } from '../local/token-generations.js';
import { captureIo } from '../testing.js';
import { tokenCommand } from './token.js';

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub: string; iat: number; exp: number; gen: number };

describe('mediaflow token', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mf-token-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = async (...args: string[]) => {
    const io = captureIo();
    const code = await tokenCommand.run([...args, '--data-dir', dataDir], io);
    return { code, out: io.out().trim(), err: io.err() };
  };

  it('issues a token that lasts 30 days, or --days N', async () => {
    const standard = await run('--user', 'alice');
    expect(standard.code).toBe(0);
    const claims = claimsOf(standard.out);
    expect(claims.sub).toBe('alice');
    expect(claims.exp - claims.iat).toBe(30 * 24 * 3600);
    const week = claimsOf((await run('--user', 'alice', '--days', '7')).out);
    expect(week.exp - week.iat).toBe(7 * 24 * 3600);
    for (const days of ['0', '366', '1.5', 'ten', '-1']) {
      const refused = await run('--user', 'alice', `--days=${days}`);
      expect([days, refused.code, refused.out]).toEqual([days, 2, '']);
      expect(refused.err).toContain('--days must be a whole number from 1 to 365');
    }
  });

  it('--role moderator adds the role claim; an unknown role or one with --revoke is a usage error', async () => {
    const moderator = await run('--user', 'mia', '--role', 'moderator');
    expect(moderator.code).toBe(0);
    expect(claimsOf(moderator.out)).toMatchObject({ sub: 'mia', roles: ['moderator'] });
    await expect(localTokens(dataDir).tokens.authenticate(moderator.out)).resolves.toEqual({ ownerId: 'mia', roles: ['moderator'] });
    expect(claimsOf((await run('--user', 'mia')).out)).not.toHaveProperty('roles');
    const unknown = await run('--user', 'mia', '--role', 'admin');
    expect([unknown.code, unknown.out]).toEqual([2, '']);
    expect(unknown.err).toContain('--role must be one of moderator');
    expect((await run('--user', 'mia', '--revoke', '--role', 'moderator')).code).toBe(2);
  });

  it('folds a user name to lower case, saying so, so Alice and alice are one owner', async () => {
    const upper = await run('--user', 'Alice');
    expect(upper.code).toBe(0);
    expect(claimsOf(upper.out).sub).toBe('alice');
    expect(upper.err).toContain('this token is for "alice"');
    await expect(localTokens(dataDir).tokens.authenticate(upper.out)).resolves.toEqual({ ownerId: 'alice', roles: [] });
  });

  it('refuses names a filesystem would merge with another or misread', async () => {
    for (const user of ['alice.', 'con', 'a/b', 'ünï']) {
      const refused = await run('--user', user);
      expect([user, refused.code, refused.out]).toEqual([user, 2, '']);
      expect(refused.err).toContain('is not a valid user name');
    }
  });

  it('--revoke ends every earlier token of the user at once, and new ones work', async () => {
    const first = (await run('--user', 'alice')).out;
    const second = (await run('--user', 'alice', '--days', '3')).out;
    const bobs = (await run('--user', 'bob')).out;
    const revoked = await run('--revoke', '--user', 'Alice');
    expect(revoked.code).toBe(0);
    expect(revoked.out).toBe('');
    expect(revoked.err).toContain('revoked every token of "alice"');

    const { tokens } = localTokens(dataDir);
    await expect(tokens.authenticate(first)).rejects.toThrow('token revoked');
    await expect(tokens.authenticate(second)).rejects.toThrow('token revoked');
    await expect(tokens.authenticate(bobs)).resolves.toEqual({ ownerId: 'bob', roles: [] });
    const fresh = (await run('--user', 'alice')).out;
    expect(claimsOf(fresh).gen).toBe(1);
    await expect(tokens.authenticate(fresh)).resolves.toEqual({ ownerId: 'alice', roles: [] });
    expect((await run('--revoke', '--user', 'alice', '--days', '3')).code).toBe(2);
  });

  it('makes the data directory private when others could read it', async () => {
    chmodSync(dataDir, 0o755);
    const { code, err } = await run('--user', 'alice');
    expect(code).toBe(0);
    expect(err).toContain('was open to other users (mode 0755)');
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('documents --days, --revoke and the --host warning in --help', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toContain('--days N');
    expect(out).toContain('--revoke');
    expect(out).toMatch(/--host H[\s\S]*WARNING: any address but a loopback one/);
  });
});
