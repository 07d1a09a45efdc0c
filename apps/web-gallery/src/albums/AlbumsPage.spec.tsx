import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../api/client';
import { albumView, fakeApi, mediaItem, renderWith, testServices } from '../test/fixtures';
import { AlbumsPage, albumMeta } from './AlbumsPage';

describe('AlbumsPage', () => {
  it('lists albums with their cover, name, item count and newest date, and opens one', async () => {
    const cover = mediaItem({ title: 'Dunes' });
    const summer = albumView({ name: 'Summer', itemCount: 12, cover, newestTakenAt: '2026-08-03T10:00:00.000Z' });
    const empty = albumView({ name: 'Later', itemCount: 0 });
    const onOpenAlbum = jest.fn();
    renderWith(<AlbumsPage onOpenAlbum={onOpenAlbum} />, testServices(fakeApi({ listAlbums: jest.fn(async () => ({ items: [summer, empty], nextCursor: null })) })));
    const list = await screen.findByRole('list', { name: 'Your albums' });
    const links = within(list).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual([`/albums/${summer.id}`, `/albums/${empty.id}`]);
    expect(links[0]?.textContent).toContain('Summer');
    expect(links[0]?.textContent).toContain(albumMeta(summer));
    expect(albumMeta(summer)).toMatch(/^12 items · newest .*2026/);
    expect(links[0]?.querySelector('picture source')?.getAttribute('srcset')).toContain(`/${cover.id}/thumb.avif`);
    expect(links[1]?.querySelector('.album-cover-empty')).toBeTruthy();
    fireEvent.click(links[0] as HTMLElement);
    expect(onOpenAlbum).toHaveBeenCalledWith(summer.id);
  });

  it('creates an album with a name and a description; it heads the list', async () => {
    const created = albumView({ name: 'Winter', description: 'Snow days' });
    const api = fakeApi({ createAlbum: jest.fn(async () => created) });
    renderWith(<AlbumsPage onOpenAlbum={jest.fn()} />, testServices(api));
    expect(await screen.findByRole('heading', { name: 'No albums yet' })).toBeTruthy();
    fireEvent.click(screen.getAllByRole('button', { name: /New album/ })[0] as HTMLElement);
    const dialog = await screen.findByRole('dialog', { name: 'New album' });
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Name'));
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: '  Winter ' } });
    fireEvent.change(within(dialog).getByLabelText('Description (optional)'), { target: { value: 'Snow days' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create album' }));
    await waitFor(() => expect(api.createAlbum).toHaveBeenCalledWith({ name: 'Winter', description: 'Snow days' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(within(screen.getByRole('list', { name: 'Your albums' })).getByText('Winter')).toBeTruthy();
  });

  it('keeps the dialog open with the server’s reason when creating fails', async () => {
    const api = fakeApi({ createAlbum: jest.fn(async () => Promise.reject(new ApiError('x', 400, 'validation_failed', 'an album needs a name'))) });
    renderWith(<AlbumsPage onOpenAlbum={jest.fn()} />, testServices(api));
    fireEvent.click((await screen.findAllByRole('button', { name: /New album/ }))[0] as HTMLElement);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create album' }));
    expect((await screen.findByRole('alert')).textContent).toBe('an album needs a name');
    expect(screen.getByRole('dialog', { name: 'New album' })).toBeTruthy();
  });
});
