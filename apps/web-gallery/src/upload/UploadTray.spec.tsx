import { act, fireEvent, screen, within } from '@testing-library/react';
import type { UploadStatus } from '../api/types';
import { fakeApi, renderWith, testServices } from '../test/fixtures';
import { memoryUploadStore } from './pending-store';
import { UploadQueue } from './queue';
import { UploadTray } from './UploadTray';

const NOW = Date.parse('2026-12-07T10:00:00.000Z');
// The first part's "hash" is its size: enough to tell the files here apart.
const hashPart = async (blob: Blob) => `${blob.size}`;

function interrupted(received: number[]): UploadStatus {
  return {
    id: 'm1',
    status: 'uploading',
    size: 500,
    filename: 'holiday.mov',
    createdAt: '2026-12-07T09:00:00.000Z',
    resumable: true,
    multipart: { uploadId: 'up-1', partSize: 100, partCount: 5, received: received.map((number) => ({ number, etag: `"${number}"`, size: 100 })), resumableUntil: '2026-12-08T09:00:00.000Z' },
  };
}

async function setup() {
  const store = memoryUploadStore();
  await store.put({
    mediaId: 'm1',
    ownerId: 'alice',
    uploadId: 'up-1',
    name: 'holiday.mov',
    size: 500,
    lastModified: 0,
    type: 'video/quicktime',
    partSize: 100,
    partCount: 5,
    firstPartSha256: '100',
    lastPartSha256: '100',
    startedAt: '2026-12-07T09:00:00.000Z',
    resumableUntil: '2026-12-08T09:00:00.000Z',
  });
  const api = fakeApi({ getUpload: jest.fn(async () => interrupted([1, 2])), deleteMedia: jest.fn(async () => undefined) });
  const services = testServices(api);
  const uploads = new UploadQueue({ api, put: async () => ({ etag: '"e"' }), store, owner: () => services.session.ownerId, hashPart, now: () => NOW });
  // Mounted, the tray reads what is kept and asks the server how far it got: all of it inside act().
  await act(async () => {
    renderWith(<UploadTray queue={uploads} />, { ...services, uploads });
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return { api, store, uploads };
}

describe('UploadTray: uploads a reload interrupted', () => {
  it('lists the signed-in owner’s interrupted upload with how much was sent and a way to choose its file', async () => {
    await setup();
    const row = await screen.findByTestId('upload-row');
    await within(row).findByText('40% sent \u2014 choose the same file to resume');
    expect(within(row).getByText('holiday.mov')).toBeTruthy();
    expect(within(row).getByText('Interrupted')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('0 done, 1 need attention');
    const picker = within(row).getByLabelText<HTMLInputElement>('The file to resume holiday.mov with');
    const click = jest.spyOn(picker, 'click');
    fireEvent.click(within(row).getByRole('button', { name: 'Choose file to resume holiday.mov' }));
    expect(click).toHaveBeenCalled();
  });

  it('says so when the chosen file is another one', async () => {
    await setup();
    const row = await screen.findByTestId('upload-row');
    await within(row).findByText(/40% sent/);
    const picker = within(row).getByLabelText<HTMLInputElement>('The file to resume holiday.mov with');
    Object.defineProperty(picker, 'files', { value: [new File([new Uint8Array(300)], 'other.mov')], configurable: true });
    await act(async () => {
      fireEvent.change(picker);
    });
    expect(await within(row).findByText('That is not the same file: \u201choliday.mov\u201d was 500 B. Choose that file to resume it.')).toBeTruthy();
  });

  it('discards it: the item is deleted and nothing is kept', async () => {
    const { api, store } = await setup();
    const row = await screen.findByTestId('upload-row');
    await act(async () => {
      fireEvent.click(within(row).getByRole('button', { name: 'Discard holiday.mov' }));
    });
    expect(api.deleteMedia).toHaveBeenCalledWith('m1');
    expect(store.records.size).toBe(0);
    expect(screen.queryByTestId('upload-row')).toBeNull();
  });
});
