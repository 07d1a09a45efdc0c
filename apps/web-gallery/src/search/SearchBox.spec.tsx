import { act, fireEvent, screen, within } from '@testing-library/react';
import { ServicesProvider } from '../app/services';
import { albumView, fakeApi, renderWith, testServices } from '../test/fixtures';
import { SearchBox, suggestionsFor } from './SearchBox';
import type { RecentStorage } from './recent';

function memoryStorage(initial: Record<string, string> = {}): RecentStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const tags = [
  { name: 'holiday', count: 4 },
  { name: 'beach', count: 9 },
  { name: 'golden hour', count: 2 },
];
const home = albumView({ name: 'Home renovation', itemCount: 3 });

function setup(props: { value?: string; storage?: RecentStorage } = {}) {
  const api = fakeApi({ listTags: jest.fn(async () => tags), listAlbums: jest.fn(async () => ({ items: [home], nextCursor: null })) });
  const handlers = { onSearch: jest.fn(), onChooseTag: jest.fn(), onChooseAlbum: jest.fn() };
  const storage = props.storage ?? memoryStorage();
  const view = renderWith(<SearchBox value={props.value ?? ''} storage={storage} {...handlers} />, testServices(api));
  const input = screen.getByRole('combobox', { name: 'Search your library' }) as HTMLInputElement;
  return { api, input, storage, ...handlers, ...view };
}

async function focus(input: HTMLElement) {
  await act(async () => {
    input.focus();
    fireEvent.focus(input);
  });
}

const type = (input: HTMLElement, value: string) => fireEvent.change(input, { target: { value } });
const active = (input: HTMLElement) => {
  const id = input.getAttribute('aria-activedescendant');
  return id ? document.getElementById(id) : null;
};

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('SearchBox', () => {
  it('is a combobox that controls a listbox of suggestions while focused', async () => {
    const { input, api } = setup();
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.getAttribute('aria-autocomplete')).toBe('list');
    const listbox = document.getElementById(input.getAttribute('aria-controls') ?? '');
    expect(listbox?.getAttribute('role')).toBe('listbox');
    await focus(input);
    expect(api.listTags).toHaveBeenCalled();
    expect(input.getAttribute('aria-expanded')).toBe('true');
    // Empty: the most used tags first.
    const group = screen.getByRole('group', { name: 'Tags' });
    expect(within(group).getAllByRole('option').map((o) => o.textContent?.trim())).toEqual(['beach 9', 'holiday 4', 'golden hour 2']);
  });

  it('searches once typing pauses for 250 ms; words that refine words searched say so', async () => {
    const { input, onSearch } = setup();
    await focus(input);
    type(input, 'sun');
    act(() => jest.advanceTimersByTime(249));
    expect(onSearch).not.toHaveBeenCalled();
    type(input, 'suns');
    act(() => jest.advanceTimersByTime(249));
    expect(onSearch).not.toHaveBeenCalled();
    act(() => jest.advanceTimersByTime(1));
    expect(onSearch).toHaveBeenCalledWith('suns', false);
    type(input, 'sunset');
    act(() => jest.advanceTimersByTime(250));
    expect(onSearch).toHaveBeenLastCalledWith('sunset', true);
    expect(onSearch).toHaveBeenCalledTimes(2);
  });

  it('moves through tags and albums with the arrow keys (wrapping) and chooses with Enter', async () => {
    const { input, onChooseTag, onChooseAlbum, onSearch } = setup();
    await focus(input);
    type(input, 'Ho');
    expect(screen.getAllByRole('option').map((o) => o.textContent?.trim())).toEqual(['holiday 4', 'golden hour 2', 'Home renovation 3 items']);
    expect(active(input)).toBeNull();
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(active(input)?.textContent).toContain('holiday');
    expect(active(input)?.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(active(input)?.textContent).toContain('Home renovation');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(active(input)?.textContent).toContain('holiday');
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    expect(active(input)?.textContent).toContain('Home renovation');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onChooseAlbum).toHaveBeenCalledWith(home);
    // The words were a way to the album: they are cleared, and no search for them runs.
    expect(input.value).toBe('');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    act(() => jest.advanceTimersByTime(1000));
    expect(onSearch).not.toHaveBeenCalled();

    type(input, 'holidays');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onChooseTag).toHaveBeenCalledWith('holiday');
  });

  it('closes with Escape, then clears the words with a second Escape', async () => {
    const { input, onSearch } = setup();
    await focus(input);
    type(input, 'b');
    act(() => jest.advanceTimersByTime(250));
    expect(input.getAttribute('aria-expanded')).toBe('true');
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.value).toBe('b');
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(input.value).toBe('');
    expect(onSearch).toHaveBeenLastCalledWith('', false);
    // The arrow keys open the list again.
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(input.getAttribute('aria-expanded')).toBe('true');
  });

  it('searches at once on Enter and keeps the last eight searches, newest first, clearable', async () => {
    const storage = memoryStorage();
    const { input, onSearch } = setup({ storage });
    await focus(input);
    for (const q of ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'Two']) {
      type(input, q);
      fireEvent.keyDown(input, { key: 'Enter' });
    }
    expect(onSearch).toHaveBeenLastCalledWith('Two', true);
    type(input, '');
    const recent = screen.getByRole('group', { name: 'Recent searches' });
    expect(within(recent).getAllByRole('option').map((o) => o.textContent?.trim())).toEqual(['Two', 'nine', 'eight', 'seven', 'six', 'five', 'four', 'three', 'Clear recent searches']);
    expect(JSON.parse([...storage.data.values()][0] ?? '[]')).toHaveLength(8);
    // A recent search runs again when chosen.
    fireEvent.click(within(recent).getByRole('option', { name: 'nine' }));
    expect(onSearch).toHaveBeenLastCalledWith('nine', true);
    type(input, '');
    fireEvent.click(screen.getByRole('option', { name: 'Clear recent searches' }));
    expect(screen.queryByRole('group', { name: 'Recent searches' })).toBeNull();
    expect(storage.data.size).toBe(0);
  });

  it('shows words changed elsewhere (Back, a chip removed)', () => {
    const { input, rerender, services } = setup({ value: 'dog' });
    expect(input.value).toBe('dog');
    rerender(
      <ServicesProvider services={services}>
        <SearchBox value="" storage={memoryStorage()} onSearch={jest.fn()} onChooseTag={jest.fn()} onChooseAlbum={jest.fn()} />
      </ServicesProvider>,
    );
    expect(input.value).toBe('');
  });
});

describe('suggestionsFor', () => {
  it('matches names by a word’s start, a plural as its singular, and recent searches that continue the words', () => {
    const albums = [albumView({ name: 'Beach days' })];
    const out = suggestionsFor('Bea', tags, albums, ['beach at dusk', 'bea', 'dogs']);
    expect(out.map((s) => s.type + ':' + (s.type === 'tag' ? s.name : s.type === 'album' ? s.album.name : s.type === 'recent' ? s.q : ''))).toEqual([
      'tag:beach',
      'album:Beach days',
      'recent:beach at dusk',
    ]);
    expect(suggestionsFor('beaches', tags, [], []).map((s) => s.type)).toEqual([]);
    expect(suggestionsFor('Holidays', tags, [], []).map((s) => (s.type === 'tag' ? s.name : ''))).toEqual(['holiday']);
  });
});

describe('SearchBox limits', () => {
  it('takes no more words than the API searches for', () => {
    const { input } = setup();
    expect(input.maxLength).toBe(200);
  });
});
