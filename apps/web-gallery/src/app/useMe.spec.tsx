import { act, screen, waitFor } from '@testing-library/react';
import type { Me } from '../api/types';
import { fakeApi, renderWith, testServices } from '../test/fixtures';
import type { UploadEntry, UploadPhase, UploadQueue } from '../upload/queue';
import { StorageUsed } from './StorageUsed';
import { ME_REFRESH_MS, useMe } from './useMe';

function Figure() {
  const me = useMe();
  return <StorageUsed storage={me?.storage} />;
}

/** An upload queue the test moves along: just what a reader of it sees. */
function fakeUploads() {
  const listeners = new Set<() => void>();
  let entries: UploadEntry[] = [];
  const entry = (key: string, phase: UploadPhase): UploadEntry => ({ key, name: `${key}.jpg`, size: 10, type: 'image/jpeg', phase, loaded: 0, mediaId: null, message: null, retryable: false, multipart: false, parts: [], item: null });
  return {
    queue: { subscribe: (listener: () => void) => (listeners.add(listener), () => listeners.delete(listener)), getSnapshot: () => entries } as unknown as UploadQueue,
    set(phases: Record<string, UploadPhase>) {
      entries = Object.entries(phases).map(([key, phase]) => entry(key, phase));
      act(() => listeners.forEach((listener) => listener()));
    },
  };
}

const usage = (usedBytes: number): Me => ({ ownerId: 'alice', roles: [], storage: { usedBytes, items: 1, quotaBytes: null } });

describe('useMe', () => {
  it('reads the storage again once an upload has stored its bytes, once for a burst, and not while it is still sending', async () => {
    let used = 1_000_000;
    const getMe = jest.fn(async () => usage(used));
    const uploads = fakeUploads();
    renderWith(<Figure />, { ...testServices(fakeApi({ getMe })), uploads: uploads.queue });
    expect(await screen.findByText('1 MB used')).toBeTruthy();
    jest.useFakeTimers();
    try {
      uploads.set({ u1: 'uploading', u2: 'queued' });
      await act(async () => jest.advanceTimersByTimeAsync(ME_REFRESH_MS * 2));
      expect(getMe).toHaveBeenCalledTimes(1);
      used = 3_500_000;
      uploads.set({ u1: 'processing', u2: 'uploading' });
      uploads.set({ u1: 'processing', u2: 'processing' });
      await act(async () => jest.advanceTimersByTimeAsync(ME_REFRESH_MS));
      expect(getMe).toHaveBeenCalledTimes(2);
      // Ready (renditions stored too) is one more reason to look; the same phase again is not.
      uploads.set({ u1: 'processing', u2: 'processing' });
      await act(async () => jest.advanceTimersByTimeAsync(ME_REFRESH_MS));
      expect(getMe).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
    await waitFor(() => expect(screen.getByText('3.5 MB used')).toBeTruthy());
  });

  it('reads it again after items went to the trash and after the trash changed', async () => {
    const getMe = jest.fn(async () => usage(1_000_000));
    const services = testServices(fakeApi({ getMe }));
    renderWith(<Figure />, services);
    await screen.findByText('1 MB used');
    getMe.mockImplementation(async () => usage(2_000_000));
    act(() => {
      services.events.emitRemoved('a');
      services.events.emitRemoved('b');
    });
    expect(await screen.findByText('2 MB used', undefined, { timeout: 3000 })).toBeTruthy();
    expect(getMe).toHaveBeenCalledTimes(2);
    getMe.mockImplementation(async () => usage(500_000));
    act(() => services.events.emitStorageChanged());
    expect(await screen.findByText('500 KB used', undefined, { timeout: 3000 })).toBeTruthy();
  });
});
