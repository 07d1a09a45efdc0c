import { fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
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

  it('shows the favourites filter as a chip first, which removes only it; Clear filters drops it too', () => {
    const value: LibraryView = { q: '', tags: ['dog'], favourite: true };
    const onChange = setup(value);
    const chips = within(screen.getByRole('group', { name: 'Active filters' }));
    expect(chips.getAllByRole('button', { name: /^Remove filter/ }).map((b) => b.getAttribute('aria-label'))).toEqual(['Remove filter Favourites: only', 'Remove filter Tag: dog']);
    fireEvent.click(chips.getByRole('button', { name: 'Remove filter Favourites: only' }));
    expect(onChange).toHaveBeenLastCalledWith({ q: '', tags: ['dog'], favourite: undefined, at: undefined });
    fireEvent.click(chips.getByRole('button', { name: 'Clear filters' }));
    expect(onChange).toHaveBeenLastCalledWith({ q: '', tags: [], order: undefined });
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

  describe('focus', () => {
    /** Renders with a parent that applies the changes, as the page does. */
    function Harness({ initial }: { initial: LibraryView }) {
      const [value, setValue] = useState(initial);
      return <FilterChips value={value} onChange={setValue} />;
    }
    const chip = (name: string) => screen.getByRole('button', { name: `Remove filter ${name}` });
    const toggle = () => screen.getByRole('button', { name: 'Date or camera' });

    it('goes to the next chip after a removal, else the previous, else "Date or camera"', () => {
      render(<Harness initial={{ q: '', tags: ['dog', 'beach', 'cat'] }} />);
      chip('Tag: dog').focus();
      fireEvent.click(chip('Tag: dog'));
      expect(screen.queryByRole('button', { name: 'Remove filter Tag: dog' })).toBeNull();
      expect(document.activeElement).toBe(chip('Tag: beach'));
      chip('Tag: cat').focus();
      fireEvent.click(chip('Tag: cat'));
      expect(document.activeElement).toBe(chip('Tag: beach'));
      fireEvent.click(chip('Tag: beach'));
      expect(screen.queryAllByRole('button', { name: /^Remove filter/ })).toHaveLength(0);
      expect(document.activeElement).toBe(toggle());
    });

    it('goes to "Date or camera" after Clear filters', () => {
      render(<Harness initial={{ q: '', tags: ['dog'] }} />);
      screen.getByRole('button', { name: 'Clear filters' }).focus();
      fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
      expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
      expect(document.activeElement).toBe(toggle());
    });

    it('returns to "Date or camera" after Apply or Cancel, which controls the form only while it is open', () => {
      render(<Harness initial={{ q: '', tags: [] }} />);
      expect(toggle().getAttribute('aria-controls')).toBeNull();
      fireEvent.click(toggle());
      const form = screen.getByRole('form', { name: 'Date taken and camera' });
      expect(toggle().getAttribute('aria-controls')).toBe(form.id);
      const cancel = within(form).getByRole('button', { name: 'Cancel' });
      cancel.focus();
      fireEvent.click(cancel);
      expect(screen.queryByRole('form')).toBeNull();
      expect(toggle().getAttribute('aria-controls')).toBeNull();
      expect(document.activeElement).toBe(toggle());

      fireEvent.click(toggle());
      const again = screen.getByRole('form', { name: 'Date taken and camera' });
      fireEvent.change(within(again).getByLabelText('Camera'), { target: { value: 'Canon' } });
      const apply = within(again).getByRole('button', { name: 'Apply' });
      apply.focus();
      fireEvent.click(apply);
      expect(screen.queryByRole('form')).toBeNull();
      expect(document.activeElement).toBe(toggle());
      expect(chip('Camera: Canon')).toBeTruthy();
    });

    it('stays in the form when Apply is refused', () => {
      render(<Harness initial={{ q: '', tags: [] }} />);
      fireEvent.click(toggle());
      const form = screen.getByRole('form', { name: 'Date taken and camera' });
      fireEvent.change(within(form).getByLabelText('Taken from'), { target: { value: '2021-09-01' } });
      fireEvent.change(within(form).getByLabelText('Taken until'), { target: { value: '2021-08-01' } });
      const apply = within(form).getByRole('button', { name: 'Apply' });
      apply.focus();
      fireEvent.click(apply);
      expect(document.activeElement).toBe(apply);
    });
  });
});
