import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { ListFilter } from '../api/types';
import { ServicesProvider } from '../app/services';
import { fakeApi, mediaItem, testServices } from '../test/fixtures';
import { PAGE_SIZE, useMediaList } from './useMediaList';

function setup(api = fakeApi(), filter: ListFilter = {}) {
  const services = testServices(api);
  const wrapper = ({ children }: { children: ReactNode }) => <ServicesProvider services={services}>{children}</ServicesProvider>;
  return { services, ...renderHook(() => useMediaList(filter), { wrapper }) };
}

describe('useMediaList', () => {
  it('pages the library with the filter, and merges items changed elsewhere', async () => {
    const photo = mediaItem({ kind: 'image' });
    const api = fakeApi({ listMedia: jest.fn(async () => ({ items: [photo], nextCursor: null })) });
    const { result, services } = setup(api, { kind: 'image' });
    await waitFor(() => expect(result.current.items).toEqual([photo]));
    expect(api.listMedia).toHaveBeenCalledWith({ kind: 'image', status: undefined, tag: undefined }, null, PAGE_SIZE, expect.any(AbortSignal));
    expect(result.current.hasMore).toBe(false);

    const uploaded = mediaItem({ kind: 'image' });
    act(() => services.events.emitUpdated(uploaded));
    expect(result.current.items).toEqual([uploaded, photo]);
    // An item that no longer matches the filter leaves the list; one that never did is not added.
    act(() => services.events.emitUpdated({ ...photo, kind: 'video' }));
    act(() => services.events.emitUpdated(mediaItem({ kind: 'audio' })));
    expect(result.current.items).toEqual([uploaded]);
    act(() => services.events.emitRemoved(uploaded.id));
    expect(result.current.items).toEqual([]);
  });

  it('tells a failure as text, the library’s own when it is not a problem from the API', async () => {
    const api = fakeApi({ listMedia: jest.fn(async () => Promise.reject(new TypeError('boom'))) });
    const { result } = setup(api);
    await waitFor(() => expect(result.current.error).toBe('Something went wrong while loading your library.'));
    expect(result.current.loading).toBe(false);
  });
});
