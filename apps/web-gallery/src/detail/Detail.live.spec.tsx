import { act, screen, waitFor } from '@testing-library/react';
import { fakeLive } from '../live/live.spec-support';
import { LiveStatusContext } from '../live/page';
import { fakeApi, mediaItem, renderWith, testServices } from '../test/fixtures';
import { Detail } from './Detail';

function setup(item = mediaItem({ title: 'Beach day', status: 'processing' }), streaming = false) {
  const api = fakeApi({ getMedia: jest.fn(async () => item) });
  const stream = fakeLive();
  if (streaming) {
    // The grid's subscription has the page's stream open already.
    stream.live.subscribe({});
    stream.latest().open();
  }
  const props = { id: item.id, initial: item, prevId: null, nextId: null, onNavigate: jest.fn(), onClose: jest.fn() };
  const view = renderWith(
    <LiveStatusContext.Provider value={stream.live}>
      <Detail {...props} />
    </LiveStatusContext.Provider>,
    testServices(api),
  );
  return { api, stream, item, view };
}

describe('Detail over the page’s event stream', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reads the item once on open, then takes its changes from the stream and never polls', async () => {
    const { api, stream, item } = setup(undefined, true);
    await screen.findByRole('dialog', { name: 'Beach day' });
    await waitFor(() => expect(api.getMedia).toHaveBeenCalledTimes(1));
    act(() => stream.latest().item({ ...item, status: 'ready', title: 'Beach at noon', updatedAt: '2026-12-01T00:00:00.000Z' }));
    expect(await screen.findByRole('dialog', { name: 'Beach at noon' })).toBeTruthy();
    // Another item's change is not this one's.
    act(() => stream.latest().item(mediaItem({ title: 'Someone else' })));
    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(api.getMedia).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('dialog', { name: 'Beach at noon' })).toBeTruthy();
  });

  it('reads once more when the page’s stream opens after the first read (changes in between)', async () => {
    const { api, stream } = setup();
    await screen.findByRole('dialog', { name: 'Beach day' });
    await waitFor(() => expect(api.getMedia).toHaveBeenCalledTimes(1));
    act(() => stream.latest().open());
    await waitFor(() => expect(api.getMedia).toHaveBeenCalledTimes(2));
    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(api.getMedia).toHaveBeenCalledTimes(2);
  });

  it('polls every 2 s while there is no stream and the item is processing, as before', async () => {
    const { api, stream } = setup();
    act(() => stream.latest().fail());
    await screen.findByRole('dialog', { name: 'Beach day' });
    await waitFor(() => expect(api.getMedia).toHaveBeenCalledTimes(1));
    await act(async () => {
      jest.advanceTimersByTime(2000);
    });
    await waitFor(() => expect(api.getMedia).toHaveBeenCalledTimes(2));
  });

  it('says the item is gone when the stream says so', async () => {
    const { stream, item } = setup();
    act(() => stream.latest().open());
    await screen.findByRole('dialog');
    act(() => stream.latest().send('media', { id: item.id, removed: true }));
    expect((await screen.findByRole('alert')).textContent).toBe('This item no longer exists.');
  });
});
