import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { ServicesProvider } from '../app/services';
import type { LibraryView } from '../search/view';
import { fakeApi, mediaItem, searchHit, testServices } from '../test/fixtures';
import { ApiError } from '../api/client';
import { MAX_EMPTY_PAGES, PAGE_SIZE, placeItem, useMediaList } from './useMediaList';

function setup(api = fakeApi(), view: LibraryView = { q: '', tags: [] }) {
  const services = testServices(api);
  const wrapper = ({ children }: { children: ReactNode }) => <ServicesProvider services={services}>{children}</ServicesProvider>;
  return { services, ...renderHook((v: LibraryView) => useMediaList(v), { wrapper, initialProps: view }) };
}

const taken = (day: string) => ({ takenAt: `${day}T10:00:00.000Z` });

describe('useMediaList', () => {
  it('pages the search the view asks for, by date taken, and merges items changed elsewhere in order', async () => {
    const july = searchHit({ kind: 'image', ...taken('2021-07-14') });
    const march = searchHit({ kind: 'image', ...taken('2019-03-02') });
    const api = fakeApi({ search: jest.fn(async () => ({ items: [july, march], nextCursor: null })) });
    const { result, services } = setup(api, { q: '', tags: [], kind: 'image' });
    await waitFor(() => expect(result.current.items).toEqual([july, march]));
    expect(api.search).toHaveBeenCalledWith({ order: 'taken-desc', kind: 'image' }, null, PAGE_SIZE, expect.any(AbortSignal));
    expect(result.current.hasMore).toBe(false);

    // A new item goes where its date taken puts it, not on top.
    const between = mediaItem({ kind: 'image', ...taken('2020-01-01') });
    act(() => services.events.emitUpdated(between));
    expect(result.current.items.map((i) => i.id)).toEqual([july.id, between.id, march.id]);
    // An item that no longer matches leaves; one that never did is not added.
    act(() => services.events.emitUpdated({ ...july, kind: 'video' }));
    act(() => services.events.emitUpdated(mediaItem({ kind: 'audio' })));
    expect(result.current.items.map((i) => i.id)).toEqual([between.id, march.id]);
    act(() => services.events.emitRemoved(between.id));
    expect(result.current.items.map((i) => i.id)).toEqual([march.id]);
  });

  it('moves an upload to where it was taken once processing reads its capture date', async () => {
    const july = searchHit(taken('2021-07-14'));
    const api = fakeApi({ search: jest.fn(async () => ({ items: [july], nextCursor: null })) });
    const { result, services } = setup(api);
    await waitFor(() => expect(result.current.items).toHaveLength(1));
    // Uploading: dated by its upload until the capture date is known.
    const upload = mediaItem({ status: 'processing', ...taken('2026-11-20') });
    act(() => services.events.emitUpdated(upload));
    expect(result.current.items.map((i) => i.id)).toEqual([upload.id, july.id]);
    act(() => services.events.emitUpdated({ ...upload, status: 'ready', ...taken('2019-03-14') }));
    expect(result.current.items.map((i) => [i.id, i.takenAt])).toEqual([
      [july.id, july.takenAt],
      [upload.id, '2019-03-14T10:00:00.000Z'],
    ]);
  });

  it('keeps where a result matched when it is edited, and adds nothing it cannot judge to a search', async () => {
    const hit = searchHit({ filename: 'sunset.jpg' }, ['filename']);
    const api = fakeApi({ search: jest.fn(async () => ({ items: [hit], nextCursor: null })) });
    const { result, services } = setup(api, { q: 'suns', tags: [] });
    await waitFor(() => expect(result.current.items).toHaveLength(1));
    expect(api.search).toHaveBeenCalledWith({ order: 'relevance', q: 'suns' }, null, PAGE_SIZE, expect.any(AbortSignal));
    act(() => services.events.emitUpdated({ ...hit, title: 'Sunset' }));
    expect(result.current.items[0]).toMatchObject({ title: 'Sunset', matched: ['filename'] });
    act(() => services.events.emitUpdated(mediaItem()));
    expect(result.current.items).toHaveLength(1);
  });

  it('asks again only when the search changes, not for a new view object asking the same', async () => {
    const api = fakeApi();
    const { rerender } = setup(api, { q: '', tags: ['dog'] });
    await waitFor(() => expect(api.search).toHaveBeenCalledTimes(1));
    rerender({ q: '', tags: ['dog'] });
    rerender({ q: '', tags: ['dog'], order: 'taken-desc' });
    await act(async () => undefined);
    expect(api.search).toHaveBeenCalledTimes(1);
    rerender({ q: '', tags: ['dog'], order: 'taken-asc' });
    await waitFor(() => expect(api.search).toHaveBeenCalledTimes(2));
    expect(api.search).toHaveBeenLastCalledWith({ order: 'taken-asc', tags: ['dog'] }, null, PAGE_SIZE, expect.any(AbortSignal));
  });

  it('leaves an item past the loaded end of a list with more pages for its page to bring', () => {
    const newer = searchHit(taken('2021-07-14'));
    const older = mediaItem(taken('2001-01-01'));
    expect(placeItem([newer], older, true, true)).toEqual([newer]);
    expect(placeItem([newer], older, true, false).map((i) => i.id)).toEqual([newer.id, older.id]);
    // Oldest first: the older one comes first.
    expect(placeItem([newer], older, false, true).map((i) => i.id)).toEqual([older.id, newer.id]);
  });

  it('tells a failure as text, the library’s own when it is not a problem from the API', async () => {
    const api = fakeApi({ search: jest.fn(async () => Promise.reject(new TypeError('boom'))) });
    const { result } = setup(api);
    await waitFor(() => expect(result.current.error).toBe('Something went wrong while loading your library.'));
    expect(result.current.loading).toBe(false);
  });

  it('follows empty pages with a cursor up to a bound, then waits to be asked', async () => {
    const hit = searchHit(taken('2001-01-01'));
    let calls = 0;
    const api = fakeApi({
      search: jest.fn(async () => {
        calls += 1;
        return calls <= MAX_EMPTY_PAGES ? { items: [], nextCursor: `c${calls}` } : { items: [hit], nextCursor: null };
      }),
    });
    const { result } = setup(api, { q: '', tags: ['dog'] });
    await waitFor(() => expect(result.current.stalled).toBe(true));
    expect(api.search).toHaveBeenCalledTimes(MAX_EMPTY_PAGES);
    expect(result.current).toMatchObject({ items: [], hasMore: true, loading: false, error: null });
    act(() => result.current.loadMore());
    expect(result.current.stalled).toBe(false);
    await waitFor(() => expect(result.current.items).toEqual([hit]));
    expect(api.search).toHaveBeenLastCalledWith({ order: 'taken-desc', tags: ['dog'] }, `c${MAX_EMPTY_PAGES}`, PAGE_SIZE, expect.any(AbortSignal));
    expect(result.current).toMatchObject({ hasMore: false, stalled: false });
  });

  it('tells a refused search by the field at fault, apart from other failures', async () => {
    const refusal = new ApiError('x', 400, 'validation_failed', 'invalid query: q: Too big', { errors: [{ path: 'q', message: 'Too big' }] });
    const api = fakeApi({ search: jest.fn(async () => Promise.reject(refusal)) });
    const { result } = setup(api, { q: 'dog', tags: [] });
    await waitFor(() => expect(result.current.error).toBe('The search is too long: use at most 200 characters.'));
    expect(result.current.refused).toBe(true);
  });
});
