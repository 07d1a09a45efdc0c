import { fakeToken } from '../test/fixtures';
import { Session, takeTokenFromHash, type HostedSignIn } from './session';
import { decodeClaims } from './token';

function env() {
  const storage = new Map<string, string>();
  const cookies: string[] = [];
  return {
    storage,
    cookies,
    env: {
      storage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) },
      setCookie: (c: string) => void cookies.push(c),
      secure: false,
    },
  };
}

describe('sign-in from a #token= link', () => {
  it('takes the token from the hash and clears it from the address bar', () => {
    const replaceState = jest.fn();
    const token = fakeToken('bob');
    expect(takeTokenFromHash({ hash: `#token=${token}`, pathname: '/', search: '?item=1' }, { replaceState })).toBe(token);
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?item=1');
    expect(takeTokenFromHash({ hash: '', pathname: '/', search: '' }, { replaceState })).toBeNull();
  });

  it('stores the token, sets the /media cookie and exposes the owner id (the JWT sub)', () => {
    const { env: e, storage, cookies } = env();
    const session = new Session(e);
    const token = fakeToken('bob');
    expect(session.signIn(` Bearer ${token}\n`)).toBeNull();
    expect(storage.get('mediaflow.token')).toBe(token);
    expect(cookies.at(-1)).toBe(`mf_token=${token}; path=/media; SameSite=Strict`);
    expect(session.ownerId).toBe('bob');
    expect(decodeClaims(token)?.sub).toBe('bob');
  });

  it('refuses what is not a token, and expired tokens', () => {
    const { env: e } = env();
    const session = new Session(e);
    expect(session.signIn('hello')).toMatch(/does not look like/);
    expect(session.signIn(fakeToken('bob', 1000))).toMatch(/expired/);
    expect(session.token).toBeNull();
  });

  it('signs out: forgets the token, expires the cookie and tells listeners', () => {
    const { env: e, storage, cookies } = env();
    const session = new Session(e);
    session.signIn(fakeToken());
    const listener = jest.fn();
    session.subscribe(listener);
    session.signOut('Your session has ended.');
    expect(storage.size).toBe(0);
    expect(cookies.at(-1)).toMatch(/^mf_token=; path=\/media; SameSite=Strict; max-age=0/);
    expect(session.getSnapshot()).toEqual({ token: null, claims: null, notice: 'Your session has ended.' });
    expect(listener).toHaveBeenCalled();
  });

  it('restores a stored session on start', () => {
    const { env: e, storage } = env();
    storage.set('mediaflow.token', fakeToken('carol'));
    expect(new Session(e).ownerId).toBe('carol');
  });

  it('sends a local token as it is, and asks a hosted sign-in for the current token at each call', async () => {
    const { env: e } = env();
    const session = new Session(e);
    const token = fakeToken('dana');
    session.signIn(token);
    expect(session.hosted).toBeNull();
    await expect(session.currentToken()).resolves.toBe(token);
    const renewed = fakeToken('dana');
    const hosted: HostedSignIn = { signIn: jest.fn(), signOut: jest.fn(), accessToken: jest.fn(() => Promise.resolve(renewed)) };
    session.attach(hosted);
    expect(session.hosted).toBe(hosted);
    await expect(session.currentToken()).resolves.toBe(renewed);
    await session.currentToken();
    expect(hosted.accessToken).toHaveBeenCalledTimes(2);
  });
});
