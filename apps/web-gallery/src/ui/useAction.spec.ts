import { act, renderHook } from '@testing-library/react';
import { ApiError } from '../api/client';
import { useAction } from './useAction';

describe('useAction', () => {
  it('is busy while the action runs and clears the last error when one starts', async () => {
    const { result } = renderHook(() => useAction());
    act(() => result.current.setError('Earlier failure.'));
    let finish: () => void = () => undefined;
    let running: Promise<void> = Promise.resolve();
    act(() => {
      running = result.current.run(() => new Promise<void>((resolve) => (finish = resolve)), 'Failed.');
    });
    expect(result.current.busy).toBe(true);
    expect(result.current.error).toBeNull();
    await act(async () => {
      finish();
      await running;
    });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it('shows the API problem’s detail, else the given text, and never rejects', async () => {
    const { result } = renderHook(() => useAction());
    await act(() => result.current.run(async () => Promise.reject(new ApiError('Conflict', 409, 'conflict', 'The name is taken.')), 'Could not save.'));
    expect(result.current.error).toBe('The name is taken.');
    expect(result.current.busy).toBe(false);
    await act(() => result.current.run(async () => Promise.reject(new TypeError('Failed to fetch')), 'Could not save.'));
    expect(result.current.error).toBe('Could not save.');
  });
});
