import { act, fireEvent, screen } from '@testing-library/react';
import { ApiError } from '../api/client';
import { renderWith, testServices } from '../test/fixtures';
import { createAccountApi, DELETE_PHRASE, deleteWholeAccount, type AccountApi, type AccountRemoved } from './account-api';
import type { GalleryConfig } from '../auth/config';
import { SignIn } from '../auth/SignIn';
import { ACCOUNT_DELETED_NOTICE, AccountButton } from './AccountButton';
import { AccountDialog, EXPORT_POLL_MS } from './AccountDialog';
import { storedSignOutNotice } from './deleted-notice';

// jsdom has no Response class: a minimal stand-in with what the account client reads.
function response(status: number, body: unknown): Response {
  return { ok: status >= 200 && status < 300, status, statusText: '', headers: new Headers({ 'content-type': 'application/json' }), json: async () => body } as unknown as Response;
}

const removed = (items: number, albums = 0, shares = 0): AccountRemoved => ({ items, albums, shares, objects: 0 });

function fakeAccountApi(overrides: Partial<AccountApi> = {}): jest.Mocked<AccountApi> {
  return {
    startExport: jest.fn(async () => ({ id: 'E1', status: 'ready' as const, url: '/_local/archives/alice/E1?sig=x', expiresAt: null })),
    exportStatus: jest.fn(async () => ({ id: 'E1', status: 'ready' as const, url: '/x.zip' })),
    deleteRound: jest.fn(async () => ({ done: true, removed: removed(0) })),
    ...overrides,
  } as jest.Mocked<AccountApi>;
}

function setup(api: AccountApi) {
  const onClose = jest.fn();
  const onDeleted = jest.fn();
  renderWith(<AccountDialog getToken={() => 'token'} api={api} onClose={onClose} onDeleted={onDeleted} />);
  return { onClose, onDeleted };
}

const phraseField = () => screen.getByLabelText(`Type ${DELETE_PHRASE}`);
const deleteButton = () => screen.getByRole('button', { name: 'Delete my account' });

describe('AccountDialog', () => {
  afterEach(() => jest.useRealTimers());

  it('deletes nothing until the phrase is typed exactly', async () => {
    const api = fakeAccountApi();
    setup(api);
    expect(screen.getByText(/can\u2019t be undone/)).toBeTruthy();
    expect(deleteButton().getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(deleteButton());
    fireEvent.change(phraseField(), { target: { value: 'Delete my account' } });
    fireEvent.click(deleteButton());
    fireEvent.keyDown(phraseField(), { key: 'Enter' });
    await act(async () => undefined);
    expect(api.deleteRound).not.toHaveBeenCalled();
    fireEvent.change(phraseField(), { target: { value: DELETE_PHRASE } });
    expect(deleteButton().getAttribute('aria-disabled')).toBeNull();
  });

  it('calls again while the server answers 202, shows what went, and signs out once it is done', async () => {
    let resolveSecond: (value: { done: boolean; removed: AccountRemoved }) => void = () => undefined;
    const deleteRound = jest
      .fn<ReturnType<AccountApi['deleteRound']>, []>()
      .mockResolvedValueOnce({ done: false, removed: removed(25) })
      .mockImplementationOnce(() => new Promise((resolve) => (resolveSecond = resolve)));
    const { onDeleted, onClose } = setup(fakeAccountApi({ deleteRound }));
    fireEvent.change(phraseField(), { target: { value: DELETE_PHRASE } });
    fireEvent.click(deleteButton());
    expect((await screen.findByText(/25 items, 0 albums, 0 links removed so far/)).getAttribute('role')).toBe('status');
    // While it runs, nothing closes it.
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onClose).not.toHaveBeenCalled();
    expect(onDeleted).not.toHaveBeenCalled();
    await act(async () => resolveSecond({ done: true, removed: removed(3, 1, 2) }));
    expect(deleteRound).toHaveBeenCalledTimes(2);
    expect(onDeleted).toHaveBeenCalledTimes(1);
  });

  it('says what went wrong and that what went stays gone', async () => {
    const deleteRound = jest
      .fn<ReturnType<AccountApi['deleteRound']>, []>()
      .mockResolvedValueOnce({ done: false, removed: removed(10) })
      .mockRejectedValue(new ApiError('Too many requests', 429, 'rate_limited', 'slow down'));
    jest.useFakeTimers();
    const { onDeleted } = setup(fakeAccountApi({ deleteRound }));
    fireEvent.change(phraseField(), { target: { value: DELETE_PHRASE } });
    fireEvent.click(deleteButton());
    await act(async () => jest.advanceTimersByTimeAsync(5000));
    expect(screen.getByRole('alert').textContent).toBe('slow down What was deleted stays deleted; delete again to finish.');
    expect(onDeleted).not.toHaveBeenCalled();
  });

  it('exports the library: asks, waits while the export is pending, then offers its link', async () => {
    jest.useFakeTimers();
    const exportStatus = jest
      .fn<ReturnType<AccountApi['exportStatus']>, [string]>()
      .mockResolvedValueOnce({ id: 'E1', status: 'pending' })
      .mockResolvedValueOnce({ id: 'E1', status: 'ready', url: 'https://bucket.example/downloads/alice/E1/archive.zip?X-Amz-Signature=abc', expiresAt: '2026-12-08T00:00:00.000Z' });
    const api = fakeAccountApi({ startExport: jest.fn(async () => ({ id: 'E1', status: 'pending' as const })), exportStatus });
    setup(api);
    fireEvent.click(screen.getByRole('button', { name: 'Export my library' }));
    expect(await screen.findByRole('button', { name: 'Preparing the export\u2026' })).toBeTruthy();
    await act(async () => jest.advanceTimersByTimeAsync(EXPORT_POLL_MS * 2));
    const link = screen.getByRole('link', { name: 'Download the export' });
    expect(link.getAttribute('href')).toBe('https://bucket.example/downloads/alice/E1/archive.zip?X-Amz-Signature=abc');
    expect(exportStatus).toHaveBeenCalledWith('E1');
  });

  it('keeps Delete disabled while an export is being prepared', async () => {
    const api = fakeAccountApi({ startExport: jest.fn(async () => ({ id: 'E1', status: 'pending' as const })), exportStatus: jest.fn(() => new Promise<never>(() => undefined)) });
    setup(api);
    fireEvent.change(phraseField(), { target: { value: DELETE_PHRASE } });
    fireEvent.click(screen.getByRole('button', { name: 'Export my library' }));
    expect(await screen.findByRole('button', { name: 'Preparing the export\u2026' })).toBeTruthy();
    expect(deleteButton().getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByText(/you can delete the account once it is ready/)).toBeTruthy();
    fireEvent.click(deleteButton());
    fireEvent.keyDown(phraseField(), { key: 'Enter' });
    await act(async () => undefined);
    expect(api.deleteRound).not.toHaveBeenCalled();
  });

  it('says why an export failed', async () => {
    setup(fakeAccountApi({ startExport: jest.fn(async () => ({ id: 'E1', status: 'failed' as const, reason: 'nothing to download' })) }));
    fireEvent.click(screen.getByRole('button', { name: 'Export my library' }));
    expect((await screen.findByRole('alert')).textContent).toBe('nothing to download');
  });
});

describe('AccountButton', () => {
  it('opens the dialog from the header, and after the deletion signs out with a notice', async () => {
    const services = testServices();
    const onSignOut = jest.fn();
    const fetch = jest.fn(async (_url: string, _init: RequestInit) => response(200, { done: true, removed: removed(1) }));
    const realFetch = globalThis.fetch;
    globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
    try {
      renderWith(<AccountButton onSignOut={onSignOut} />, services);
      fireEvent.click(screen.getByRole('button', { name: 'Account' }));
      expect(screen.getByRole('dialog', { name: 'Account' })).toBeTruthy();
      fireEvent.change(phraseField(), { target: { value: DELETE_PHRASE } });
      fireEvent.click(deleteButton());
      await act(async () => undefined);
      expect(onSignOut).toHaveBeenCalledTimes(1);
      expect(services.session.token).toBeNull();
      expect(screen.queryByRole('dialog')).toBeNull();
      const [url, init] = fetch.mock.calls[0] ?? ['', {}];
      expect([url, init.method, init.body]).toEqual(['/api/v1/me', 'DELETE', JSON.stringify({ confirm: DELETE_PHRASE })]);
      expect(new Headers(init.headers).get('authorization')).toMatch(/^Bearer /);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(ACCOUNT_DELETED_NOTICE).toContain('deleted');
  });

  it('keeps the notice across a hosted sign-out, which leaves the page, for the sign-in page to show once', async () => {
    sessionStorage.clear();
    const services = testServices();
    // A hosted sign-out: the page goes, and with it whatever the session said.
    const onSignOut = jest.fn();
    const realFetch = globalThis.fetch;
    globalThis.fetch = jest.fn(async () => response(200, { done: true, removed: removed(1) })) as unknown as typeof globalThis.fetch;
    try {
      const shown = renderWith(<AccountButton onSignOut={onSignOut} />, services);
      fireEvent.click(screen.getByRole('button', { name: 'Account' }));
      fireEvent.change(phraseField(), { target: { value: DELETE_PHRASE } });
      fireEvent.click(deleteButton());
      await act(async () => undefined);
      expect(onSignOut).toHaveBeenCalledTimes(1);
      shown.unmount();
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(storedSignOutNotice()).toBe(ACCOUNT_DELETED_NOTICE);
    // The page loaded again after the hosted sign-out, with no notice of its own.
    const config: GalleryConfig = { auth: { type: 'cognito', domain: 'auth.example.com', clientId: 'c', redirectUri: 'https://gallery.example.com/' } };
    const page = renderWith(<SignIn config={config} notice={null} onToken={() => null} onHostedSignIn={() => undefined} />);
    expect(screen.getByRole('status').textContent).toBe(ACCOUNT_DELETED_NOTICE);
    expect(storedSignOutNotice()).toBeNull();
    page.unmount();
    renderWith(<SignIn config={config} notice={null} onToken={() => null} onHostedSignIn={() => undefined} />);
    expect(screen.queryByRole('status')).toBeNull();
  });
});

describe('deleteWholeAccount', () => {
  it('adds up the rounds, tries a failed round again once, and gives up on a refusal', async () => {
    jest.useFakeTimers();
    const rounds = jest
      .fn<ReturnType<AccountApi['deleteRound']>, []>()
      .mockResolvedValueOnce({ done: false, removed: removed(5, 1) })
      .mockRejectedValueOnce(new ApiError('Cannot reach Mediaflow.', 0, 'network', 'down'))
      .mockResolvedValueOnce({ done: true, removed: removed(2, 0, 3) });
    const progress: AccountRemoved[] = [];
    const total = deleteWholeAccount({ ...fakeAccountApi(), deleteRound: rounds }, (r) => progress.push(r), { retryMs: 10 });
    await jest.advanceTimersByTimeAsync(20);
    expect(await total).toEqual(removed(7, 1, 3));
    expect(progress).toEqual([removed(5, 1), removed(7, 1, 3)]);
    jest.useRealTimers();
    const refused = deleteWholeAccount({ ...fakeAccountApi(), deleteRound: jest.fn(async () => Promise.reject(new ApiError('bad', 400, 'validation', 'send the phrase'))) }, () => undefined);
    await expect(refused).rejects.toMatchObject({ status: 400 });
  });

  it('takes a 401 saying the account was deleted, or one after a lost answer, as done; not an expired token, nor one at the start', async () => {
    const unauthorized = new ApiError('this token was revoked', 401, 'unauthorized', 'token revoked');
    const gone = new ApiError('this account was deleted', 401, 'unauthorized', 'this account was deleted');
    const afterWork = jest.fn<ReturnType<AccountApi['deleteRound']>, []>().mockResolvedValueOnce({ done: false, removed: removed(4, 1) }).mockRejectedValue(gone);
    expect(await deleteWholeAccount({ ...fakeAccountApi(), deleteRound: afterWork }, () => undefined)).toEqual(removed(4, 1));
    // The sign-in lapsed half-way (an access token's hour): not success, the rest is still there.
    const expired = new ApiError('token expired', 401, 'unauthorized', 'token expired');
    const lapsed = jest.fn<ReturnType<AccountApi['deleteRound']>, []>().mockResolvedValueOnce({ done: false, removed: removed(4, 1) }).mockRejectedValue(expired);
    await expect(deleteWholeAccount({ ...fakeAccountApi(), deleteRound: lapsed }, () => undefined)).rejects.toMatchObject({ status: 401 });
    jest.useFakeTimers();
    // An empty account whose one 200 was lost on the way: the retry finds the sign-in ended.
    const lost = jest.fn<ReturnType<AccountApi['deleteRound']>, []>().mockRejectedValueOnce(new ApiError('Cannot reach Mediaflow.', 0, 'network', 'down')).mockRejectedValue(unauthorized);
    const afterLoss = deleteWholeAccount({ ...fakeAccountApi(), deleteRound: lost }, () => undefined, { retryMs: 10 });
    await jest.advanceTimersByTimeAsync(20);
    expect(await afterLoss).toEqual(removed(0));
    jest.useRealTimers();
    const first = deleteWholeAccount({ ...fakeAccountApi(), deleteRound: jest.fn(async () => Promise.reject(unauthorized)) }, () => undefined);
    await expect(first).rejects.toMatchObject({ status: 401 });
  });

  it('pauses before the next round when one removed nothing and is not done', async () => {
    jest.useFakeTimers();
    const rounds = jest
      .fn<ReturnType<AccountApi['deleteRound']>, []>()
      .mockResolvedValueOnce({ done: false, removed: removed(0) })
      .mockResolvedValueOnce({ done: true, removed: removed(0) });
    const total = deleteWholeAccount({ ...fakeAccountApi(), deleteRound: rounds }, () => undefined, { idleMs: 1000 });
    await jest.advanceTimersByTimeAsync(999);
    expect(rounds).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(await total).toEqual(removed(0));
    expect(rounds).toHaveBeenCalledTimes(2);
    jest.useRealTimers();
  });

  it('reads the status code: a 202 is never done, whatever the body says', async () => {
    const fetch = jest.fn(async () => response(202, { done: true, removed: removed(1) }));
    const api = createAccountApi(() => 't', fetch as unknown as typeof globalThis.fetch);
    expect(await api.deleteRound()).toEqual({ done: false, removed: removed(1) });
  });

  it('asks for the token at each call and waits for it: a hosted sign-in renews it on the way', async () => {
    const fetch = jest.fn(async (_path: string, _init: RequestInit) => response(202, { done: false, removed: removed(0) }));
    const tokens = ['old', 'renewed'];
    const api = createAccountApi(async () => tokens.shift() ?? null, fetch as unknown as typeof globalThis.fetch);
    await api.deleteRound();
    await api.deleteRound();
    expect(fetch.mock.calls.map(([, init]) => new Headers(init.headers).get('authorization'))).toEqual(['Bearer old', 'Bearer renewed']);
  });
});
