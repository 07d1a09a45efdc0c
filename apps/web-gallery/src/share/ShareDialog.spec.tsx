import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../api/client';
import { fakeApi, renderWith, shareView, testServices } from '../test/fixtures';
import { expiresInSeconds, shareUrl } from './options';
import { ShareDialog } from './ShareDialog';

const ALBUM = '01JALBUM000000000000000001';

function setup(apiOverrides = {}, props: { held?: boolean } = {}) {
  const api = fakeApi(apiOverrides);
  const onClose = jest.fn();
  renderWith(<ShareDialog target={{ type: 'album', albumId: ALBUM }} name="Summer" onClose={onClose} {...props} />, testServices(api));
  return { api, onClose };
}

describe('ShareDialog', () => {
  it('sends the chosen options and shows the full link with a Copy button', async () => {
    const share = shareView({ allowDownload: true, hasPassword: true, expiresAt: '2026-11-10T10:00:00.000Z' });
    const { api } = setup({ createShare: jest.fn(async () => ({ share, token: 'tok123', path: '/s/tok123' })) });
    const writeText = jest.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    expect(await screen.findByText('No links yet.')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Allow downloads of the originals'));
    fireEvent.change(screen.getByLabelText('Link expires'), { target: { value: '7d' } });
    fireEvent.change(screen.getByLabelText('Password (optional)'), { target: { value: 'sesame' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create link' }));
    await waitFor(() =>
      expect(api.createShare).toHaveBeenCalledWith({ target: { type: 'album', albumId: ALBUM }, allowDownload: true, expiresInSeconds: 7 * 24 * 3600, password: 'sesame' }),
    );
    const field = (await screen.findByLabelText('Link')) as HTMLInputElement;
    expect(field.value).toBe(`${window.location.origin}/s/tok123`);
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(`${window.location.origin}/s/tok123`));
    expect(await screen.findByText('Copied to the clipboard.')).toBeTruthy();
    // The new link heads the list.
    const list = screen.getByRole('region', { name: 'Links' });
    expect(within(list).getByText('Downloads allowed')).toBeTruthy();
    expect(within(list).getByText('Password')).toBeTruthy();
  });

  it('sends no expiry and no password when none is chosen, and selects the link where the clipboard fails', async () => {
    const { api } = setup({ createShare: jest.fn(async () => ({ share: shareView(), token: 't', path: '/s/t' })) });
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: jest.fn(async () => Promise.reject(new Error('denied'))) }, configurable: true });
    fireEvent.click(await screen.findByRole('button', { name: 'Create link' }));
    await waitFor(() => expect(api.createShare).toHaveBeenCalledWith({ target: { type: 'album', albumId: ALBUM }, allowDownload: false }));
    const field = (await screen.findByLabelText('Link')) as HTMLInputElement;
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText(/press Ctrl\+C/)).toBeTruthy();
    expect(document.activeElement).toBe(field);
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, field.value.length]);
  });

  it('lists the links with their state and revokes an active one', async () => {
    const active = shareView({ lastOpenedAt: '2026-11-04T08:00:00.000Z' });
    const expired = shareView({ state: 'expired', expiresAt: '2026-11-01T00:00:00.000Z' });
    const revoked = shareView({ state: 'revoked', revokedAt: '2026-11-02T00:00:00.000Z' });
    const { api } = setup({ listShares: jest.fn(async () => [active, expired, revoked]), revokeShare: jest.fn(async () => undefined) });
    const rows = await screen.findAllByRole('listitem');
    const links = rows.filter((r) => r.classList.contains('share-link'));
    expect(links.map((r) => r.querySelector('.badge')?.textContent)).toEqual(['Active', 'Expired', 'Revoked']);
    expect(links[0]?.textContent).toMatch(/Last opened/);
    expect(links[1]?.textContent).toMatch(/Not opened yet/);
    // Only the active link can be revoked.
    const revoke = screen.getAllByRole('button', { name: /^Revoke the link created/ });
    expect(revoke).toHaveLength(1);
    fireEvent.click(revoke[0] as HTMLElement);
    await waitFor(() => expect(api.revokeShare).toHaveBeenCalledWith(active.id));
    await waitFor(() => expect(links[0]?.querySelector('.badge')?.textContent).toBe('Revoked'));
    expect(screen.queryAllByRole('button', { name: /^Revoke/ })).toHaveLength(0);
  });

  it('says a held item cannot be shared until a moderator approves it (409 held_for_review)', async () => {
    setup({ createShare: jest.fn(async () => Promise.reject(new ApiError('held', 409, 'held_for_review', 'held'))) });
    fireEvent.click(await screen.findByRole('button', { name: 'Create link' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/cannot be shared until a moderator approves it/);
    expect(screen.queryByRole('button', { name: 'Create link' })).toBeNull();
  });

  it('does not offer a link for an item known to be held', async () => {
    setup({}, { held: true });
    expect((await screen.findByRole('alert')).textContent).toMatch(/held for review/);
    expect(screen.queryByRole('button', { name: 'Create link' })).toBeNull();
  });
});

describe('share options', () => {
  it('turns the expiry choice into seconds and the API path into the full URL', () => {
    expect([expiresInSeconds('never'), expiresInSeconds('1d'), expiresInSeconds('30d')]).toEqual([undefined, 86_400, 2_592_000]);
    expect(shareUrl('https://media.example.com/', '/s/abc')).toBe('https://media.example.com/s/abc');
  });
});
