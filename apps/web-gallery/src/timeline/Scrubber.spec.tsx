import { fireEvent, render, screen, within } from '@testing-library/react';
import { Scrubber, yearsOf } from './Scrubber';

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
    fireEvent.change(select, { target: { value: '2021-07' } });
    expect(onJump).toHaveBeenCalledWith('2021-07');
  });

  it('groups months under years in the order given', () => {
    expect(yearsOf(months).map((y) => [y.year, y.count, y.months.length])).toEqual([
      ['2026', 10, 2],
      ['2021', 16, 2],
    ]);
  });
});
