import { fireEvent, screen } from '@testing-library/react';
import { fakeToken, renderWith, testServices } from '../test/fixtures';
import type { CognitoAuthConfig, GalleryConfig } from './config';
import { LOCAL_CONFIG } from './config';
import { planLinkSignIn, signInFromLink } from './link';
import { Session, takeTokenFromHash } from './session';
import { SwitchAccount } from './SwitchAccount';

const CLOUD: GalleryConfig = {
  auth: { type: 'cognito', domain: 'mediaflow.auth.eu-west-1.amazoncognito.com', clientId: 'client', redirectUri: 'https://gallery.example/' } satisfies CognitoAuthConfig,
};

function session(signedInAs?: string): Session {
  const storage = new Map<string, string>();
  const s = new Session({
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
    setCookie: () => undefined,
    secure: false,
  });
  if (signedInAs) s.signIn(fakeToken(signedInAs));
  return s;
}

/** The gallery's start-up with a `#token=` link: off the address bar first, then applied. */
function open(config: GalleryConfig, s: Session, token: string) {
  const replaceState = jest.fn();
  const linked = takeTokenFromHash({ hash: `#token=${token}`, pathname: '/', search: '' }, { replaceState });
  return { change: signInFromLink(config, s, linked), replaceState };
}

describe('a #token= sign-in link', () => {
  it('does nothing in the cloud, where Cognito signs people in, but still leaves the address bar', () => {
    const nobody = session();
    const visit = open(CLOUD, nobody, fakeToken('mallory'));
    expect(visit.replaceState).toHaveBeenCalledWith(null, '', '/');
    expect(visit.change).toBeNull();
    expect(nobody.token).toBeNull();

    const alice = session('alice');
    expect(open(CLOUD, alice, fakeToken('mallory')).change).toBeNull();
    expect(alice.ownerId).toBe('alice');
    expect(planLinkSignIn(CLOUD, null, fakeToken('mallory'))).toEqual({ action: 'ignore' });
  });

  it('signs in locally when nobody is signed in, and renews the same user silently', () => {
    const nobody = session();
    const bobs = fakeToken('bob');
    expect(open(LOCAL_CONFIG, nobody, bobs).change).toBeNull();
    expect(nobody.ownerId).toBe('bob');

    const newer = fakeToken('bob', Math.floor(Date.now() / 1000) + 7200);
    expect(open(LOCAL_CONFIG, nobody, newer).change).toBeNull();
    expect(nobody.token).toBe(newer);
  });

  it('asks before replacing someone else\'s session, and keeps it meanwhile', () => {
    const alice = session('alice');
    const mallorys = fakeToken('mallory');
    const visit = open(LOCAL_CONFIG, alice, mallorys);
    expect(visit.replaceState).toHaveBeenCalledWith(null, '', '/');
    expect(visit.change).toEqual({ token: mallorys, from: 'alice', to: 'mallory' });
    expect(alice.ownerId).toBe('alice');
  });

  it('leaves a session alone for a link that is no usable token (it used to sign the person out)', () => {
    const alice = session('alice');
    for (const token of ['nonsense', fakeToken('mallory', 1000)]) {
      expect(open(LOCAL_CONFIG, alice, token).change).toBeNull();
      expect(alice.ownerId).toBe('alice');
    }
    // With nobody signed in, the reason shows on the sign-in screen.
    const nobody = session();
    open(LOCAL_CONFIG, nobody, fakeToken('bob', 1000));
    expect(nobody.getSnapshot().notice).toMatch(/expired/);
  });
});

describe('SwitchAccount', () => {
  const gallery = <p>the gallery</p>;

  it('keeps the current session when the person declines, then shows the gallery', () => {
    const services = testServices();
    const mallorys = fakeToken('mallory');
    renderWith(<SwitchAccount change={{ token: mallorys, from: 'alice', to: 'mallory' }}>{gallery}</SwitchAccount>, services);
    expect(screen.getByRole('alertdialog', { name: 'Switch to another account?' }).textContent).toContain('signs in as mallory');
    expect(screen.queryByText('the gallery')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in as alice' }));
    expect(services.session.ownerId).toBe('alice');
    expect(screen.getByText('the gallery')).toBeTruthy();
  });

  it('switches when the person agrees', () => {
    const services = testServices();
    const bobs = fakeToken('bob');
    renderWith(<SwitchAccount change={{ token: bobs, from: 'alice', to: 'bob' }}>{gallery}</SwitchAccount>, services);
    fireEvent.click(screen.getByRole('button', { name: 'Switch to bob' }));
    expect(services.session.ownerId).toBe('bob');
    expect(services.session.token).toBe(bobs);
    expect(screen.getByText('the gallery')).toBeTruthy();
  });

  it('shows the gallery straight away when there is nothing to decide', () => {
    renderWith(<SwitchAccount change={null}>{gallery}</SwitchAccount>);
    expect(screen.getByText('the gallery')).toBeTruthy();
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
