import { act, fireEvent, screen, within } from '@testing-library/react';
import { ApiError, bulkInSlices, type ApiClient } from '../api/client';
import type { EmptyTrash, TrashItemView, TrashPage as TrashPageAnswer } from '../api/types';
import { bulkAnswer, fakeApi, renderWith, testServices, trashItem } from '../test/fixtures';
import { formatDay } from '../ui/format';
import { emptyAll, IDLE_BACKOFF_MS, MAX_IDLE_ROUNDS, TrashPage } from './TrashPage';

function setup(items: TrashItemView[], overrides: Partial<ApiClient> = {}) {
  const api = fakeApi({ listTrash: jest.fn(async () => ({ items, nextCursor: null, retentionDays: 30 })), ...overrides });
  const onRestored = jest.fn();
  const onOpenLibrary = jest.fn();
  renderWith(<TrashPage onRestored={onRestored} onOpenLibrary={onOpenLibrary} />, testServices(api));
  return { api, onRestored, onOpenLibrary };
}

const three = () => [trashItem({ title: 'Dunes' }, '2026-12-20T09:00:00.000Z'), trashItem({ title: 'Harbour' }), trashItem({ title: 'Ridge' })];

describe('TrashPage', () => {
  it('lists the trash with the day each item goes for good and how long the trash keeps items', async () => {
    setup(three());
    const grid = await screen.findByRole('grid', { name: 'Items in the trash' });
    const dunes = within(grid).getByRole('checkbox', { name: 'Dunes' });
    // Its state is said once, on the checkbox (a row with aria-selected would say it again).
    expect(dunes.getAttribute('aria-checked')).toBe('false');
    expect(grid.querySelectorAll('[aria-selected]')).toHaveLength(0);
    expect(dunes.closest('li')?.textContent).toContain(`Removed for good on ${formatDay('2026-12-20T09:00:00.000Z')}`);
    expect(document.getElementById(dunes.getAttribute('aria-describedby') ?? '')?.textContent).toBe(`Removed for good on ${formatDay('2026-12-20T09:00:00.000Z')}`);
    // The status ("trashed") is the page's, not each tile's.
    expect(dunes.getAttribute('aria-label')).toBe('Dunes');
    expect(screen.getByText(/Items stay here for 30 days/)).toBeTruthy();
    // Nothing selected: no bar.
    expect(screen.queryByRole('toolbar', { name: 'Selection' })).toBeNull();
  });

  it('restores the selected items in one request; they leave the trash and the library is read again', async () => {
    const items = three();
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids));
    const { onRestored } = setup(items, { bulkMedia });
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Dunes' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Ridge' }), { shiftKey: true });
    const bar = screen.getByRole('toolbar', { name: 'Selection' });
    expect(bar.textContent).toContain('3 selected');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Harbour' }));
    fireEvent.click(within(bar).getByRole('button', { name: 'Restore' }));
    expect(await screen.findByText('2 items restored.')).toBeTruthy();
    expect(bulkMedia).toHaveBeenCalledWith({ ids: [items[0]?.id, items[2]?.id], action: 'restore' });
    expect(screen.getAllByRole('checkbox').map((b) => b.getAttribute('aria-label'))).toEqual(['Harbour']);
    expect(onRestored).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('toolbar', { name: 'Selection' })).toBeNull();
  });

  it('says which items could not be restored, and keeps them selected', async () => {
    const items = three();
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids, { [items[1]?.id ?? '']: 'the item is not in the trash' }));
    setup(items, { bulkMedia });
    const dunes = await screen.findByRole('checkbox', { name: 'Dunes' });
    act(() => dunes.focus());
    fireEvent.keyDown(dunes, { key: 'a', ctrlKey: true });
    fireEvent.click(within(screen.getByRole('toolbar', { name: 'Selection' })).getByRole('button', { name: 'Restore' }));
    expect((await screen.findByRole('alert')).textContent).toContain('1 of 3 could not be restored: Harbour (the item is not in the trash).');
    expect(screen.getAllByRole('checkbox').map((b) => b.getAttribute('aria-label'))).toEqual(['Harbour']);
    expect(screen.getByRole('toolbar', { name: 'Selection' }).textContent).toContain('1 selected');
  });

  it('deletes the selection for good only after a confirmation', async () => {
    const items = three();
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids));
    setup(items, { bulkMedia });
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Harbour' }));
    const bar = screen.getByRole('toolbar', { name: 'Selection' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Delete forever' }));
    let dialog = await screen.findByRole('dialog', { name: 'Delete “Harbour” for good?' });
    expect(dialog.textContent).toContain('It is removed for good, with its files, and can\u2019t be restored.');
    // Older versions of the original are left to the bucket's lifecycle rule: the dialog promises no more than happens.
    expect(dialog.textContent).not.toMatch(/version/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(bulkMedia).not.toHaveBeenCalled();

    fireEvent.click(within(bar).getByRole('button', { name: 'Delete forever' }));
    dialog = await screen.findByRole('dialog', { name: 'Delete “Harbour” for good?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete forever' }));
    expect(await screen.findByText('“Harbour” deleted for good.')).toBeTruthy();
    expect(bulkMedia).toHaveBeenCalledWith({ ids: [items[1]?.id], action: 'delete' });
    expect(screen.getAllByRole('checkbox').map((b) => b.getAttribute('aria-label'))).toEqual(['Dunes', 'Ridge']);
  });

  it('empties the trash after a confirmation, asking again while the server says more is left', async () => {
    const rounds: EmptyTrash[] = [
      { purged: 500, more: true },
      { purged: 500, more: true },
      { purged: 12, more: false },
    ];
    const emptyTrash = jest.fn(async () => rounds.shift() ?? { purged: 0, more: false });
    let reads = 0;
    const listTrash = jest.fn(async (): Promise<TrashPageAnswer> => {
      reads += 1;
      return { items: reads > 1 ? [] : three(), nextCursor: null, retentionDays: 30 };
    });
    setup([], { emptyTrash, listTrash });
    fireEvent.click(await screen.findByRole('button', { name: 'Empty trash' }));
    const dialog = await screen.findByRole('dialog', { name: 'Empty the trash?' });
    expect(dialog.textContent).toContain('Everything in the trash (3 items) is removed for good, with its files, and can\u2019t be restored.');
    expect(dialog.textContent).not.toMatch(/version/);
    expect(emptyTrash).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Empty trash' }));
    expect(await screen.findByText('1012 items deleted for good.')).toBeTruthy();
    expect(emptyTrash).toHaveBeenCalledTimes(3);
    // Read again: the trash is empty now.
    expect(await screen.findByRole('heading', { name: 'The trash is empty' })).toBeTruthy();
    // Nothing left: unavailable, yet focusable (the focus comes back to it from the dialog).
    const button = screen.getByRole('button', { name: 'Empty trash' });
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect((button as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(button);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('sends Delete forever in requests of at most 25 items, and says how it went for all of them', async () => {
    const items = Array.from({ length: 30 }, (_, i) => trashItem({ title: `Item ${i + 1}` }));
    const bulkMedia = jest.fn(async (request: Parameters<ApiClient['bulkMedia']>[0]) => bulkAnswer(request.ids));
    // The client that slices requests, over a fake of the one route.
    const api = fakeApi({ listTrash: jest.fn(async () => ({ items, nextCursor: null, retentionDays: 30 })), bulkMedia: (request) => bulkInSlices(request, bulkMedia) });
    renderWith(<TrashPage onRestored={jest.fn()} onOpenLibrary={jest.fn()} />, testServices(api));
    const first = await screen.findByRole('checkbox', { name: 'Item 1' });
    act(() => first.focus());
    fireEvent.keyDown(first, { key: 'a', ctrlKey: true });
    fireEvent.click(within(screen.getByRole('toolbar', { name: 'Selection' })).getByRole('button', { name: 'Delete forever' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete forever' }));
    expect(await screen.findByText('30 items deleted for good.')).toBeTruthy();
    expect(bulkMedia.mock.calls.map(([request]) => [request.action, request.ids.length])).toEqual([
      ['delete', 25],
      ['delete', 5],
    ]);
  });

  it('keeps the focus on Restore and Delete forever while an action is under way (aria-disabled, not disabled)', async () => {
    let answer: () => void = () => undefined;
    const bulkMedia = jest.fn((request: Parameters<ApiClient['bulkMedia']>[0]) => new Promise<ReturnType<typeof bulkAnswer>>((resolve) => (answer = () => resolve(bulkAnswer(request.ids)))));
    setup(three(), { bulkMedia });
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Dunes' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Ridge' }));
    const bar = screen.getByRole('toolbar', { name: 'Selection' });
    const restore = within(bar).getByRole('button', { name: 'Restore' });
    act(() => restore.focus());
    fireEvent.click(restore);
    const busy = within(bar).getByRole('button', { name: 'Restoring…' });
    expect(busy).toBe(restore);
    const remove = within(bar).getByRole('button', { name: 'Delete forever' });
    for (const button of [restore, remove]) {
      expect(button.getAttribute('aria-disabled')).toBe('true');
      expect((button as HTMLButtonElement).disabled).toBe(false);
    }
    expect(document.activeElement).toBe(restore);
    // Unavailable: a click does nothing.
    fireEvent.click(remove);
    expect(screen.queryByRole('dialog')).toBeNull();
    await act(async () => answer());
    expect(await screen.findByText('2 items restored.')).toBeTruthy();
  });

  it('says how far emptying got when a round fails', async () => {
    const rounds: (EmptyTrash | ApiError)[] = [{ purged: 500, more: true }, new ApiError('slow down', 429, 'rate_limited', 'slow down')];
    const emptyTrash = jest.fn(async () => {
      const next = rounds.shift();
      if (next instanceof ApiError) throw next;
      return next ?? { purged: 0, more: false };
    });
    setup(three(), { emptyTrash });
    fireEvent.click(await screen.findByRole('button', { name: 'Empty trash' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Empty trash' }));
    expect((await screen.findByRole('alert')).textContent).toContain('500 items deleted for good, then the trash could not be emptied: slow down');
  });

  it('shows an empty trash with a way back to the library', async () => {
    const { onOpenLibrary } = setup([]);
    expect(await screen.findByRole('heading', { name: 'The trash is empty' })).toBeTruthy();
    expect(screen.getByText(/waits here for 30 days before it is removed for good/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Go to your library' }));
    expect(onOpenLibrary).toHaveBeenCalled();
  });

  it('says why the trash could not be loaded, and tries again', async () => {
    const listTrash = jest.fn(async (): Promise<TrashPageAnswer> => Promise.reject(new ApiError('down', 503, 'unavailable', 'the service is unavailable')));
    setup([], { listTrash });
    expect((await screen.findByRole('alert')).textContent).toContain('the service is unavailable');
    listTrash.mockImplementation(async () => Promise.resolve({ items: three(), nextCursor: null, retentionDays: 30 }));
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('checkbox', { name: 'Dunes' })).toBeTruthy();
  });
});

describe('emptyAll', () => {
  it('stops once the server says nothing is left, and gives up when rounds remove nothing', async () => {
    const progress: number[] = [];
    const answers = [
      { purged: 2, more: true },
      { purged: 1, more: false },
    ];
    const sleep = jest.fn(async () => undefined);
    expect(await emptyAll(async () => answers.shift() ?? { purged: 0, more: false }, (n) => progress.push(n), sleep)).toBe(3);
    expect(progress).toEqual([2, 3]);
    expect(sleep).not.toHaveBeenCalled();
    const stuck = jest.fn(async () => ({ purged: 0, more: true }));
    await expect(emptyAll(stuck, undefined, sleep)).rejects.toMatchObject({ purgedBefore: 0 });
    expect(stuck).toHaveBeenCalledTimes(MAX_IDLE_ROUNDS);
  });

  it('backs off longer after each round that removed nothing (0.5 s, 1 s, 2 s), and goes on once the trash catches up', async () => {
    expect(IDLE_BACKOFF_MS).toEqual([500, 1000, 2000]);
    // The trash's index lags behind the deletes: three rounds find nothing to remove, then it has caught up.
    const answers = [{ purged: 25, more: true }, { purged: 0, more: true }, { purged: 0, more: true }, { purged: 0, more: true }, { purged: 7, more: false }];
    const slept: number[] = [];
    const emptyTrash = jest.fn(async () => answers.shift() ?? { purged: 0, more: false });
    expect(await emptyAll(emptyTrash, undefined, async (ms) => void slept.push(ms))).toBe(32);
    expect(slept).toEqual([500, 1000, 2000]);
    expect(emptyTrash).toHaveBeenCalledTimes(5);
  });

  it('waits between idle rounds in real time', async () => {
    jest.useFakeTimers();
    try {
      let rounds = 0;
      const emptyTrash = jest.fn(async (): Promise<EmptyTrash> => {
        rounds += 1;
        return rounds < 2 ? { purged: 0, more: true } : { purged: 4, more: false };
      });
      const done = emptyAll(emptyTrash);
      await jest.advanceTimersByTimeAsync(499);
      expect(emptyTrash).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(emptyTrash).toHaveBeenCalledTimes(2);
      await expect(done).resolves.toBe(4);
    } finally {
      jest.useRealTimers();
    }
  });
});
