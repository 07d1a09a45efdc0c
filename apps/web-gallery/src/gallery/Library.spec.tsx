import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { SearchHitView, SearchPage } from '../api/types';
import type { LibraryView } from '../search/view';
import { albumView, fakeApi, renderWith, searchHit, testServices } from '../test/fixtures';
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
