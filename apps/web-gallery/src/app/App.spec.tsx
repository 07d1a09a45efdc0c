import { fireEvent, screen, within } from '@testing-library/react';
import { LOCAL_CONFIG } from '../auth/config';
import { fakeApi, fakeVisitor, renderWith, sharedItem, testServices } from '../test/fixtures';
import { App } from './App';

afterEach(() => window.history.pushState(null, '', '/'));

describe('App', () => {
  it('shows the Review section only to moderators', async () => {
    const moderator = testServices(fakeApi({ getMe: jest.fn(async () => ({ ownerId: 'mod', roles: ['moderator'] })) }));
    const { unmount } = renderWith(<App config={LOCAL_CONFIG} />, moderator);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(await within(nav).findByRole('link', { name: 'Review' })).toBeTruthy();
    fireEvent.click(within(nav).getByRole('link', { name: 'Albums' }));
    expect(window.location.pathname).toBe('/albums');
    expect(await screen.findByRole('heading', { name: 'Albums', level: 1 })).toBeTruthy();
    expect(within(nav).getByRole('link', { name: 'Albums' }).getAttribute('aria-current')).toBe('page');
    unmount();

    renderWith(<App config={LOCAL_CONFIG} />, testServices(fakeApi()));
    const ownerNav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(ownerNav).getAllByRole('link').map((l) => l.textContent)).toEqual(['Library', 'Albums', 'Cost']);
  });

  it('shows a share link’s visitor page to anyone, signed in or not, with no owner call', async () => {
    window.history.pushState(null, '', '/s/tok_1');
    const visitor = fakeVisitor({
      openShare: jest.fn(async () => ({ share: { type: 'album' as const, allowDownload: false, expiresAt: null }, album: { name: 'Trip', description: null, itemCount: 1 }, items: [sharedItem()], nextCursor: null })),
    });
    const services = testServices(fakeApi(), visitor);
    services.session.signOut();
    renderWith(<App config={LOCAL_CONFIG} />, services);
    expect(await screen.findByRole('heading', { name: 'Trip' })).toBeTruthy();
    expect(screen.queryByLabelText('Access token')).toBeNull();
    expect(visitor.openShare).toHaveBeenCalledWith({ token: 'tok_1', unlock: null }, null, expect.anything());
    expect(services.api.getMe).not.toHaveBeenCalled();
    expect(services.api.listMedia).not.toHaveBeenCalled();
    expect(services.api.mediaAccess).not.toHaveBeenCalled();
  });
});
