import { createHmac } from 'node:crypto';
import { ValidationError } from '@mediaflow/domain';
import { DEFAULT_LOCAL_TOKEN_TTL_SECONDS, localOwnerId, LocalTokens, type TokenGenerations } from './local-tokens.js';

const SECRET = Buffer.alloc(32, 7);

/** Generations kept in a map, bumped by the test as `mediaflow token --revoke` would. */
function generations(): TokenGenerations & { revoke(ownerId: string): void } {
  const current = new Map<string, number>();
  return {
    current: (ownerId) => current.get(ownerId) ?? 0,
    revoke: (ownerId) => void current.set(ownerId, (current.get(ownerId) ?? 0) + 1),
  };
}

/** A token signed with the right key whose payload says what the test wants (`sub: 'Alice'`...). */
function signedWith(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: 'mediaflow-local', aud: 'mediaflow', exp: 4_102_444_800, ...claims })}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('local owner ids', () => {
  it('fold a user name to lower case, so names that differ only in case are one user', async () => {
    expect(localOwnerId('Alice')).toBe('alice');
    expect(localOwnerId('ALICE')).toBe('alice');
    const tokens = new LocalTokens({ secret: SECRET });
    await expect(tokens.authenticate(tokens.issue('Alice'))).resolves.toEqual({ ownerId: 'alice', roles: [] });
    await expect(tokens.authenticate(tokens.issue('alice'))).resolves.toEqual({ ownerId: 'alice', roles: [] });
  });

  it.each(['alice.', 'alice-', '.alice', 'con', 'NUL', 'com1', 'lpt9.txt', 'a..b', 'a/b', '', '\u212Aelvin', 'ünï'])('refuse %j, which a filesystem would merge or misread', (name) => {
    expect(() => localOwnerId(name)).toThrow(ValidationError);
    expect(() => new LocalTokens({ secret: SECRET }).issue(name)).toThrow(ValidationError);
  });

  it.each(['local', 'bench', 'a', 'bob.smith', 'x_1-2', 'console', 'f3c1b2a0-1234-4cde-8f00-0123456789ab'])('accept %j', (name) => {
    expect(localOwnerId(name)).toBe(name);
  });

  it('refuses a validly signed token whose subject is not a local owner id (one issued before ids were folded)', async () => {
    const tokens = new LocalTokens({ secret: SECRET });
    await expect(tokens.authenticate(signedWith({ sub: 'alice' }))).resolves.toEqual({ ownerId: 'alice', roles: [] });
    await expect(tokens.authenticate(signedWith({ sub: 'Alice' }))).rejects.toThrow('token has no valid subject');
    await expect(tokens.authenticate(signedWith({ sub: 'alice.' }))).rejects.toThrow('token has no valid subject');
  });
});

describe('local token lifetime', () => {
  it('is 30 days by default', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const claims = claimsOf(new LocalTokens({ secret: SECRET, now: () => now }).issue('alice'));
    expect(DEFAULT_LOCAL_TOKEN_TTL_SECONDS).toBe(30 * 24 * 3600);
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(30 * 24 * 3600);
  });
});

describe('local token revocation', () => {
  it('embeds the current generation and refuses every earlier token of the user once it moves on, remembered ones too', async () => {
    const gens = generations();
    const tokens = new LocalTokens({ secret: SECRET, generations: gens });
    const first = tokens.issue('alice');
    const bobs = tokens.issue('bob');
    expect(claimsOf(first)['gen']).toBe(0);
    await expect(tokens.authenticate(first)).resolves.toEqual({ ownerId: 'alice', roles: [] });

    gens.revoke('alice');
    // `first` was verified and remembered: the generation is still checked on every use.
    await expect(tokens.authenticate(first)).rejects.toThrow('token revoked');
    await expect(tokens.authenticate(bobs)).resolves.toEqual({ ownerId: 'bob', roles: [] });

    const second = tokens.issue('Alice');
    expect(claimsOf(second)['gen']).toBe(1);
    await expect(tokens.authenticate(second)).resolves.toEqual({ ownerId: 'alice', roles: [] });
    await expect(tokens.authenticate(first)).rejects.toThrow('token revoked');
  });

  it('treats a token without a generation (issued before revocation existed) as generation 0', async () => {
    const gens = generations();
    const tokens = new LocalTokens({ secret: SECRET, generations: gens });
    const old = signedWith({ sub: 'alice' });
    await expect(tokens.authenticate(old)).resolves.toEqual({ ownerId: 'alice', roles: [] });
    gens.revoke('alice');
    await expect(tokens.authenticate(old)).rejects.toThrow('token revoked');
    await expect(tokens.authenticate(signedWith({ sub: 'bob', gen: -1 }))).rejects.toThrow('malformed token');
    await expect(tokens.authenticate(signedWith({ sub: 'bob', gen: '0' }))).rejects.toThrow('malformed token');
  });
});

describe('local token roles', () => {
  it('carries the roles it was issued with, ignores unknown ones and refuses a malformed claim', async () => {
    const tokens = new LocalTokens({ secret: SECRET });
    const moderator = tokens.issue('mia', { roles: ['moderator'] });
    expect(claimsOf(moderator)['roles']).toEqual(['moderator']);
    await expect(tokens.authenticate(moderator)).resolves.toEqual({ ownerId: 'mia', roles: ['moderator'] });
    // A remembered token answers with the same roles.
    await expect(tokens.authenticate(moderator)).resolves.toEqual({ ownerId: 'mia', roles: ['moderator'] });
    expect(claimsOf(tokens.issue('bob'))).not.toHaveProperty('roles');
    await expect(tokens.authenticate(signedWith({ sub: 'bob', roles: ['admin', 'moderator'] }))).resolves.toEqual({ ownerId: 'bob', roles: ['moderator'] });
    await expect(tokens.authenticate(signedWith({ sub: 'bob', roles: 'moderator' }))).rejects.toThrow('malformed token');
  });
});
