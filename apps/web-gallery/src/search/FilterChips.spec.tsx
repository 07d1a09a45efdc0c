import { fireEvent, render, screen, within } from '@testing-library/react';
import { FilterChips } from './FilterChips';
import type { LibraryView } from './view';

function setup(value: LibraryView, albumName: string | null = null) {
  const onChange = jest.fn();
  render(<FilterChips value={value} onChange={onChange} albumName={albumName} />);
  return onChange;
}

describe('FilterChips', () => {
  it('shows each active filter as a chip that removes it, leaving the rest', () => {
    const value: LibraryView = { q: 'sunset', tags: ['dog', 'beach'], kind: 'image', album: '01JALBUM000000000000000001', from: '2021-07-01', to: '2021-08-31', camera: 'canon', status: 'ready', at: '2021-07' };
    const onChange = setup(value, 'Summer');
    const chips = within(screen.getByRole('group', { name: 'Active filters' }));
    expect(chips.getAllByRole('button', { name: /^Remove filter/ }).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Remove filter Kind: Photos',
      'Remove filter Tag: dog',
      'Remove filter Tag: beach',
      'Remove filter Album: Summer',
      `Remove filter Taken: ${new Date(Date.UTC(2021, 6, 1)).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })} – ${new Date(Date.UTC(2021, 7, 31)).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })}`,
      'Remove filter Camera: canon',
      'Remove filter Status: Ready',
    ]);
    fireEvent.click(chips.getByRole('button', { name: 'Remove filter Tag: dog' }));
    expect(onChange).toHaveBeenLastCalledWith({ ...value, tags: ['beach'], at: undefined });
    fireEvent.click(chips.getByRole('button', { name: /^Remove filter Taken/ }));
    expect(onChange).toHaveBeenLastCalledWith({ ...value, from: undefined, to: undefined, at: undefined });
    fireEvent.click(chips.getByRole('button', { name: 'Remove filter Album: Summer' }));
    expect(onChange).toHaveBeenLastCalledWith({ ...value, album: undefined, at: undefined });
    // Clear filters keeps the words.
    fireEvent.click(chips.getByRole('button', { name: 'Clear filters' }));
    expect(onChange).toHaveBeenLastCalledWith({ q: 'sunset', tags: [], order: undefined });
  });

  it('has no Clear filters without filters', () => {
    setup({ q: 'dog', tags: [] });
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
  });

  it('adds a range of dates taken and a camera, and refuses a range that ends before it starts', () => {
    const onChange = setup({ q: '', tags: ['dog'], to: '2021-08' });
    const toggle = screen.getByRole('button', { name: 'Date or camera' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const form = screen.getByRole('form', { name: 'Date taken and camera' });
    // A whole month is shown as its days.
    expect((within(form).getByLabelText('Taken until') as HTMLInputElement).value).toBe('2021-08-31');
    fireEvent.change(within(form).getByLabelText('Taken from'), { target: { value: '2021-09-01' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect(within(form).getByRole('alert').textContent).toBe('The first day is after the last one.');
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.change(within(form).getByLabelText('Taken from'), { target: { value: '2021-07-14' } });
    fireEvent.change(within(form).getByLabelText('Camera'), { target: { value: '  Canon EOS ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect(onChange).toHaveBeenCalledWith({ q: '', tags: ['dog'], from: '2021-07-14', to: '2021-08-31', camera: 'Canon EOS', at: undefined });
    expect(screen.queryByRole('form')).toBeNull();
  });
});
