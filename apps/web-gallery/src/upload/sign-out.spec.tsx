import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { DELETE_PHRASE } from '../account/account-api';
import { App } from '../app/App';
import { LOCAL_CONFIG } from '../auth/config';
import { fakeApi, renderWith, testServices } from '../test/fixtures';
import { memoryUploadStore, type PendingUpload } from './pending-store';
import { UploadQueue } from './queue';

// What the browser keeps of an owner's uploads goes when they sign out, or once their account is deleted.

const record = (mediaId: string, ownerId: string): PendingUpload => ({
  mediaId,
  ownerId,
  uploadId: `up-${mediaId}`,
  name: `${mediaId}.mov`,
  size: 500,
  lastModified: 0,
  type: 'video/quicktime',
  partSize: 100,
  partCount: 5,
  firstPartSha256: '100',
  lastPartSha256: '100',
  startedAt: '2026-12-07T09:00:00.000Z',
  resumableUntil: '2999-01-01T00:00:00.000Z',
});

async function signedIn() {
  const store = memoryUploadStore();
  const api = fakeApi({ getUpload: jest.fn(() => new Promise(() => undefined)) });
  const services = testServices(api);
  const owner = services.session.ownerId ?? '';
  await store.put(record('m1', owner));
  await store.put(record('m2', 'someone-else'));
  const uploads = new UploadQueue({ api, put: async () => ({ etag: null }), store, owner: () => services.session.ownerId });
  renderWith(<App config={LOCAL_CONFIG} />, { ...services, uploads });
  // The tray lists the owner's interrupted upload.
  expect(await screen.findByText('m1.mov')).toBeTruthy();
  return { store, services };
}

describe('Signing out forgets the owner’s kept uploads', () => {
  const scrollTo = window.scrollTo;
  beforeEach(() => {
    window.scrollTo = jest.fn();
  });
  afterEach(() => {
    window.scrollTo = scrollTo;
  });

  it('Sign out in the header', async () => {
    const { store, services } = await signedIn();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect([...store.records.keys()]).toEqual(['m2']));
    expect(services.session.token).toBeNull();
  });

  it('the account deleted', async () => {
    const { store, services } = await signedIn();
    const realFetch = globalThis.fetch;
    globalThis.fetch = jest.fn(async () => ({ ok: true, status: 200, statusText: '', headers: new Headers({ 'content-type': 'application/json' }), json: async () => ({ done: true, removed: { items: 1, albums: 0, shares: 0, objects: 0 } }) }) as unknown as Response);
    try {
      fireEvent.click(screen.getByRole('button', { name: 'Account' }));
      fireEvent.change(screen.getByLabelText(`Type ${DELETE_PHRASE}`), { target: { value: DELETE_PHRASE } });
      await act(async () => {
        fireEvent.click(screen.getByRole('button', { name: 'Delete my account' }));
      });
      await waitFor(() => expect([...store.records.keys()]).toEqual(['m2']));
      expect(services.session.token).toBeNull();
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
