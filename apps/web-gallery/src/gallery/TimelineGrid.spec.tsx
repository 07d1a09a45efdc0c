import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { searchHit } from '../test/fixtures';
import { TimelineGrid } from './TimelineGrid';
import type { GridSelection } from './useSelection';

const props = { hasMore: false, loading: false, onLoadMore: jest.fn(), onOpen: jest.fn() };

describe('TimelineGrid', () => {
  it('groups a list by date taken under month and day headers, each month marked for the timeline', () => {
    const items = [
      searchHit({ filename: 'a.jpg', takenAt: '2021-07-14T18:00:00.000Z' }),
      searchHit({ filename: 'b.jpg', takenAt: '2021-07-14T08:00:00.000Z' }),
      searchHit({ filename: 'c.jpg', takenAt: '2021-07-02T08:00:00.000Z' }),
      searchHit({ filename: 'd.jpg', takenAt: '2019-03-01T08:00:00.000Z' }),
    ];
    const { container } = render(<TimelineGrid items={items} grouped showMatched={false} {...props} />);
    const region = screen.getByRole('region', { name: 'Your library' });
    expect(within(region).getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual([
      new Date('2021-07-01T00:00:00Z').toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
      new Date('2019-03-01T00:00:00Z').toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
    ]);
    expect(Array.from(container.querySelectorAll('[data-month]')).map((s) => s.getAttribute('data-month'))).toEqual(['2021-07', '2019-03']);
    // One list per day, named by its header.
    const days = within(region).getAllByRole('list');
    expect(days).toHaveLength(3);
    const day = new Date('2021-07-14T00:00:00Z').toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
    expect(within(screen.getByRole('list', { name: day })).getAllByRole('button').map((b) => b.getAttribute('aria-label'))).toEqual(['a.jpg', 'b.jpg']);
  });

  it('shows search results in one grid, each saying where it matched', () => {
    const items = [searchHit({ filename: 'sunset-beach.jpg' }, ['filename', 'label']), searchHit({ filename: 'x.jpg' }, [])];
    render(<TimelineGrid items={items} grouped={false} showMatched label="Results for “suns”" {...props} />);
    expect(screen.queryByRole('heading')).toBeNull();
    const tile = screen.getByRole('button', { name: 'sunset-beach.jpg' });
    expect(tile.closest('li')?.textContent).toContain('in file name · label');
    expect(document.getElementById(tile.getAttribute('aria-describedby') ?? '')?.textContent).toBe('in file name · label');
    expect(screen.getByRole('button', { name: 'x.jpg' }).getAttribute('aria-describedby')).toBeNull();
  });

  it('moves focus with the arrow keys across day groups, in the list’s order', () => {
    const items = [
      searchHit({ filename: 'one.jpg', takenAt: '2021-07-14T08:00:00.000Z' }),
      searchHit({ filename: 'two.jpg', takenAt: '2021-07-13T08:00:00.000Z' }),
    ];
    render(<TimelineGrid items={items} grouped showMatched={false} {...props} />);
    const first = screen.getByRole('button', { name: 'one.jpg' });
    first.focus();
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'two.jpg' }));
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'Home' });
    expect(document.activeElement).toBe(first);
  });

  it('with multi-select is one grid: each day a row group under its header row, one Tab stop, Shift+arrows across days', () => {
    const items = [
      searchHit({ filename: 'one.jpg', takenAt: '2021-07-14T08:00:00.000Z' }),
      searchHit({ filename: 'two.jpg', takenAt: '2021-07-13T08:00:00.000Z' }),
      searchHit({ filename: 'three.jpg', takenAt: '2021-06-01T08:00:00.000Z' }),
    ];
    const multiselect: GridSelection = { selected: new Set(), selecting: false, onPick: jest.fn(), onSelectAll: jest.fn(), onExit: jest.fn() };
    render(<TimelineGrid items={items} grouped showMatched={false} multiselect={multiselect} {...props} />);
    const grid = screen.getByRole('grid', { name: 'Your library' });
    expect(screen.getAllByRole('grid')).toHaveLength(1);
    // No list or region inside the grid: rows (headers and tiles) in row groups.
    expect(within(grid).queryAllByRole('list')).toHaveLength(0);
    expect(within(grid).queryAllByRole('region')).toHaveLength(0);
    const day = new Date('2021-07-13T00:00:00Z').toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
    const group = within(grid).getByRole('rowgroup', { name: day });
    expect(within(group).getAllByRole('row').map((row) => row.textContent)).toEqual([day, expect.stringContaining('two.jpg')]);
    expect(within(grid).getAllByRole('rowgroup')).toHaveLength(3);
    // Every row's parent in the accessibility tree is the grid or a row group.
    for (const row of within(grid).getAllByRole('row')) expect(row.parentElement?.closest('[role="grid"], [role="rowgroup"]')?.getAttribute('role')).toMatch(/^(grid|rowgroup)$/);
    const tabStops = within(grid).getAllByRole('button').filter((b) => b.tabIndex === 0);
    expect(tabStops.map((b) => b.getAttribute('aria-label'))).toEqual(['one.jpg']);
    const first = screen.getByRole('button', { name: 'one.jpg' });
    act(() => first.focus());
    fireEvent.keyDown(first, { key: 'ArrowRight', shiftKey: true });
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowRight', shiftKey: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'three.jpg' }));
    expect(multiselect.onPick).toHaveBeenLastCalledWith(items[2]?.id, 'extend', items[1]?.id);
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'a', ctrlKey: true });
    expect(multiselect.onSelectAll).toHaveBeenCalledTimes(1);
  });
});
