import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ApiClient } from '../api/client';
import type { Me, SearchParams } from '../api/types';
import { LOCAL_CONFIG } from '../auth/config';
import { bulkAnswer, fakeApi, fakeVisitor, renderWith, searchHit, sharedItem, testServices, trashItem } from '../test/fixtures';
import { App } from './App';

afterEach(() => window.history.pushState(null, '', '/'));

describe('App', () => {
  it('shows the Review section only to moderators', async () => {
    const moderator = testServices(fakeApi({ getMe: jest.fn(async () => ({ ownerId: 'mod', roles: ['moderator'], storage: null })) }));
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
    expect(within(ownerNav).getAllByRole('link').map((l) => l.textContent)).toEqual(['Library', 'Albums', 'Trash', 'Cost']);
  });

  it('opens the Trash from the header; what is restored there is in the library again on the way back', async () => {
    const restored = trashItem({ title: 'Dunes' });
    let inLibrary = false;
    const search = jest.fn(async () => ({ items: inLibrary ? [searchHit({ id: restored.id, title: 'Dunes' })] : [], nextCursor: null }));
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => {
      inLibrary = true;
      return bulkAnswer(request.ids);
    });
    const listTrash = jest.fn(async () => ({ items: [restored], nextCursor: null, retentionDays: 30 }));
    renderWith(<App config={LOCAL_CONFIG} />, testServices(fakeApi({ search, bulkMedia, listTrash })));
    expect(await screen.findByRole('heading', { name: 'Your library is empty' })).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    fireEvent.click(within(nav).getByRole('link', { name: 'Trash' }));
    expect(window.location.pathname).toBe('/trash');
    expect(within(nav).getByRole('link', { name: 'Trash' }).getAttribute('aria-current')).toBe('page');
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Dunes' }));
    fireEvent.click(within(screen.getByRole('toolbar', { name: 'Selection' })).getByRole('button', { name: 'Restore' }));
    expect(await screen.findByText('“Dunes” restored.')).toBeTruthy();
    fireEvent.click(within(nav).getByRole('link', { name: 'Library' }));
    expect(await screen.findByRole('button', { name: 'Dunes' })).toBeTruthy();
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

describe('App: the library’s search and timeline', () => {
  const scrollTo = window.scrollTo;
  beforeEach(() => {
    window.scrollTo = jest.fn();
    localStorage.clear();
  });
  afterEach(() => {
    window.scrollTo = scrollTo;
  });

  it('searches as the person types, with the words in the URL, and says where each result matched', async () => {
    const hit = searchHit({ filename: 'sunset-beach.jpg' }, ['filename']);
    const search = jest.fn(async (params: SearchParams) => ({ items: params.q ? [hit] : [], nextCursor: null }));
    renderWith(<App config={LOCAL_CONFIG} />, testServices(fakeApi({ search })));
    await waitFor(() => expect(search).toHaveBeenCalledWith({ order: 'taken-desc' }, null, 60, expect.any(AbortSignal)));
    const box = screen.getByRole('combobox', { name: 'Search your library' });
    fireEvent.change(box, { target: { value: 'suns' } });
    await waitFor(() => expect(window.location.search).toBe('?q=suns'));
    await waitFor(() => expect(search).toHaveBeenLastCalledWith({ order: 'relevance', q: 'suns' }, null, 60, expect.any(AbortSignal)));
    const tile = await screen.findByRole('button', { name: 'sunset-beach.jpg' });
    expect(tile.closest('li')?.textContent).toContain('in file name');
    expect((screen.getByLabelText('Sort') as HTMLSelectElement).value).toBe('relevance');
  });

  it('jumps to an older month by reloading from that month’s last instant, not by paging to it', async () => {
    const newest = searchHit({ filename: 'new.jpg', takenAt: '2026-11-01T10:00:00.000Z' });
    const older = searchHit({ filename: 'old.jpg', takenAt: '2019-03-14T10:00:00.000Z' });
    const search = jest.fn<ReturnType<ApiClient['search']>, Parameters<ApiClient['search']>>(async (params) =>
      params.to ? { items: [older], nextCursor: null } : { items: [newest], nextCursor: 'page-2' },
    );
    const timeline = jest.fn(async () => [
      { month: '2026-11', count: 60 },
      { month: '2019-03', count: 1 },
    ]);
    renderWith(<App config={LOCAL_CONFIG} />, testServices(fakeApi({ search, timeline })));
    const rail = await screen.findByRole('navigation', { name: 'Timeline' });
    await screen.findByRole('button', { name: 'new.jpg' });
    const march = new Date(Date.UTC(2019, 2, 1)).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
    fireEvent.click(within(rail).getByRole('button', { name: `${march}, 1 item` }));
    await screen.findByRole('button', { name: 'old.jpg' });
    expect(search).toHaveBeenLastCalledWith({ order: 'taken-desc', to: '2019-03-31T23:59:59.999Z' }, null, 60, expect.any(AbortSignal));
    expect(search.mock.calls.every(([, cursor]) => cursor === null)).toBe(true);
    expect(window.location.search).toBe('?at=2019-03');
    // The month's header is brought to the top and takes the focus.
    await waitFor(() => expect(window.scrollTo).toHaveBeenCalled());
    expect(document.activeElement?.textContent).toBe(march);
    expect(screen.queryByRole('button', { name: 'new.jpg' })).toBeNull();
    fireEvent.click(screen.getAllByRole('button', { name: 'Back to the newest' })[0] as HTMLElement);
    await screen.findByRole('button', { name: 'new.jpg' });
    expect(window.location.search).toBe('');
  });

  it('restores the words and filters from the URL, and Back restores the previous ones', async () => {
    window.history.pushState(null, '', '/?q=dog&tags=beach&kind=image');
    const search = jest.fn(async () => ({ items: [], nextCursor: null }));
    renderWith(<App config={LOCAL_CONFIG} />, testServices(fakeApi({ search })));
    await waitFor(() => expect(search).toHaveBeenCalledWith({ order: 'relevance', q: 'dog', kind: 'image', tags: ['beach'] }, null, 60, expect.any(AbortSignal)));
    expect((screen.getByRole('combobox', { name: 'Search your library' }) as HTMLInputElement).value).toBe('dog');
    expect(await screen.findByRole('heading', { name: 'Nothing matches “dog”' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove filter Tag: beach' }));
    await waitFor(() => expect(window.location.search).toBe('?q=dog&kind=image'));
    await act(async () => {
      window.history.back();
      await new Promise((done) => window.addEventListener('popstate', done, { once: true }));
    });
    await waitFor(() => expect(search).toHaveBeenLastCalledWith({ order: 'relevance', q: 'dog', kind: 'image', tags: ['beach'] }, null, 60, expect.any(AbortSignal)));
    expect(screen.getByRole('button', { name: 'Remove filter Tag: beach' })).toBeTruthy();
  });
});

describe('App: storage used', () => {
  const GB = 1_000_000_000;
  const me = (storage: Me['storage']) => ({ ownerId: 'alice', roles: [], storage });

  it('shows the storage used and the quota as a meter in the header, read again after a delete for good', async () => {
    const getMe = jest.fn(async () => me({ usedBytes: 1.2 * GB, items: 42, quotaBytes: 10 * GB }));
    const listTrash = jest.fn(async () => ({ items: [trashItem({ title: 'Dunes' })], nextCursor: null, retentionDays: 30 }));
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids));
    renderWith(<App config={LOCAL_CONFIG} />, testServices(fakeApi({ getMe, listTrash, bulkMedia })));
    const header = await screen.findByRole('banner');
    const meter = await within(header).findByRole('meter', { name: 'Storage' });
    expect(meter.getAttribute('aria-valuetext')).toBe('1.2 GB of 10 GB used');
    expect(meter.getAttribute('aria-valuenow')).toBe(String(1.2 * GB));
    expect(meter.getAttribute('aria-valuemax')).toBe(String(10 * GB));
    expect(meter.textContent).toBe('1.2 GB of 10 GB used');

    getMe.mockImplementation(async () => me({ usedBytes: 0.9 * GB, items: 41, quotaBytes: 10 * GB }));
    fireEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Trash' }));
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Dunes' }));
    fireEvent.click(within(screen.getByRole('toolbar', { name: 'Selection' })).getByRole('button', { name: 'Delete forever' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete forever' }));
    await waitFor(() => expect(within(header).getByRole('meter', { name: 'Storage' }).getAttribute('aria-valuetext')).toBe('900 MB of 10 GB used'), { timeout: 3000 });
    expect(getMe).toHaveBeenCalledTimes(2);
  });

  it('says only what is used where there is no quota, and nothing where the server keeps no usage', async () => {
    const { unmount } = renderWith(<App config={LOCAL_CONFIG} />, testServices(fakeApi({ getMe: jest.fn(async () => me({ usedBytes: 1_234_567, items: 3, quotaBytes: null })) })));
    expect(await within(await screen.findByRole('banner')).findByText('1.2 MB used')).toBeTruthy();
    expect(screen.queryByRole('meter')).toBeNull();
    unmount();

    const getMe = jest.fn(async () => me(null));
    renderWith(<App config={LOCAL_CONFIG} />, testServices(fakeApi({ getMe })));
    const header = await screen.findByRole('banner');
    await waitFor(() => expect(getMe).toHaveBeenCalled());
    await act(async () => undefined);
    expect(within(header).queryByText(/used/)).toBeNull();
    expect(screen.queryByRole('meter')).toBeNull();
  });
});
