import { searchHit } from '../test/fixtures';
import { groupByTaken, takenDay } from './group';
import { dateRangeLabel, dayLabel, matchedLine, monthLabel } from './labels';

const at = (takenAt: string) => searchHit({ takenAt });

describe('groupByTaken', () => {
  it('puts items under their month, then their day, in the order given', () => {
    const a = at('2021-07-14T18:00:00.000Z');
    const b = at('2021-07-14T08:00:00.000Z');
    const c = at('2021-07-02T23:59:59.999Z');
    const d = at('2019-03-01T00:00:00.000Z');
    expect(groupByTaken([a, b, c, d])).toEqual([
      { month: '2021-07', days: [{ day: '2021-07-14', items: [a, b] }, { day: '2021-07-02', items: [c] }] },
      { month: '2019-03', days: [{ day: '2019-03-01', items: [d] }] },
    ]);
  });

  it('oldest first as well, and never repeats a header for an item out of order', () => {
    const a = at('2019-03-01T10:00:00.000Z');
    const b = at('2021-07-14T10:00:00.000Z');
    const late = at('2019-03-01T09:00:00.000Z');
    const groups = groupByTaken([a, b, late]);
    expect(groups.map((g) => g.month)).toEqual(['2019-03', '2021-07']);
    expect(groups[0]?.days).toEqual([{ day: '2019-03-01', items: [a, late] }]);
  });

  it('groups by the UTC day the API dates in, the upload day when the date is unreadable', () => {
    expect(takenDay({ takenAt: '2021-07-14T23:30:00-02:00', createdAt: '2026-01-01T00:00:00.000Z' })).toBe('2021-07-15');
    expect(takenDay({ takenAt: 'unknown', createdAt: '2026-01-01T10:00:00.000Z' })).toBe('2026-01-01');
  });
});

describe('labels', () => {
  it('names months and days, in UTC', () => {
    expect(monthLabel('2021-07', 'en-GB')).toBe('July 2021');
    expect(dayLabel('2021-07-14', 'en-GB')).toBe('Wed 14 Jul');
    expect(dateRangeLabel('2021-07-14', '2021-08', 'en-GB')).toBe('14 Jul 2021 – Aug 2021');
    expect(dateRangeLabel(undefined, '2021-08-20', 'en-GB')).toBe('Until 20 Aug 2021');
    expect(dateRangeLabel('2021-07', undefined, 'en-GB')).toBe('From Jul 2021');
  });

  it('says where a result matched in words', () => {
    expect(matchedLine(['filename', 'label'])).toBe('in file name · label');
    expect(matchedLine(['title', 'tag', 'audio', 'camera', 'description'])).toBe('in title · tag · audio · camera · description');
    expect(matchedLine([])).toBe('');
  });
});
