import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../api/client';
import { fakeApi, renderWith, reviewItem, testServices } from '../test/fixtures';
import { ReviewPage } from './ReviewPage';

describe('ReviewPage', () => {
  it('lists held items with their thumbnail, owner and why they are held', async () => {
    const reported = reviewItem({ title: 'Harbour', moderation: { verdict: 'flagged', labels: [{ name: 'reported by a visitor', confidence: 1 }], reports: 2 } }, 'carol');
    renderWith(<ReviewPage />, testServices(fakeApi({ listReview: jest.fn(async () => ({ items: [reviewItem({ title: 'Dunes' }), reported], nextCursor: null })) })));
    const list = await screen.findByRole('list', { name: 'Held for review' });
    const entries = within(list).getAllByRole('heading').map((h) => h.textContent);
    expect(entries).toEqual(['Dunes', 'Harbour']);
    expect(within(list).getByText('bob')).toBeTruthy();
    expect(within(list).getByText('carol')).toBeTruthy();
    expect(within(list).getByText('violence')).toBeTruthy();
    expect(within(list).getByText(/Reported by visitors of a share link 2 times/)).toBeTruthy();
    expect(list.querySelectorAll('picture').length).toBe(2);
  });

  it('approves an item: it leaves the queue', async () => {
    const item = reviewItem({ title: 'Dunes' });
    const api = fakeApi({ listReview: jest.fn(async () => ({ items: [item], nextCursor: null })), approveMedia: jest.fn(async () => ({ ...item, status: 'ready' as const })) });
    renderWith(<ReviewPage />, testServices(api));
    fireEvent.click(await screen.findByRole('button', { name: 'Approve Dunes' }));
    await waitFor(() => expect(api.approveMedia).toHaveBeenCalledWith(item));
    expect(await screen.findByText('Approved “Dunes”.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Nothing to review' })).toBeTruthy();
  });

  it('rejects with a reason, which is required', async () => {
    const item = reviewItem({ title: 'Dunes' });
    const api = fakeApi({ listReview: jest.fn(async () => ({ items: [item], nextCursor: null })), rejectMedia: jest.fn(async () => item) });
    renderWith(<ReviewPage />, testServices(api));
    fireEvent.click(await screen.findByRole('button', { name: 'Reject Dunes…' }));
    const form = screen.getByRole('form', { name: 'Reject Dunes' });
    const submit = within(form).getByRole('button', { name: 'Reject' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.change(within(form).getByLabelText('Reason (shown to the owner)'), { target: { value: 'Graphic violence' } });
    fireEvent.click(submit);
    await waitFor(() => expect(api.rejectMedia).toHaveBeenCalledWith(item, 'Graphic violence'));
    expect(await screen.findByText('Rejected “Dunes”.')).toBeTruthy();
  });

  it('keeps the item and says why when the decision fails', async () => {
    const item = reviewItem({ title: 'Dunes' });
    const api = fakeApi({
      listReview: jest.fn(async () => ({ items: [item], nextCursor: null })),
      approveMedia: jest.fn(async () => Promise.reject(new ApiError('x', 409, 'conflict', 'the item changed meanwhile'))),
    });
    renderWith(<ReviewPage />, testServices(api));
    fireEvent.click(await screen.findByRole('button', { name: 'Approve Dunes' }));
    expect((await screen.findByRole('alert')).textContent).toBe('the item changed meanwhile');
    expect(screen.getByRole('button', { name: 'Approve Dunes' })).toBeTruthy();
  });

  it('has an empty state, and tells a non-moderator the queue is not theirs', async () => {
    const { unmount } = renderWith(<ReviewPage />, testServices(fakeApi()));
    expect(await screen.findByRole('heading', { name: 'Nothing to review' })).toBeTruthy();
    unmount();
    renderWith(<ReviewPage />, testServices(fakeApi({ listReview: jest.fn(async () => Promise.reject(new ApiError('no', 403, 'forbidden', 'no'))) })));
    expect(await screen.findByRole('heading', { name: 'Only moderators can see the review queue' })).toBeTruthy();
  });
});
