import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { SearchHitView, SearchPage, SearchParams } from '../api/types';
import type { LibraryView } from '../search/view';
import { albumView, bulkAnswer, fakeApi, renderWith, searchHit, testServices } from '../test/fixtures';
import { Library } from './Library';
import { MAX_EMPTY_PAGES, useMediaList, type MediaListState } from './useMediaList';

function listOf(items: SearchHitView[]): MediaListState {
  return { items, loading: false, error: null, refused: false, stalled: false, hasMore: false, loadMore: jest.fn(), retry: jest.fn(), reload: jest.fn() };
}

/** The library as the app wires it: its list from the (fake) API, its view changeable. */
function Wired({ initial }: { initial: LibraryView }) {
  const [view, setView] = useState(initial);
  const list = useMediaList(view);
  return <Library list={list} view={view} onViewChange={setView} onOpen={jest.fn()} onPickFiles={jest.fn()} />;
}

/** A search answered from `pages`, in turn; past them, the end of the list. */
function answering(pages: SearchPage[]) {
  let next = 0;
  return jest.fn<Promise<SearchPage>, Parameters<ApiClient['search']>>(async () => {
    const page = pages[next] ?? { items: [], nextCursor: null };
    next += 1;
    return page;
  });
}

const empty = (n: number): SearchPage[] => Array.from({ length: n }, (_, i) => ({ items: [], nextCursor: `c${i + 1}` }));

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
    const grid = screen.getByRole('grid', { name: 'Your library' });
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
    // Unavailable, yet focusable (the focus stays in the bar): a click does nothing.
    const addToAlbum = within(bar).getByRole('button', { name: 'Add to album' });
    expect(addToAlbum.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(addToAlbum);
    expect(screen.queryByRole('dialog')).toBeNull();
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

/** Five items loaded through the (fake) search, in the list's order. */
async function wired(apiOverrides: Partial<ApiClient> = {}, initial: LibraryView = { q: '', tags: [] }) {
  const items = ['Dunes', 'Harbour', 'Ridge', 'Meadow', 'Pier'].map((title) => searchHit({ title }));
  const api = fakeApi({ search: jest.fn(async () => ({ items, nextCursor: null })), ...apiOverrides });
  const rendered = renderWith(<Wired initial={initial} />, testServices(api));
  await screen.findByRole('button', { name: 'Pier' });
  await act(async () => undefined);
  return { api, items, services: rendered.services };
}

const selectedNames = () => screen.queryAllByRole('checkbox', { checked: true }).map((tile) => tile.getAttribute('aria-label'));

describe('Library multi-select', () => {
  it('is one grid for the whole timeline, each day a row group under its header, with one Tab stop', async () => {
    const days = [
      searchHit({ title: 'Dunes', takenAt: '2021-07-14T18:00:00.000Z' }),
      searchHit({ title: 'Harbour', takenAt: '2021-07-14T08:00:00.000Z' }),
      searchHit({ title: 'Ridge', takenAt: '2021-06-02T08:00:00.000Z' }),
    ];
    renderWith(<Library list={listOf(days)} view={{ q: '', tags: [] }} onViewChange={jest.fn()} onOpen={jest.fn()} onPickFiles={jest.fn()} />, testServices(fakeApi()));
    await act(async () => undefined);
    const grid = screen.getByRole('grid', { name: 'Your library' });
    expect(screen.getAllByRole('grid')).toEqual([grid]);
    const day = new Date('2021-07-14T00:00:00Z').toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
    const groups = within(grid).getAllByRole('rowgroup');
    expect(groups).toHaveLength(2);
    const first = within(grid).getByRole('rowgroup', { name: day });
    // The group's header is a row of its own; each tile is a row with one cell.
    expect(within(first).getByRole('columnheader').textContent).toBe(day);
    expect(within(first).getAllByRole('gridcell').map((cell) => within(cell).getByRole('button', { name: /./ }).getAttribute('aria-label'))).toEqual(['Dunes', 'Harbour']);
    // The months' headers are rows of the grid too, and still headings.
    expect(within(grid).getAllByRole('heading', { level: 2 })).toHaveLength(2);
    // One Tab stop for the whole grid, across its days: the first tile until another has had the focus.
    expect(screen.getByRole('button', { name: 'Dunes' }).tabIndex).toBe(0);
    expect(screen.getByRole('button', { name: 'Harbour' }).tabIndex).toBe(-1);
    expect(screen.getByRole('button', { name: 'Ridge' }).tabIndex).toBe(-1);
    // Ctrl+A in one day selects every day's tiles: one widget.
    const dunes = screen.getByRole('button', { name: 'Dunes' });
    act(() => dunes.focus());
    fireEvent.keyDown(dunes, { key: 'a', ctrlKey: true });
    expect(selectedNames()).toEqual(['Dunes', 'Harbour', 'Ridge']);
  });

  it('says whether a tile is selected once: on its checkbox, not again on its row', async () => {
    await wired();
    fireEvent.click(screen.getByRole('button', { name: 'Select' }));
    const dunes = screen.getByRole('checkbox', { name: 'Dunes' });
    fireEvent.click(dunes);
    expect(dunes.getAttribute('aria-checked')).toBe('true');
    expect(document.querySelectorAll('[aria-selected]')).toHaveLength(0);
    expect(screen.getByRole('grid').getAttribute('aria-multiselectable')).toBeNull();
  });

  it('selects the range from the last clicked tile with a Shift-click, and shrinks it with another', async () => {
    await wired();
    fireEvent.click(screen.getByRole('button', { name: 'Select' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Harbour' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Pier' }), { shiftKey: true });
    expect(selectedNames()).toEqual(['Harbour', 'Ridge', 'Meadow', 'Pier']);
    expect(screen.getByRole('toolbar', { name: 'Selection' }).textContent).toContain('4 selected');
    // From the same anchor, a shorter range leaves the rest unselected again.
    fireEvent.click(screen.getByRole('checkbox', { name: 'Ridge' }), { shiftKey: true });
    expect(selectedNames()).toEqual(['Harbour', 'Ridge']);
    // Upwards too, keeping what was chosen before the anchor moved.
    fireEvent.click(screen.getByRole('checkbox', { name: 'Pier' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Meadow' }), { shiftKey: true });
    expect(selectedNames()).toEqual(['Harbour', 'Ridge', 'Meadow', 'Pier']);
  });

  it('starts selecting with a Shift- or Ctrl-click outside select mode instead of opening', async () => {
    const onOpen = jest.fn();
    const items = [searchHit({ title: 'Dunes' }), searchHit({ title: 'Harbour' }), searchHit({ title: 'Ridge' })];
    renderWith(<Library list={listOf(items)} view={{ q: '', tags: [] }} onViewChange={jest.fn()} onOpen={onOpen} onPickFiles={jest.fn()} />, testServices(fakeApi()));
    await act(async () => undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Harbour' }), { ctrlKey: true });
    expect(onOpen).not.toHaveBeenCalled();
    expect(screen.getByRole('toolbar', { name: 'Selection' }).textContent).toContain('1 selected');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Ridge' }), { shiftKey: true });
    expect(selectedNames()).toEqual(['Harbour', 'Ridge']);
  });

  it('selects with the keyboard: Space toggles, Shift+arrows extend, Ctrl+A takes all, Escape leaves', async () => {
    await wired();
    const dunes = screen.getByRole('button', { name: 'Dunes' });
    act(() => dunes.focus());
    fireEvent.keyDown(dunes, { key: ' ' });
    // Space selected it and turned select mode on (the tile is a checkbox now), without opening it.
    expect(selectedNames()).toEqual(['Dunes']);
    expect(screen.getByRole('checkbox', { name: 'Dunes' })).toBe(document.activeElement);
    for (let i = 0; i < 3; i += 1) fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowRight', shiftKey: true });
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'Meadow' }));
    expect(selectedNames()).toEqual(['Dunes', 'Harbour', 'Ridge', 'Meadow']);
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowLeft', shiftKey: true });
    expect(selectedNames()).toEqual(['Dunes', 'Harbour', 'Ridge']);
    // A plain arrow only moves; Space there adds one more; the focused tile holds the Tab stop.
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'End' });
    const pier = screen.getByRole('checkbox', { name: 'Pier' });
    expect(document.activeElement).toBe(pier);
    expect(pier.tabIndex).toBe(0);
    expect(screen.getByRole('checkbox', { name: 'Dunes' }).tabIndex).toBe(-1);
    fireEvent.keyDown(pier, { key: ' ' });
    expect(selectedNames()).toEqual(['Dunes', 'Harbour', 'Ridge', 'Pier']);
    fireEvent.keyDown(pier, { key: ' ' });
    expect(selectedNames()).toEqual(['Dunes', 'Harbour', 'Ridge']);
    fireEvent.keyDown(pier, { key: 'a', ctrlKey: true });
    expect(selectedNames()).toEqual(['Dunes', 'Harbour', 'Ridge', 'Meadow', 'Pier']);
    expect(screen.getByRole('toolbar', { name: 'Selection' }).textContent).toContain('5 selected');
    fireEvent.keyDown(pier, { key: 'Escape' });
    expect(screen.queryByRole('toolbar', { name: 'Selection' })).toBeNull();
    expect(selectedNames()).toEqual([]);
    expect(screen.getByRole('button', { name: 'Pier' })).toBeTruthy();
  });

  it('selects everything loaded from the bar, and Escape in the bar is Done', async () => {
    await wired();
    fireEvent.click(screen.getByRole('button', { name: 'Select' }));
    const bar = screen.getByRole('toolbar', { name: 'Selection' });
    const selectAll = within(bar).getByRole('button', { name: 'Select all' });
    act(() => selectAll.focus());
    fireEvent.click(selectAll);
    expect(bar.textContent).toContain('5 selected');
    // Nothing left to select: unavailable, yet it keeps the focus (a disabled button would drop it).
    expect(selectAll.getAttribute('aria-disabled')).toBe('true');
    expect((selectAll as HTMLButtonElement).disabled).toBe(false);
    expect(document.activeElement).toBe(selectAll);
    const clear = within(bar).getByRole('button', { name: 'Clear' });
    act(() => clear.focus());
    fireEvent.click(clear);
    expect(bar.textContent).toContain('0 selected');
    expect(clear.getAttribute('aria-disabled')).toBe('true');
    expect((clear as HTMLButtonElement).disabled).toBe(false);
    expect(document.activeElement).toBe(clear);
    fireEvent.keyDown(clear, { key: 'Escape' });
    expect(screen.queryByRole('toolbar', { name: 'Selection' })).toBeNull();
  });
});

describe('Library bulk actions', () => {
  async function select(names: string[], apiOverrides: Partial<ApiClient> = {}, initial?: LibraryView) {
    const setup = await wired(apiOverrides, initial);
    fireEvent.click(screen.getByRole('button', { name: 'Select' }));
    for (const name of names) fireEvent.click(screen.getByRole('checkbox', { name }));
    const bar = screen.getByRole('toolbar', { name: 'Selection' });
    return { ...setup, bar };
  }

  it('moves the selection to the trash in one request, says which could not be moved and why, and offers Undo', async () => {
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids, { [request.ids[1] ?? '']: 'the item is held for review' }));
    const { items, bar } = await select(['Dunes', 'Harbour', 'Ridge'], { bulkMedia });
    fireEvent.click(within(bar).getByRole('button', { name: 'Move to trash' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('1 of 3 could not be moved to the trash: Harbour (the item is held for review).');
    expect(bulkMedia).toHaveBeenCalledTimes(1);
    expect(bulkMedia).toHaveBeenCalledWith({ ids: [items[0]?.id, items[1]?.id, items[2]?.id], action: 'trash' });
    // What went is out of the grid at once; what failed stays, still selected.
    expect(screen.queryByRole('checkbox', { name: 'Dunes' })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: 'Ridge' })).toBeNull();
    expect(selectedNames()).toEqual(['Harbour']);
    expect(bar.textContent).toContain('1 selected');

    // Undo brings the two back.
    bulkMedia.mockImplementation(async (request) => bulkAnswer(request.ids));
    fireEvent.click(within(alert).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(bulkMedia).toHaveBeenLastCalledWith({ ids: [items[0]?.id, items[2]?.id], action: 'restore' }));
    expect(await screen.findByRole('checkbox', { name: 'Dunes' })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'Ridge' })).toBeTruthy();
    expect(screen.getByText('2 items restored.')).toBeTruthy();
  });

  it('says that an item still uploading was deleted for good, not moved to the trash, and leaves it out of Undo', async () => {
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids));
    const items = [searchHit({ title: 'Dunes' }), searchHit({ title: 'Harbour', status: 'uploading' }), searchHit({ title: 'Ridge' })];
    renderWith(<Wired initial={{ q: '', tags: [] }} />, testServices(fakeApi({ bulkMedia, search: jest.fn(async () => ({ items, nextCursor: null })) })));
    await screen.findByRole('button', { name: 'Ridge' });
    await act(async () => undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Select' }));
    for (const name of ['Dunes', 'Harbour, Uploading', 'Ridge']) fireEvent.click(screen.getByRole('checkbox', { name }));
    fireEvent.click(within(screen.getByRole('toolbar', { name: 'Selection' })).getByRole('button', { name: 'Move to trash' }));
    expect(await screen.findByText('2 items moved to the trash. “Harbour” was still uploading, so it was deleted for good.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(bulkMedia).toHaveBeenLastCalledWith({ ids: [items[0]?.id, items[2]?.id], action: 'restore' }));
    expect(await screen.findByText('2 items restored.')).toBeTruthy();
  });

  it('offers no Undo when every item was still uploading', async () => {
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids));
    const items = [searchHit({ title: 'Dunes' }), searchHit({ title: 'Harbour', status: 'uploading' }), searchHit({ title: 'Ridge', status: 'uploading' })];
    renderWith(<Wired initial={{ q: '', tags: [] }} />, testServices(fakeApi({ bulkMedia, search: jest.fn(async () => ({ items, nextCursor: null })) })));
    await screen.findByRole('button', { name: 'Ridge, Uploading' });
    await act(async () => undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Select' }));
    for (const name of ['Harbour, Uploading', 'Ridge, Uploading']) fireEvent.click(screen.getByRole('checkbox', { name }));
    fireEvent.click(within(screen.getByRole('toolbar', { name: 'Selection' })).getByRole('button', { name: 'Move to trash' }));
    expect(await screen.findByText('2 items were still uploading, so they were deleted for good.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('adds tags from a small dialog (commas between them) and says how many items were tagged', async () => {
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids));
    const { items, bar } = await select(['Ridge', 'Pier'], { bulkMedia, listTags: jest.fn(async () => [{ name: 'sea', count: 3 }]) });
    fireEvent.click(within(bar).getByRole('button', { name: 'Add tags' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add tags' });
    expect(within(dialog).getByText('2 items')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add tags' }));
    expect(within(dialog).getByRole('alert').textContent).toBe('Type at least one tag.');
    expect(bulkMedia).not.toHaveBeenCalled();
    fireEvent.change(within(dialog).getByLabelText('Tags to add'), { target: { value: ' Sea, Summer  2021,sea ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add tags' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bulkMedia).toHaveBeenCalledWith({ ids: [items[2]?.id, items[4]?.id], action: 'addTags', tags: ['sea', 'summer 2021'] });
    expect(screen.getByText('2 items tagged “sea”, “summer 2021”.')).toBeTruthy();
    // The selection stays for the next action.
    expect(bar.textContent).toContain('2 selected');
  });

  it('removes tags, offering those on the selected items, and names every failure past the first three by count', async () => {
    const pick = ['Dunes', 'Harbour', 'Ridge', 'Meadow', 'Pier'];
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) =>
      bulkAnswer(request.ids, Object.fromEntries(request.ids.map((id) => [id, 'media not found']))),
    );
    const { bar } = await select(pick, { bulkMedia });
    fireEvent.click(within(bar).getByRole('button', { name: 'Remove tags' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove tags' });
    const offered = within(within(dialog).getByRole('group', { name: 'Tags on these items' })).getAllByRole('button');
    expect(offered.map((b) => b.textContent)).toEqual(['beach', 'holiday']);
    fireEvent.click(offered[1] as HTMLElement);
    expect((within(dialog).getByLabelText('Tags to remove') as HTMLInputElement).value).toBe('holiday');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove tags' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('5 of 5 could not be untagged: Dunes (media not found), Harbour (media not found), Ridge (media not found) and 2 more.');
    expect(bulkMedia).toHaveBeenCalledWith(expect.objectContaining({ action: 'removeTags', tags: ['holiday'] }));
  });

  it('marks the selection as favourites and shows the hearts filled', async () => {
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids));
    const { items, bar } = await select(['Dunes', 'Meadow'], { bulkMedia });
    fireEvent.click(within(bar).getByRole('button', { name: 'Favourite' }));
    expect(await screen.findByText('2 items added to favourites.')).toBeTruthy();
    expect(bulkMedia).toHaveBeenCalledWith({ ids: [items[0]?.id, items[3]?.id], action: 'favourite' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Done' }));
    expect(screen.getByRole('switch', { name: 'Favourite Dunes' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByRole('switch', { name: 'Favourite Harbour' }).getAttribute('aria-checked')).toBe('false');
  });

  it('says what went wrong when the request itself is refused, and changes nothing', async () => {
    const bulkMedia = jest.fn(async () => Promise.reject(new ApiError('too many ids', 400, 'validation_failed', 'too many ids')));
    const { bar } = await select(['Dunes'], { bulkMedia });
    fireEvent.click(within(bar).getByRole('button', { name: 'Unfavourite' }));
    expect((await screen.findByRole('alert')).textContent).toContain('too many ids');
    expect(screen.getByRole('checkbox', { name: 'Dunes' })).toBeTruthy();
  });
});

describe('Library favourites', () => {
  it('marks an item with the heart on its tile and keeps the server\u2019s answer', async () => {
    const setFavourite = jest.fn(async (id: string, favourite: boolean) => ({ ...searchHit({ id, title: 'Dunes' }), favourite }));
    await wired({ setFavourite });
    const heart = screen.getByRole('switch', { name: 'Favourite Dunes' });
    expect(heart.getAttribute('aria-checked')).toBe('false');
    fireEvent.click(heart);
    // Shown at once, before the answer.
    expect(heart.getAttribute('aria-checked')).toBe('true');
    await waitFor(() => expect(setFavourite).toHaveBeenCalledWith(expect.any(String), true));
    await act(async () => undefined);
    expect(screen.getByRole('switch', { name: 'Favourite Dunes' }).getAttribute('aria-checked')).toBe('true');
    // The tile's button stays the only button in it.
    expect(within(heart.closest('li') as HTMLElement).getAllByRole('button')).toHaveLength(1);
  });

  it('keeps one Tab stop per tile: the heart is none, F on the focused tile toggles it and says so', async () => {
    const setFavourite = jest.fn(async (id: string, favourite: boolean) => ({ ...searchHit({ id, title: 'Harbour' }), favourite }));
    const { items } = await wired({ setFavourite });
    const tile = screen.getByRole('button', { name: 'Harbour' });
    const heart = screen.getByRole('switch', { name: 'Favourite Harbour' });
    expect(heart.tabIndex).toBe(-1);
    expect(heart.getAttribute('aria-keyshortcuts')).toBe('F');
    // The first tile holds the grid's Tab stop, and only its button does.
    const stops = Array.from(document.querySelectorAll<HTMLElement>('.timeline button')).filter((b) => b.tabIndex === 0);
    expect(stops).toEqual([screen.getByRole('button', { name: 'Dunes' })]);
    act(() => tile.focus());
    fireEvent.keyDown(tile, { key: 'f' });
    expect(setFavourite).toHaveBeenCalledWith(items[1]?.id, true);
    expect(heart.getAttribute('aria-checked')).toBe('true');
    expect(document.activeElement).toBe(tile);
    expect(screen.getByText('“Harbour” added to favourites').getAttribute('role')).toBe('status');
    await act(async () => undefined);
    // With a modifier it is someone else's shortcut.
    fireEvent.keyDown(tile, { key: 'f', ctrlKey: true });
    expect(setFavourite).toHaveBeenCalledTimes(1);
  });

  it('keeps the last click\u2019s answer when two clicks on a heart are answered in the other order', async () => {
    const answers: { favourite: boolean; resolve: () => void }[] = [];
    const setFavourite = jest.fn(
      (id: string, favourite: boolean) =>
        new Promise<ReturnType<typeof searchHit>>((resolve) => answers.push({ favourite, resolve: () => resolve({ ...searchHit({ id, title: 'Dunes' }), favourite }) })),
    );
    await wired({ setFavourite });
    fireEvent.click(screen.getByRole('switch', { name: 'Favourite Dunes' }));
    fireEvent.click(screen.getByRole('switch', { name: 'Favourite Dunes' }));
    expect(answers.map((a) => a.favourite)).toEqual([true, false]);
    // The second (unmark) is answered first, then the first (mark) arrives late.
    await act(async () => answers[1]?.resolve());
    await act(async () => answers[0]?.resolve());
    expect(screen.getByRole('switch', { name: 'Favourite Dunes' }).getAttribute('aria-checked')).toBe('false');
  });

  it('puts the heart back and says why when the change is refused', async () => {
    const setFavourite = jest.fn(async () => Promise.reject(new ApiError('gone', 404, 'not_found', 'media not found')));
    await wired({ setFavourite });
    fireEvent.click(screen.getByRole('switch', { name: 'Favourite Ridge' }));
    expect((await screen.findByRole('alert')).textContent).toContain('“Ridge” could not be added to favourites: media not found.');
    expect(screen.getByRole('switch', { name: 'Favourite Ridge' }).getAttribute('aria-checked')).toBe('false');
  });

  it('filters the library to favourites (favourite=true), and says so when there are none', async () => {
    const search = jest.fn(async (params: SearchParams) => ({ items: params.favourite ? [] : [searchHit({ title: 'Dunes' })], nextCursor: null }));
    renderWith(<Wired initial={{ q: '', tags: [] }} />, testServices(fakeApi({ search })));
    await screen.findByRole('button', { name: 'Dunes' });
    fireEvent.click(screen.getByRole('button', { name: 'Favourites' }));
    await waitFor(() => expect(search).toHaveBeenLastCalledWith({ order: 'taken-desc', favourite: 'true' }, null, 60, expect.any(AbortSignal)));
    expect(await screen.findByRole('heading', { name: 'No favourites yet' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Favourites' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Show the whole library' }));
    expect(await screen.findByRole('button', { name: 'Dunes' })).toBeTruthy();
  });
});

describe('Library pages that come back empty', () => {
  const filtered: LibraryView = { q: '', tags: ['dog'] };

  it('follows the cursor past empty pages to the first match, with nothing to do for the person', async () => {
    const dog = searchHit({ title: 'Rex' });
    const search = answering([...empty(3), { items: [dog], nextCursor: null }]);
    renderWith(<Wired initial={filtered} />, testServices(fakeApi({ search })));
    expect(await screen.findByRole('button', { name: 'Rex' })).toBeTruthy();
    expect(search.mock.calls.map((call) => call[1])).toEqual([null, 'c1', 'c2', 'c3']);
    expect(screen.queryByText('Nothing matches these filters')).toBeNull();
  });

  it('stops after a run of empty pages and offers to keep looking, then finds the match', async () => {
    const dog = searchHit({ title: 'Rex' });
    const search = answering([...empty(MAX_EMPTY_PAGES + 2), { items: [dog], nextCursor: null }]);
    renderWith(<Wired initial={filtered} />, testServices(fakeApi({ search })));
    expect(await screen.findByRole('heading', { name: 'Nothing found yet' })).toBeTruthy();
    expect(search).toHaveBeenCalledTimes(MAX_EMPTY_PAGES);
    expect(screen.queryByText('Nothing matches these filters')).toBeNull();
    // It waits for the person: no more pages by themselves.
    await act(async () => undefined);
    expect(search).toHaveBeenCalledTimes(MAX_EMPTY_PAGES);

    fireEvent.click(screen.getByRole('button', { name: 'Keep looking' }));
    expect(await screen.findByRole('button', { name: 'Rex' })).toBeTruthy();
    expect(search).toHaveBeenCalledTimes(MAX_EMPTY_PAGES + 3);
    expect(search).toHaveBeenLastCalledWith({ order: 'taken-desc', tags: ['dog'] }, `c${MAX_EMPTY_PAGES + 2}`, 60, expect.any(AbortSignal));
  });

  it('says nothing matches only once no cursor is left', async () => {
    const search = answering([...empty(MAX_EMPTY_PAGES), { items: [], nextCursor: null }]);
    renderWith(<Wired initial={filtered} />, testServices(fakeApi({ search })));
    fireEvent.click(await screen.findByRole('button', { name: 'Keep looking' }));
    expect(await screen.findByRole('heading', { name: 'Nothing matches these filters' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Keep looking' })).toBeNull();
  });

  it('asks to keep looking under the loaded items too, when the next pages come back empty', async () => {
    const first = searchHit({ title: 'Rex' });
    const later = searchHit({ title: 'Fido' });
    const search = answering([{ items: [first], nextCursor: 'c0' }, ...empty(MAX_EMPTY_PAGES), { items: [later], nextCursor: null }]);
    renderWith(<Wired initial={{ q: 'dog', tags: [] }} />, testServices(fakeApi({ search })));
    await screen.findByRole('button', { name: 'Rex' });
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Keep looking' }));
    expect(await screen.findByRole('button', { name: 'Fido' })).toBeTruthy();
    expect(screen.getByText('2 results for “dog”')).toBeTruthy();
  });
});

describe('Library with a search the API refuses', () => {
  it('says why in the person’s words and offers to change the search, not to try again', async () => {
    const refusal = new ApiError('invalid query: to: "to" is before "from"', 400, 'validation_failed', 'invalid query: to: "to" is before "from"', {
      errors: [{ path: 'to', message: '"to" is before "from"' }],
    });
    const search = jest.fn(async (): Promise<SearchPage> => Promise.reject(refusal));
    renderWith(<Wired initial={{ q: 'dog', tags: [], from: '2021-08-01', to: '2021-07-01' }} />, testServices(fakeApi({ search })));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading').textContent).toBe('This search can’t be run');
    expect(within(alert).getByText('The last day taken is before the first one.')).toBeTruthy();
    expect(within(alert).queryByRole('button', { name: 'Try again' })).toBeNull();
    search.mockImplementation(async () => ({ items: [searchHit({ title: 'Rex' })], nextCursor: null }));
    fireEvent.click(within(alert).getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByRole('button', { name: 'Rex' })).toBeTruthy();
    expect(search).toHaveBeenLastCalledWith({ order: 'relevance', q: 'dog' }, null, 60, expect.any(AbortSignal));
  });
});
