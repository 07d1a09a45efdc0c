import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { ServicesProvider } from '../app/services';
import { fakeLive } from '../live/live.spec-support';
import { LiveStatusContext } from '../live/page';
import { fakeApi, mediaItem, searchHit, testServices } from '../test/fixtures';
import { useMediaList } from './useMediaList';

const taken = (day: string) => ({ takenAt: `${day}T10:00:00.000Z` });

function setup(items = [searchHit(taken('2021-07-14')), searchHit(taken('2019-03-02'))]) {
  const api = fakeApi({ search: jest.fn(async () => ({ items, nextCursor: null })) });
  const services = testServices(api);
  const stream = fakeLive();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ServicesProvider services={services}>
      <LiveStatusContext.Provider value={stream.live}>{children}</LiveStatusContext.Provider>
    </ServicesProvider>
  );
  const hook = renderHook(() => useMediaList({ q: '', tags: [] }), { wrapper });
  return { api, stream, items, ...hook };
}

describe('useMediaList over the page’s event stream', () => {
  it('merges items the stream reports, and drops the ones that leave the library', async () => {
    const { result, stream, items } = setup();
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    act(() => stream.latest().open());
    const [july, march] = items;
    const added = mediaItem({ status: 'uploading', ...taken('2020-01-01') });
    act(() => stream.latest().item(added));
    expect(result.current.items.map((i) => i.id)).toEqual([july?.id, added.id, march?.id]);
    act(() => stream.latest().item({ ...added, status: 'ready', updatedAt: '2026-12-01T00:00:00.000Z' }));
    expect(result.current.items.find((i) => i.id === added.id)?.status).toBe('ready');
    // An older state than the one shown never replaces it.
    act(() => stream.latest().item({ ...added, status: 'processing', updatedAt: '2026-11-30T00:00:00.000Z' }));
    expect(result.current.items.find((i) => i.id === added.id)?.status).toBe('ready');
    act(() => stream.latest().send('media', { id: july?.id, removed: true }));
    act(() => stream.latest().item({ ...(march ?? added), status: 'deleted', updatedAt: '2026-12-02T00:00:00.000Z' }));
    expect(result.current.items.map((i) => i.id)).toEqual([added.id]);
  });

  it('loads the list again when the stream missed changes, but not for its first opening', async () => {
    const { result, stream, api } = setup();
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    act(() => stream.latest().open());
    expect(api.search).toHaveBeenCalledTimes(1);
    act(() => stream.latest().send('reload', { sequence: 7 }));
    await waitFor(() => expect(api.search).toHaveBeenCalledTimes(2));
    act(() => stream.latest().fail());
    act(() => stream.timers.runAll());
    act(() => stream.latest().open());
    await waitFor(() => expect(api.search).toHaveBeenCalledTimes(3));
  });
});
