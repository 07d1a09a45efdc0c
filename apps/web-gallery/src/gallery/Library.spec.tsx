import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { SearchHitView } from '../api/types';
import { albumView, fakeApi, renderWith, searchHit, testServices } from '../test/fixtures';
import { Library } from './Library';
import type { MediaListState } from './useMediaList';

function listOf(items: SearchHitView[]): MediaListState {
  return { items, loading: false, error: null, hasMore: false, loadMore: jest.fn(), retry: jest.fn(), reload: jest.fn() };
}

async function setup(apiOverrides = {}) {
  const items = [searchHit({ title: 'Dunes' }), searchHit({ title: 'Harbour' }), searchHit({ title: 'Ridge' })];
  const api = fakeApi(apiOverrides);
  const onOpen = jest.fn();
  renderWith(<Library list={listOf(items)} view={{ q: '', tags: [] }} onViewChange={jest.fn()} onOpen={onOpen} onPickFiles={jest.fn()} />, testServices(api));
  // The tag chips and the timeline load on mount.
  await act(async () => undefined);
  return { api, items, onOpen };
}

describe('Library select mode', () => {
  it('toggles tiles with a click (as checkboxes), counts them, and clears', async () => {
    const { onOpen } = await setup();
    fireEvent.click(screen.getByRole('button', { name: 'Select' }));
    const grid = screen.getByRole('region', { name: 'Your library' });
    const dunes = within(grid).getByRole('checkbox', { name: 'Dunes' });
    fireEvent.click(dunes);
    fireEvent.click(within(grid).getByRole('checkbox', { name: 'Ridge' }));
    expect(onOpen).not.toHaveBeenCalled();
    expect(dunes.getAttribute('aria-checked')).toBe('true');
    const bar = screen.getByRole('toolbar', { name: 'Selection' });
    expect(within(bar).getByText('2 selected')).toBeTruthy();
    fireEvent.click(dunes);
    expect(within(bar).getByText('1 selected')).toBeTruthy();
    fireEvent.click(within(bar).getByRole('button', { name: 'Clear' }));
    expect(within(bar).getByText('0 selected')).toBeTruthy();
    expect((within(bar).getByRole('button', { name: 'Add to album' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(bar).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('toolbar')).toBeNull();
    // Out of select mode a click opens the item again.
    fireEvent.click(within(grid).getByRole('button', { name: 'Dunes' }));
    expect(onOpen).toHaveBeenCalledTimes(1);
  });

  it('adds the selection to an existing album and reports each item’s outcome', async () => {
    const album = albumView({ name: 'Summer', itemCount: 4 });
    const addAlbumItems = jest.fn(async (_albumId: string, ids: readonly string[]) => ({
      album: { ...album, itemCount: 5 },
      results: [
        { id: ids[0] ?? '', outcome: 'added' as const },
        { id: ids[1] ?? '', outcome: 'present' as const },
      ],
    }));
    const { api, items } = await setup({ listAlbums: jest.fn(async () => ({ items: [album], nextCursor: null })), addAlbumItems });
    fireEvent.click(screen.getByRole('button', { name: 'Select' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Dunes' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Harbour' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add to album' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add to album' });
    expect(within(dialog).getByText('2 items')).toBeTruthy();
    fireEvent.click(await within(dialog).findByRole('button', { name: /Summer/ }));
    await waitFor(() => expect(api.addAlbumItems).toHaveBeenCalledWith(album.id, [items[0]?.id, items[1]?.id]));
    const done = await screen.findByRole('dialog', { name: 'Added to “Summer”' });
    expect(within(done).getByRole('status').textContent).toBe('1 added, 1 already there.');
    const rows = within(within(done).getByRole('list', { name: 'Each item' })).getAllByRole('listitem');
    expect(rows.map((r) => r.textContent)).toEqual(['Dunesadded', 'Harbouralready there']);
    fireEvent.click(within(done).getByRole('button', { name: 'Done' }));
    // Added: the selection is cleared for the next one.
    expect(screen.getByRole('toolbar', { name: 'Selection' }).textContent).toContain('0 selected');
  });

  it('creates a new album from the dialog and adds the selection to it', async () => {
    const created = albumView({ name: 'Road trip' });
    const { api, items } = await setup({
      createAlbum: jest.fn(async () => created),
      addAlbumItems: jest.fn(async (_albumId: string, ids: readonly string[]) => ({ album: { ...created, itemCount: 1 }, results: ids.map((id) => ({ id, outcome: 'added' as const })) })),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Select' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Ridge' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add to album' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add to album' });
    expect(await within(dialog).findByText(/You have no albums yet/)).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('New album name'), { target: { value: 'Road trip' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create and add' }));
    await waitFor(() => expect(api.createAlbum).toHaveBeenCalledWith({ name: 'Road trip' }));
    await waitFor(() => expect(api.addAlbumItems).toHaveBeenCalledWith(created.id, [items[2]?.id]));
    expect((await screen.findByRole('dialog', { name: 'Added to “Road trip”' })).textContent).toContain('1 added.');
  });
});
