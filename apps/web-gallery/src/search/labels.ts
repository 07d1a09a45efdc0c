import type { SearchField } from '../api/types';
import { isMonth } from './view';

// Dates here are UTC on purpose: the timeline's months and the API's date bounds are UTC, so a
// header, the rail and a jump all agree on which month a photo is in.

/** A result's fields as a person says them. */
export const FIELD_WORDS: Readonly<Record<SearchField, string>> = {
  title: 'title',
  description: 'description',
  filename: 'file name',
  tag: 'tag',
  label: 'label',
  audio: 'audio',
  camera: 'camera',
  text: 'text in the picture',
};

/** Where the words were found, e.g. "in file name · label"; '' when nothing is said. */
export function matchedLine(fields: readonly SearchField[]): string {
  return fields.length > 0 ? `in ${fields.map((f) => FIELD_WORDS[f]).join(' · ')}` : '';
}

function utc(value: string): Date {
  const [year, month, day] = value.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1));
}

/** `2021-07` -> "July 2021". */
export function monthLabel(month: string, locale?: string): string {
  return utc(month).toLocaleDateString(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** `2021-07` -> "Jul". */
export function shortMonthLabel(month: string, locale?: string): string {
  return utc(month).toLocaleDateString(locale, { month: 'short', timeZone: 'UTC' });
}

/** `2021-07-14` -> "Wed 14 Jul" (en-GB). */
export function dayLabel(day: string, locale?: string): string {
  return utc(day).toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** A range bound: a day as "14 Jul 2021", a whole month as "Jul 2021". */
export function boundLabel(value: string, locale?: string): string {
  return isMonth(value)
    ? utc(value).toLocaleDateString(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' })
    : utc(value).toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** "14 Jul 2021 – 20 Aug 2021", "From 14 Jul 2021" or "Until 20 Aug 2021". */
export function dateRangeLabel(from: string | undefined, to: string | undefined, locale?: string): string {
  if (from && to) return `${boundLabel(from, locale)} – ${boundLabel(to, locale)}`;
  if (from) return `From ${boundLabel(from, locale)}`;
  return to ? `Until ${boundLabel(to, locale)}` : '';
}
