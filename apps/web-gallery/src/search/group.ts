/** What grouping needs of an item: when it was taken (the API's UTC `takenAt`). */
export interface Taken {
  takenAt: string;
  createdAt: string;
}

export interface DayGroup<T> {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  items: T[];
}

export interface MonthGroup<T> {
  /** `YYYY-MM`, UTC: the timeline's month. */
  month: string;
  days: DayGroup<T>[];
}

/** The UTC day an item was taken, `YYYY-MM-DD` (its upload day when the date is unreadable). */
export function takenDay(item: Taken): string {
  for (const value of [item.takenAt, item.createdAt]) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString().slice(0, 10);
  }
  return '1970-01-01';
}

/**
 * Items under month and day headers, in the order given (the server's, by date taken). Each month
 * and day appears once even if an item arrives out of order, so headers never repeat.
 *
 * @example
 * groupByTaken(items) // [{ month: '2021-07', days: [{ day: '2021-07-14', items: [...] }] }]
 */
export function groupByTaken<T extends Taken>(items: readonly T[]): MonthGroup<T>[] {
  const months = new Map<string, Map<string, T[]>>();
  for (const item of items) {
    const day = takenDay(item);
    const month = day.slice(0, 7);
    let days = months.get(month);
    if (!days) {
      days = new Map();
      months.set(month, days);
    }
    const list = days.get(day);
    if (list) list.push(item);
    else days.set(day, [item]);
  }
  return [...months].map(([month, days]) => ({ month, days: [...days].map(([day, list]) => ({ day, items: list })) }));
}
