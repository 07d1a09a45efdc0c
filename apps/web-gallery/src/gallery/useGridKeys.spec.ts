import { neighbour } from './useGridKeys';

/** Tiles laid out at these [top, left] places, as the browser would measure them. */
function laidOut(places: readonly [number, number][]): HTMLElement[] {
  return places.map(([top, left]) => {
    const tile = document.createElement('li');
    tile.getBoundingClientRect = () => ({ top, left, bottom: top + 100, right: left + 100, width: 100, height: 100, x: left, y: top, toJSON: () => ({}) });
    return tile;
  });
}

describe('neighbour', () => {
  // Two days side by side (three tiles, then two), then a day of two on the next line.
  const tiles = laidOut([
    [0, 0],
    [0, 110],
    [0, 220],
    [0, 360],
    [0, 470],
    [150, 0],
    [150, 110],
  ]);
  const at = (i: number) => tiles[i] as HTMLElement;

  it('goes left and right in the list’s order, Home and End to the ends', () => {
    expect(neighbour(tiles, at(2), 'ArrowRight')).toBe(at(3));
    expect(neighbour(tiles, at(5), 'ArrowLeft')).toBe(at(4));
    expect(neighbour(tiles, at(3), 'Home')).toBe(at(0));
    expect(neighbour(tiles, at(3), 'End')).toBe(at(6));
    expect(neighbour(tiles, at(6), 'ArrowRight')).toBeUndefined();
  });

  it('goes up and down to the nearest row, to the tile closest in column, across days', () => {
    expect(neighbour(tiles, at(1), 'ArrowDown')).toBe(at(6));
    expect(neighbour(tiles, at(4), 'ArrowDown')).toBe(at(6));
    expect(neighbour(tiles, at(5), 'ArrowUp')).toBe(at(0));
    expect(neighbour(tiles, at(0), 'ArrowUp')).toBeUndefined();
    expect(neighbour(tiles, at(6), 'ArrowDown')).toBeUndefined();
  });
});
