import { fireEvent, render, screen } from '@testing-library/react';
import { Filters, type FilterState } from './Filters';
import { sortItems } from './Library';
import { mediaItem } from '../test/fixtures';

const tags = [
  { name: 'beach', count: 12 },
  { name: 'dog', count: 3 },
];

function setup(value: FilterState = { sort: 'newest' }) {
  const onChange = jest.fn();
  render(<Filters value={value} onChange={onChange} tags={tags} />);
  return onChange;
}

describe('Filters', () => {
  it('shows tag chips with counts and filters by one', () => {
    const onChange = setup();
    fireEvent.click(screen.getByRole('button', { name: 'beach 12' }));
    expect(onChange).toHaveBeenCalledWith({ sort: 'newest', tag: 'beach' });
  });

  it('un-selects the active chip', () => {
    const onChange = setup({ sort: 'newest', tag: 'dog' });
    const chip = screen.getByRole('button', { name: 'dog 3' });
    expect(chip.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(chip);
    expect(onChange).toHaveBeenCalledWith({ sort: 'newest', tag: undefined });
  });

  it('searches by tag, normalised as the API stores tags', () => {
    const onChange = setup();
    fireEvent.change(screen.getByLabelText('Search by tag'), { target: { value: '  Golden   Hour ' } });
    fireEvent.submit(screen.getByRole('search'));
    expect(onChange).toHaveBeenCalledWith({ sort: 'newest', tag: 'golden hour' });
  });

  it('filters by kind and status, sorts, and clears everything', () => {
    const onChange = setup({ sort: 'newest', kind: 'image', status: 'failed' });
    fireEvent.click(screen.getByRole('button', { name: 'Videos' }));
    expect(onChange).toHaveBeenLastCalledWith({ sort: 'newest', kind: 'video', status: 'failed' });
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'flagged' } });
    expect(onChange).toHaveBeenLastCalledWith({ sort: 'newest', kind: 'image', status: 'flagged' });
    fireEvent.change(screen.getByLabelText('Sort'), { target: { value: 'oldest' } });
    expect(onChange).toHaveBeenLastCalledWith({ sort: 'oldest', kind: 'image', status: 'failed' });
    fireEvent.click(screen.getByRole('button', { name: /Clear filters/ }));
    expect(onChange).toHaveBeenLastCalledWith({ sort: 'newest' });
  });

  it('"oldest first" reverses the loaded, newest-first list', () => {
    const a = mediaItem();
    const b = mediaItem();
    expect(sortItems([b, a], 'oldest')).toEqual([a, b]);
    expect(sortItems([b, a], 'newest')).toEqual([b, a]);
  });
});
