import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../api/client';
import { albumView, fakeApi, mediaItem, renderWith, testServices } from '../test/fixtures';
import { AlbumPage } from './AlbumPage';

function setup(apiOverrides = {}) {
  const items = [mediaItem({ title: 'Dunes' }), mediaItem({ title: 'Harbour' }), mediaItem({ title: 'Ridge' })];
  const album = albumView({ name: 'Summer', description: 'By the sea', itemCount: 3 });
  const api = fakeApi({
    getAlbum: jest.fn(async () => album),
    listAlbumItems: jest.fn(async () => ({ items, nextCursor: null })),
    ...apiOverrides,
  });
  const props = { albumId: album.id, item: null, onOpenItem: jest.fn(), onBack: jest.fn() };
  renderWith(<AlbumPage {...props} />, testServices(api));
  return { api, album, items, props };
}

describe('AlbumPage', () => {
  it('shows the album’s items in date-taken order and opens one in the detail view', async () => {
    const { api, album, items, props } = setup();
    expect(await screen.findByRole('heading', { name: 'Summer', level: 1 })).toBeTruthy();
    expect(screen.getByText('By the sea')).toBeTruthy();
    const grid = await screen.findByRole('list', { name: 'Items in Summer' });
    expect(within(grid).getAllByRole('button').map((b) => b.getAttribute('aria-label'))).toEqual(['Dunes', 'Harbour', 'Ridge']);
    expect(api.listAlbumItems).toHaveBeenCalledWith(album.id, null, expect.anything());
    fireEvent.click(within(grid).getByRole('button', { name: 'Harbour' }));
    expect(props.onOpenItem).toHaveBeenCalledWith(items[1]?.id);
  });

  it('deletes the album only after a confirmation that says the media stay', async () => {
    const { api, album, props } = setup({ deleteAlbum: jest.fn(async () => undefined) });
    fireEvent.click(await screen.findByRole('button', { name: 'Delete album' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this album?' });
    expect(dialog.textContent).toMatch(/3 items in it stay in your library/);
    expect(api.deleteAlbum).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete album' }));
    await waitFor(() => expect(api.deleteAlbum).toHaveBeenCalledWith(album.id));
    expect(props.onBack).toHaveBeenCalled();
  });

  it('renames and describes the album', async () => {
    const { api, album } = setup({ updateAlbum: jest.fn(async (_id: string, update: { name?: string }) => ({ ...albumView(), name: update.name ?? '' })) });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit album' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Summer 2026' } });
    fireEvent.change(within(dialog).getByLabelText('Description (optional)'), { target: { value: '' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.updateAlbum).toHaveBeenCalledWith(album.id, { name: 'Summer 2026', description: null }));
    expect(await screen.findByRole('heading', { name: 'Summer 2026', level: 1 })).toBeTruthy();
  });

  it('removes the selected items from the album (they stay in the library)', async () => {
    const { api, album, items } = setup({
      removeAlbumItems: jest.fn(async () => ({ album: { ...albumView(), name: 'Summer', itemCount: 1 }, results: [] })),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Select' }));
    const grid = await screen.findByRole('list', { name: 'Items in Summer' });
    fireEvent.click(within(grid).getByRole('checkbox', { name: 'Dunes' }));
    fireEvent.click(within(grid).getByRole('checkbox', { name: 'Ridge' }));
    const bar = screen.getByRole('toolbar', { name: 'Selection' });
    expect(bar.textContent).toContain('2 selected');
    fireEvent.click(within(bar).getByRole('button', { name: 'Remove from album' }));
    await waitFor(() => expect(api.removeAlbumItems).toHaveBeenCalledWith(album.id, [items[0]?.id, items[2]?.id]));
    await waitFor(() => expect(within(grid).getAllByRole('checkbox').map((b) => b.getAttribute('aria-label'))).toEqual(['Harbour']));
    expect(screen.getByText('1 item')).toBeTruthy();
  });

  it('says when the album does not exist', async () => {
    setup({ getAlbum: jest.fn(async () => Promise.reject(new ApiError('gone', 404, 'not_found', 'gone'))) });
    expect(await screen.findByRole('heading', { name: 'This album does not exist' })).toBeTruthy();
  });
});
