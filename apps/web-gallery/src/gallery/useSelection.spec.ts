import { extended, rangeOf, toggled } from './useSelection';

const order = ['a', 'b', 'c', 'd', 'e'];
const none = { active: false, selected: new Set<string>(), anchor: null, base: new Set<string>() };
const ids = (state: { selected: ReadonlySet<string> }) => [...state.selected].sort();

describe('selection ranges', () => {
  it('takes the ids between two, either way round, and nothing when one is not in the list', () => {
    expect(rangeOf(order, 'b', 'd')).toEqual(['b', 'c', 'd']);
    expect(rangeOf(order, 'd', 'b')).toEqual(['b', 'c', 'd']);
    expect(rangeOf(order, 'c', 'c')).toEqual(['c']);
    expect(rangeOf(order, 'x', 'c')).toEqual([]);
  });

  it('adds a range from the anchor to what was selected before it, and redraws it on the next extension', () => {
    const first = toggled(toggled(none, 'a'), 'c');
    expect(first).toMatchObject({ active: true, anchor: 'c' });
    const wide = extended(first, 'e', order);
    expect(ids(wide)).toEqual(['a', 'c', 'd', 'e']);
    // Back towards the anchor and past it: the range follows, 'a' (from before) stays.
    expect(ids(extended(wide, 'b', order))).toEqual(['a', 'b', 'c']);
  });

  it('starts a range where the focus was when nothing was toggled yet, or at the tile itself', () => {
    expect(ids(extended(none, 'c', order, 'a'))).toEqual(['a', 'b', 'c']);
    expect(ids(extended(none, 'c', order))).toEqual(['c']);
    // An anchor that left the list (trashed, say) is replaced.
    const stale = { ...toggled(none, 'gone'), selected: new Set(['b']) };
    expect(ids(extended(stale, 'd', order, 'c'))).toEqual(['b', 'c', 'd']);
  });

  it('unselects a toggled tile and makes it the anchor', () => {
    const state = toggled(extended(none, 'c', order, 'a'), 'b');
    expect(ids(state)).toEqual(['a', 'c']);
    expect(state.anchor).toBe('b');
  });
});
