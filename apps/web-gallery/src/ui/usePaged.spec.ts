import { act, renderHook, waitFor } from '@testing-library/react';
import { ApiError } from '../api/client';
import { usePaged, type PageLoader } from './usePaged';

type Row = { id: string };
const rows = (...ids: string[]): Row[] => ids.map((id) => ({ id }));

describe('usePaged', () => {
  it('loads the first page, then the next on loadMore, without repeating an item', async () => {
    const load = jest.fn<ReturnType<PageLoader<Row>>, Parameters<PageLoader<Row>>>(async (cursor) =>
      cursor === null ? { items: rows('a', 'b'), nextCursor: 'c1' } : { items: rows('b', 'c'), nextCursor: null },
    );
    const { result } = renderHook(() => usePaged(load));
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.items.map((i) => i.id)).toEqual(['a', 'b']));
    expect(result.current.hasMore).toBe(true);
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.items.map((i) => i.id)).toEqual(['a', 'b', 'c']));
    expect(result.current.hasMore).toBe(false);
    expect(load.mock.calls.map(([cursor]) => cursor)).toEqual([null, 'c1']);
  });

  it('keeps an ApiError as it is, and makes any other failure one with the given text', async () => {
    const problem = new ApiError('Forbidden', 403, 'forbidden', 'Moderators only.');
    // Loaders made once: a new one on each render would start the list again each time.
    const refused: PageLoader<Row> = async () => Promise.reject(problem);
    const { result: api } = renderHook(() => usePaged(refused));
    await waitFor(() => expect(api.current.error).toBe(problem));

    const broken: PageLoader<Row> = async () => Promise.reject(new TypeError('boom'));
    const { result } = renderHook(() => usePaged(broken, 'The list could not be loaded.'));
    await waitFor(() => expect(result.current.error).not.toBeNull());
    expect(result.current.error).toMatchObject({ status: 0, code: 'unknown', detail: 'The list could not be loaded.' });
    expect(result.current.loading).toBe(false);
  });

  it('retries the page that failed: the next one when some are loaded, else the first', async () => {
    let failNext = true;
    const load = jest.fn<ReturnType<PageLoader<Row>>, Parameters<PageLoader<Row>>>(async (cursor) => {
      if (cursor === null) return { items: rows('a'), nextCursor: 'c1' };
      if (failNext) throw new ApiError('Unavailable', 503, 'unavailable', 'Try later.');
      return { items: rows('b'), nextCursor: null };
    });
    const { result } = renderHook(() => usePaged(load));
    await waitFor(() => expect(result.current.items).toHaveLength(1));
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.error?.detail).toBe('Try later.'));
    // loadMore does nothing while the error stands; retry asks for the same page again.
    act(() => result.current.loadMore());
    expect(load).toHaveBeenCalledTimes(2);
    failNext = false;
    act(() => result.current.retry());
    await waitFor(() => expect(result.current.items.map((i) => i.id)).toEqual(['a', 'b']));
    expect(result.current.error).toBeNull();
    expect(load.mock.calls.map(([cursor]) => cursor)).toEqual([null, 'c1', 'c1']);

    let firstFails = true;
    const first = jest.fn<ReturnType<PageLoader<Row>>, Parameters<PageLoader<Row>>>(async () => {
      if (firstFails) throw new ApiError('Unavailable', 503, 'unavailable', 'Try later.');
      return { items: rows('z'), nextCursor: null };
    });
    const { result: fresh } = renderHook(() => usePaged(first));
    await waitFor(() => expect(fresh.current.error).not.toBeNull());
    firstFails = false;
    act(() => fresh.current.retry());
    await waitFor(() => expect(fresh.current.items.map((i) => i.id)).toEqual(['z']));
    expect(first.mock.calls.map(([cursor]) => cursor)).toEqual([null, null]);
  });
});
