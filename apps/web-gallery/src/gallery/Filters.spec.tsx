import { fireEvent, render, screen } from '@testing-library/react';
import { MAX_TAGS, type LibraryView } from '../search/view';
import { Filters } from './Filters';

const tags = [
  { name: 'beach', count: 12 },
  { name: 'dog', count: 3 },
];

function setup(value: LibraryView = { q: '', tags: [] }) {
  const onChange = jest.fn();
  render(<Filters value={value} onChange={onChange} tags={tags} />);
  return onChange;
}

describe('Filters', () => {
  it('shows tag chips with counts; choosing one adds it to the tags (all must match)', () => {
    const onChange = setup({ q: '', tags: ['dog'] });
    fireEvent.click(screen.getByRole('button', { name: 'beach 12' }));
    expect(onChange).toHaveBeenCalledWith({ q: '', tags: ['dog', 'beach'], at: undefined });
  });

  it('un-selects an active chip', () => {
    const onChange = setup({ q: '', tags: ['dog', 'beach'] });
    const chip = screen.getByRole('button', { name: 'dog 3' });
    expect(chip.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(chip);
    expect(onChange).toHaveBeenCalledWith({ q: '', tags: ['beach'], at: undefined });
  });

  it('adds a tag by name, normalised as the API stores tags', () => {
    const onChange = setup();
    fireEvent.change(screen.getByLabelText('Search by tag'), { target: { value: '  Golden   Hour ' } });
    fireEvent.submit(screen.getByRole('search', { name: 'Tag filter' }));
    expect(onChange).toHaveBeenCalledWith({ q: '', tags: ['golden hour'], at: undefined });
  });

  it('filters by kind and status, and leaves a timeline jump when a filter changes', () => {
    const onChange = setup({ q: '', tags: [], kind: 'image', status: 'failed', at: '2021-07' });
    fireEvent.click(screen.getByRole('button', { name: 'Videos' }));
    expect(onChange).toHaveBeenLastCalledWith({ q: '', tags: [], kind: 'video', status: 'failed', at: undefined });
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'flagged' } });
    expect(onChange).toHaveBeenLastCalledWith({ q: '', tags: [], kind: 'image', status: 'flagged', at: undefined });
    fireEvent.click(screen.getByRole('button', { name: /Clear filters/ }));
    expect(onChange).toHaveBeenLastCalledWith({ q: '', tags: [], order: undefined });
  });

  it('sorts by date taken without words, and offers relevance with them', () => {
    const onChange = setup();
    const sort = screen.getByLabelText('Sort') as HTMLSelectElement;
    expect(Array.from(sort.options).map((o) => o.text)).toEqual(['Newest taken', 'Oldest taken']);
    expect(sort.value).toBe('taken-desc');
    fireEvent.change(sort, { target: { value: 'taken-asc' } });
    expect(onChange).toHaveBeenLastCalledWith({ q: '', tags: [], order: 'taken-asc', at: undefined });
  });

  it('offers relevance (the default) when there are words to rank by', () => {
    setup({ q: 'sunset', tags: [] });
    const sort = screen.getByLabelText('Sort') as HTMLSelectElement;
    expect(Array.from(sort.options).map((o) => o.text)).toEqual(['Relevance', 'Newest taken', 'Oldest taken']);
    expect(sort.value).toBe('relevance');
  });

  it('adds no tag past the most a search takes, and says why', () => {
    const ten = Array.from({ length: MAX_TAGS - 1 }, (_, i) => `t${i}`);
    const onChange = setup({ q: '', tags: [...ten, 'dog'] });
    const note = screen.getByRole('status');
    expect(note.textContent).toBe(`You can filter by up to ${MAX_TAGS} tags. Remove one to add another.`);
    const input = screen.getByLabelText('Search by tag') as HTMLInputElement;
    expect(input.disabled).toBe(true);
    expect(input.getAttribute('aria-describedby')).toBe(note.id);
    const beach = screen.getByRole('button', { name: 'beach 12' });
    expect(beach.getAttribute('aria-disabled')).toBe('true');
    expect(beach.getAttribute('aria-describedby')).toBe(note.id);
    fireEvent.click(beach);
    expect(onChange).not.toHaveBeenCalled();
    // A chosen one can still be taken off.
    fireEvent.click(screen.getByRole('button', { name: 'dog 3' }));
    expect(onChange).toHaveBeenCalledWith({ q: '', tags: ten, at: undefined });
  });

  it('says nothing of the limit below it', () => {
    setup({ q: '', tags: ['dog'] });
    expect(screen.getByRole('status').textContent).toBe('');
    expect(screen.getByRole('button', { name: 'beach 12' }).getAttribute('aria-disabled')).toBeNull();
  });
});
