import { fireEvent, render, screen, within } from '@testing-library/react';
import { KEY_CHANGE_WINDOW, Scrubber, yearsOf } from './Scrubber';
import { scrollToMonth } from './scroll';

const months = [
  { month: '2026-11', count: 9 },
  { month: '2026-02', count: 1 },
  { month: '2021-07', count: 12 },
  { month: '2021-03', count: 4 },
];
const label = (month: string) => new Date(`${month}-01T00:00:00.000Z`).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });

describe('Scrubber', () => {
  it('lists years and months with their counts, and marks the month in view', () => {
    render(<Scrubber months={months} current="2021-07" onJump={jest.fn()} newestFirst />);
    const nav = screen.getByRole('navigation', { name: 'Timeline' });
    expect(within(nav).getByRole('button', { name: '2026, 10 items' })).toBeTruthy();
    expect(within(nav).getByRole('button', { name: '2021, 16 items' })).toBeTruthy();
    const july = within(nav).getByRole('button', { name: `${label('2021-07')}, 12 items` });
    expect(july.getAttribute('aria-current')).toBe('true');
    expect(within(nav).getByRole('button', { name: `${label('2026-02')}, 1 item` }).getAttribute('aria-current')).toBeNull();
  });

  it('jumps to a month, and a year to its newest month (its oldest when oldest first)', () => {
    const onJump = jest.fn();
    const { rerender } = render(<Scrubber months={months} current={null} onJump={onJump} newestFirst />);
    fireEvent.click(screen.getByRole('button', { name: `${label('2021-03')}, 4 items` }));
    expect(onJump).toHaveBeenLastCalledWith('2021-03');
    fireEvent.click(screen.getByRole('button', { name: '2021, 16 items' }));
    expect(onJump).toHaveBeenLastCalledWith('2021-07');
    rerender(<Scrubber months={months} current={null} onJump={onJump} newestFirst={false} />);
    fireEvent.click(screen.getByRole('button', { name: '2021, 16 items' }));
    expect(onJump).toHaveBeenLastCalledWith('2021-03');
  });

  it('is a month menu too, for narrow screens', () => {
    const onJump = jest.fn();
    render(<Scrubber months={months} current="2026-11" onJump={onJump} newestFirst />);
    const select = screen.getByLabelText('Jump to') as HTMLSelectElement;
    expect(select.value).toBe('2026-11');
    expect(Array.from(select.querySelectorAll('optgroup')).map((g) => g.label)).toEqual(['2026', '2021']);
    // A choice made with the pointer in the open list goes there.
    fireEvent.change(select, { target: { value: '2021-07' } });
    expect(onJump).toHaveBeenCalledWith('2021-07');
  });

  describe('month menu and the keyboard', () => {
    afterEach(() => jest.useRealTimers());

    it('only chooses on arrow keys; Enter or Go jumps', () => {
      const onJump = jest.fn();
      render(<Scrubber months={months} current="2026-11" onJump={onJump} newestFirst />);
      const select = screen.getByLabelText('Jump to') as HTMLSelectElement;
      const go = screen.getByRole('button', { name: 'Go to the chosen month' });
      select.focus();
      // Windows browsers fire `change` on each arrow key in a closed menu.
      fireEvent.keyDown(select, { key: 'ArrowDown' });
      fireEvent.change(select, { target: { value: '2026-02' } });
      fireEvent.keyDown(select, { key: 'ArrowDown' });
      fireEvent.change(select, { target: { value: '2021-07' } });
      expect(onJump).not.toHaveBeenCalled();
      expect(select.value).toBe('2021-07');
      expect(document.activeElement).toBe(select);
      fireEvent.keyDown(select, { key: 'Enter' });
      expect(onJump).toHaveBeenCalledTimes(1);
      expect(onJump).toHaveBeenLastCalledWith('2021-07');
      fireEvent.keyDown(select, { key: 'ArrowUp' });
      fireEvent.change(select, { target: { value: '2026-02' } });
      expect(onJump).toHaveBeenCalledTimes(1);
      fireEvent.click(go);
      expect(onJump).toHaveBeenCalledTimes(2);
      expect(onJump).toHaveBeenLastCalledWith('2026-02');
    });

    it('takes a change long after the last key for the pointer', () => {
      jest.useFakeTimers();
      const onJump = jest.fn();
      render(<Scrubber months={months} current="2026-11" onJump={onJump} newestFirst />);
      const select = screen.getByLabelText('Jump to') as HTMLSelectElement;
      fireEvent.keyDown(select, { key: 'Tab' });
      jest.advanceTimersByTime(KEY_CHANGE_WINDOW - 100);
      fireEvent.change(select, { target: { value: '2026-02' } });
      expect(onJump).not.toHaveBeenCalled();
      jest.advanceTimersByTime(KEY_CHANGE_WINDOW + 100);
      fireEvent.change(select, { target: { value: '2021-03' } });
      expect(onJump).toHaveBeenCalledWith('2021-03');
    });

    it('shows the month in view again once the list has moved', () => {
      const onJump = jest.fn();
      const { rerender } = render(<Scrubber months={months} current="2026-11" onJump={onJump} newestFirst />);
      const select = screen.getByLabelText('Jump to') as HTMLSelectElement;
      fireEvent.keyDown(select, { key: 'ArrowDown' });
      fireEvent.change(select, { target: { value: '2021-07' } });
      expect(select.value).toBe('2021-07');
      rerender(<Scrubber months={months} current="2026-02" onJump={onJump} newestFirst />);
      expect(select.value).toBe('2026-02');
    });
  });

  describe('scrollToMonth', () => {
    function page() {
      const root = document.createElement('div');
      root.innerHTML = '<section data-month="2021-07"><h2 class="month-heading" tabindex="-1">July 2021</h2></section>';
      document.body.append(root);
      return root;
    }
    beforeEach(() => {
      window.scrollTo = jest.fn();
    });
    afterEach(() => {
      document.body.innerHTML = '';
    });

    it('moves the focus to the month heading after a jump from the rail', () => {
      render(<Scrubber months={months} current={null} onJump={jest.fn()} newestFirst />);
      const root = page();
      screen.getByRole('button', { name: '2021, 16 items' }).focus();
      expect(scrollToMonth(root, '2021-07')).toBe(true);
      expect(window.scrollTo).toHaveBeenCalled();
      expect(document.activeElement).toBe(root.querySelector('.month-heading'));
    });

    it('leaves the focus in the month menu, or on Go, after a jump from there', () => {
      render(<Scrubber months={months} current="2026-11" onJump={jest.fn()} newestFirst />);
      const root = page();
      const select = screen.getByLabelText('Jump to');
      select.focus();
      expect(scrollToMonth(root, '2021-07')).toBe(true);
      expect(window.scrollTo).toHaveBeenCalled();
      expect(document.activeElement).toBe(select);
      const go = screen.getByRole('button', { name: 'Go to the chosen month' });
      go.focus();
      scrollToMonth(root, '2021-07');
      expect(document.activeElement).toBe(go);
    });
  });

  it('groups months under years in the order given', () => {
    expect(yearsOf(months).map((y) => [y.year, y.count, y.months.length])).toEqual([
      ['2026', 10, 2],
      ['2021', 16, 2],
    ]);
  });
});
