import { fireEvent, render, screen } from '@testing-library/react';
import { LoadFailed, LoadMore } from './ListStates';
import { TopbarStart } from './TopbarStart';

describe('LoadFailed', () => {
  it('says what failed and why, with more to say before a Try again button', () => {
    const onRetry = jest.fn();
    render(
      <LoadFailed title="Your albums could not be loaded" detail="The server did not answer." onRetry={onRetry}>
        <p>Check your connection.</p>
      </LoadFailed>,
    );
    const alert = screen.getByRole('alert');
    expect(alert.className).toBe('state state-error');
    expect(screen.getByRole('heading', { level: 2, name: 'Your albums could not be loaded' })).toBeTruthy();
    expect(Array.from(alert.querySelectorAll('p'), (p) => p.textContent)).toEqual(['The server did not answer.', 'Check your connection.']);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});

describe('LoadMore', () => {
  it('shows only while there is a next page and something above it', () => {
    const { rerender, container } = render(<LoadMore hasMore={false} count={3} loading={false} onLoadMore={jest.fn()} />);
    expect(container.innerHTML).toBe('');
    rerender(<LoadMore hasMore count={0} loading={false} onLoadMore={jest.fn()} />);
    expect(container.innerHTML).toBe('');
  });

  it('asks for the next page, and is disabled while one loads', () => {
    const onLoadMore = jest.fn();
    const { rerender } = render(<LoadMore hasMore count={3} loading={false} onLoadMore={onLoadMore} label="More albums" />);
    fireEvent.click(screen.getByRole('button', { name: 'More albums' }));
    expect(onLoadMore).toHaveBeenCalledTimes(1);
    rerender(<LoadMore hasMore count={3} loading onLoadMore={onLoadMore} label="More albums" />);
    const button = screen.getByRole('button', { name: 'Loading…' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    rerender(<LoadMore hasMore count={3} loading={false} onLoadMore={onLoadMore} />);
    expect(screen.getByRole('button', { name: 'Load more' }).closest('.grid-more')).toBeTruthy();
  });
});

describe('TopbarStart', () => {
  it('is the skip link to the main content, then the brand', () => {
    const { container } = render(<TopbarStart />);
    expect(screen.getByRole('link', { name: 'Skip to content' }).getAttribute('href')).toBe('#main');
    expect(container.querySelector('.brand')?.textContent).toBe('Mediaflow');
  });
});
