import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { ApiError, type VisitorApi } from '../api/client';
import type { SharedMediaView, SharedPage as SharedAnswer } from '../api/types';
import { fakeApi, fakeVisitor, renderWith, sharedItem, testServices } from '../test/fixtures';
import { GRANT_TRUST_MS, SharedPage } from './SharedPage';
import { keepUnlock, storedUnlock } from './unlock';

const TOKEN = 'tok_abc';

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
}

function albumPage(items: SharedMediaView[], allowDownload = false): SharedAnswer {
  return { share: { type: 'album', allowDownload, expiresAt: null }, album: { name: 'Summer trip', description: 'Three days by the sea', itemCount: items.length }, items, nextCursor: null };
}

/** The page with its `?item=` kept in state, as the router would. */
function Harness({ storage }: { storage: ReturnType<typeof memoryStorage> }) {
  const [item, setItem] = useState<string | null>(null);
  return <SharedPage token={TOKEN} item={item} onOpenItem={setItem} storage={storage} />;
}

function setup(visitorOverrides: Partial<VisitorApi>, storage = memoryStorage()) {
  const visitor = fakeVisitor(visitorOverrides);
  // Every owner route fails the test if called: the visitor page has no token to call them with.
  const api = fakeApi({ getMe: jest.fn(async () => Promise.reject(new Error('owner route'))), listMedia: jest.fn(async () => Promise.reject(new Error('owner route'))) });
  renderWith(<Harness storage={storage} />, testServices(api, visitor));
  return { visitor, api, storage };
}

const problem = (status: number, code: string) => new ApiError(code, status, code, code);

describe('SharedPage', () => {
  it('asks for the password, keeps the unlock for this tab and sends it from then on', async () => {
    const items = [sharedItem({ title: 'Dunes' })];
    const openShare = jest.fn(async (access: { unlock: string | null }) => (access.unlock === 'u1' ? albumPage(items) : Promise.reject(problem(401, 'password_required'))));
    const unlockShare = jest.fn(async (_token: string, password: string) =>
      password === 'sesame' ? { unlock: 'u1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() } : Promise.reject(problem(403, 'wrong_password')),
    );
    const { storage, api } = setup({ openShare, unlockShare });
    const field = await screen.findByLabelText('Password');
    expect(screen.getByRole('heading', { name: 'This link is protected' })).toBeTruthy();
    fireEvent.change(field, { target: { value: 'guess' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That password is not right. Try again.');
    fireEvent.change(field, { target: { value: 'sesame' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('heading', { name: 'Summer trip' })).toBeTruthy();
    expect(screen.getByText('Three days by the sea')).toBeTruthy();
    expect(unlockShare).toHaveBeenLastCalledWith(TOKEN, 'sesame');
    expect(openShare).toHaveBeenLastCalledWith({ token: TOKEN, unlock: 'u1' }, null, expect.anything());
    expect(storedUnlock(storage, TOKEN)).toBe('u1');
    expect(api.getMe).not.toHaveBeenCalled();
    expect(api.listMedia).not.toHaveBeenCalled();
  });

  it('uses an unlock kept from earlier, and asks again when the server no longer takes it', async () => {
    const storage = memoryStorage();
    keepUnlock(storage, TOKEN, { unlock: 'old', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const openShare = jest.fn(async () => Promise.reject(problem(401, 'password_required')));
    setup({ openShare }, storage);
    expect(await screen.findByLabelText('Password')).toBeTruthy();
    expect(openShare.mock.calls.map((c) => (c as unknown[])[0])).toEqual([
      { token: TOKEN, unlock: 'old' },
      { token: TOKEN, unlock: null },
    ]);
    expect(storedUnlock(storage, TOKEN)).toBeNull();
  });

  it.each([
    [410, 'link_expired', 'This link has expired'],
    [410, 'link_revoked', 'This link was revoked'],
    [404, 'not_found', 'This link does not exist'],
  ])('answers %i %s with a clear page', async (status, code, title) => {
    setup({ openShare: jest.fn(async () => Promise.reject(problem(status, code))) });
    expect(await screen.findByRole('heading', { name: title })).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(screen.queryByRole('button', { name: /sign in/i })).toBeNull();
  });

  it('shows a read-only album with no Download button when the link does not allow downloads', async () => {
    const items = [sharedItem({ title: 'Dunes' }), sharedItem({ title: 'Harbour' })];
    const { visitor } = setup({ openShare: jest.fn(async () => albumPage(items, false)) });
    const grid = await screen.findByRole('list', { name: 'Summer trip' });
    expect(within(grid).getAllByRole('button')).toHaveLength(2);
    fireEvent.click(within(grid).getByRole('button', { name: 'Dunes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Dunes' });
    expect(within(dialog).queryByRole('link', { name: /Download/ })).toBeNull();
    expect(within(dialog).queryByLabelText('Title')).toBeNull();
    expect(within(dialog).queryByRole('button', { name: /Delete|Share|Add to album/ })).toBeNull();
    expect(visitor.downloadSharedOriginal).not.toHaveBeenCalled();
    // The renditions carry the link's grant.
    expect(dialog.querySelector('img.viewer-img:not(.viewer-placeholder)')?.getAttribute('src')).toMatch(/\?grant=g1$/);
  });

  it('shows an item’s description under its title in the album’s detail view, and nothing when it has none', async () => {
    const items = [sharedItem({ title: 'Dunes', description: 'Wind at dusk' }), sharedItem({ title: 'Harbour' })];
    setup({ openShare: jest.fn(async () => albumPage(items)) });
    fireEvent.click(await screen.findByRole('button', { name: 'Dunes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Dunes' });
    expect(within(dialog).getByText('Wind at dusk').closest('header')).toBeTruthy();
    expect(within(dialog).queryByRole('textbox', { name: 'Description' })).toBeNull();
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    const next = await screen.findByRole('dialog', { name: 'Harbour' });
    expect(next.querySelector('.item-description')).toBeNull();
  });

  it('offers a Download when the link allows it', async () => {
    const items = [sharedItem({ title: 'Dunes' })];
    const downloadSharedOriginal = jest.fn(async () => ({ url: 'https://downloads.test/o/dunes.jpg?sig=1', expiresAt: new Date(Date.now() + 600_000).toISOString() }));
    setup({ openShare: jest.fn(async () => albumPage(items, true)), downloadSharedOriginal });
    fireEvent.click(await screen.findByRole('button', { name: 'Dunes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Dunes' });
    expect((await within(dialog).findByRole('link', { name: 'Download' })).getAttribute('href')).toBe('https://downloads.test/o/dunes.jpg?sig=1');
    expect(downloadSharedOriginal).toHaveBeenCalledWith({ token: TOKEN, unlock: null }, items[0]?.id);
  });

  it('reports an item (reason optional): it leaves the page at once', async () => {
    const items = [sharedItem({ title: 'Dunes' }), sharedItem({ title: 'Harbour' })];
    const reportSharedMedia = jest.fn(async () => undefined);
    setup({ openShare: jest.fn(async () => albumPage(items)), reportSharedMedia });
    fireEvent.click(await screen.findByRole('button', { name: 'Harbour' }));
    const dialog = await screen.findByRole('dialog', { name: 'Harbour' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Report' }));
    fireEvent.change(within(dialog).getByLabelText('What is wrong with it? (optional)'), { target: { value: '  not mine  ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send report' }));
    await waitFor(() => expect(reportSharedMedia).toHaveBeenCalledWith({ token: TOKEN, unlock: null }, items[1]?.id, 'not mine'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('status').textContent).toMatch(/hidden while a moderator looks at it/);
    expect(within(screen.getByRole('list', { name: 'Summer trip' })).getAllByRole('button').map((b) => b.getAttribute('aria-label'))).toEqual(['Dunes']);
  });

  it('goes on to the next page when a page holds nothing a visitor may see', async () => {
    const item = sharedItem({ title: 'Dunes' });
    const openShare = jest.fn(async (_access: unknown, cursor?: string | null) =>
      cursor ? { ...albumPage([item]), nextCursor: null } : { ...albumPage([]), nextCursor: 'c2' },
    );
    setup({ openShare });
    expect(await screen.findByRole('button', { name: 'Dunes' })).toBeTruthy();
    expect(openShare.mock.calls.map((c) => c[1])).toEqual([null, 'c2']);
    expect(screen.queryByText('This album is empty')).toBeNull();
  });

  it('fetches an item again before showing it when its grants may have run out', async () => {
    const old = sharedItem({ title: 'Dunes' });
    const fresh = { ...old, renditions: old.renditions.map((r) => ({ ...r, url: r.url.replace('grant=g1', 'grant=g2') })) };
    const openSharedMedia = jest.fn(async () => fresh);
    setup({ openShare: jest.fn(async () => albumPage([old])), openSharedMedia });
    const tile = await screen.findByRole('button', { name: 'Dunes' });
    const later = Date.now() + GRANT_TRUST_MS + 1000;
    const now = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      fireEvent.click(tile);
      await waitFor(() => expect(openSharedMedia).toHaveBeenCalledWith({ token: TOKEN, unlock: null }, old.id, expect.anything()));
      const dialog = await screen.findByRole('dialog', { name: 'Dunes' });
      await waitFor(() => expect(dialog.querySelector('img.viewer-img:not(.viewer-placeholder)')?.getAttribute('src')).toMatch(/grant=g2$/));
    } finally {
      now.mockRestore();
    }
  });

  it('shows a one-item link as that item, large', async () => {
    const item = sharedItem({ title: 'Dunes', description: 'Wind at dusk' });
    setup({ openShare: jest.fn(async () => ({ share: { type: 'media' as const, allowDownload: false, expiresAt: null }, album: null, items: [item], nextCursor: null })) });
    const heading = await screen.findByRole('heading', { name: 'Dunes', level: 1 });
    expect(heading.nextElementSibling?.textContent).toBe('Wind at dusk');
    expect(screen.getByRole('region', { name: 'Dunes' }).querySelector('.viewer')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Report' })).toBeTruthy();
  });
});
