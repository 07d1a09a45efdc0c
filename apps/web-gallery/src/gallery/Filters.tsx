import { useId, useState, type FormEvent } from 'react';
import { MEDIA_KINDS, MEDIA_STATUSES, type SearchOrder, type StatusFilter, type TagCount } from '../api/types';
import { FilterChips } from '../search/FilterChips';
import { effectiveOrder, hasWords, MAX_TAG_LENGTH, MAX_TAGS, normalizeTag, withoutTag, withTag, type LibraryView } from '../search/view';
import { KIND_LABELS, STATUS_LABELS } from '../ui/format';

export { normalizeTag } from '../search/view';

export interface FiltersProps {
  value: LibraryView;
  onChange: (next: LibraryView) => void;
  tags: readonly TagCount[];
  /** The album filter's name, once known. */
  albumName?: string | null | undefined;
  /** How many tag chips to show before "more". */
  chipLimit?: number;
}

const ORDER_LABELS: Record<SearchOrder, string> = { relevance: 'Relevance', 'taken-desc': 'Newest taken', 'taken-asc': 'Oldest taken' };

/**
 * Kind tabs, a tag by name, status and sort menus, the active filters as chips, and tag chips
 * with counts (choosing one adds it: an item must carry every chosen tag).
 */
export function Filters({ value, onChange, tags, albumName, chipLimit = 16 }: FiltersProps) {
  const [query, setQuery] = useState('');
  const [showAll, setShowAll] = useState(false);
  const ids = { status: useId(), sort: useId(), search: useId(), list: useId(), full: useId() };
  // The API takes at most MAX_TAGS tags: more cannot be added, and the person is told why.
  const full = value.tags.length >= MAX_TAGS;
  // Any change of filter starts the list again from the top.
  const set = (patch: Partial<LibraryView>) => onChange({ ...value, ...patch, at: undefined });
  const visible = showAll ? tags : tags.slice(0, chipLimit);
  const orders: SearchOrder[] = hasWords(value.q) ? ['relevance', 'taken-desc', 'taken-asc'] : ['taken-desc', 'taken-asc'];

  const addTag = (event: FormEvent) => {
    event.preventDefault();
    const tag = normalizeTag(query);
    if (!tag) return;
    onChange(withTag(value, tag));
    setQuery('');
  };

  return (
    <section className="filters" aria-label="Filters">
      <div className="filters-row">
        <div className="segmented" role="group" aria-label="Kind">
          <button type="button" aria-pressed={!value.kind} onClick={() => set({ kind: undefined })}>
            All
          </button>
          {MEDIA_KINDS.map((kind) => (
            <button key={kind} type="button" aria-pressed={value.kind === kind} onClick={() => set({ kind: value.kind === kind ? undefined : kind })}>
              {KIND_LABELS[kind]}
            </button>
          ))}
        </div>
        <form className="tag-search" role="search" aria-label="Tag filter" onSubmit={addTag}>
          <label htmlFor={ids.search} className="visually-hidden">
            Search by tag
          </label>
          <input
            id={ids.search}
            type="search"
            placeholder="Filter by tag, e.g. beach"
            list={ids.list}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            autoComplete="off"
            maxLength={MAX_TAG_LENGTH}
            disabled={full}
            aria-describedby={full ? ids.full : undefined}
          />
          <datalist id={ids.list}>
            {tags.map((t) => (
              <option key={t.name} value={t.name} />
            ))}
          </datalist>
          <button type="submit" className="btn btn-quiet" disabled={full} aria-describedby={full ? ids.full : undefined}>
            Search
          </button>
        </form>
        <div className="filters-menus">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={value.status ?? ''} onChange={(e) => set({ status: (e.target.value || undefined) as StatusFilter | undefined })}>
            <option value="">Any</option>
            {MEDIA_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          <label htmlFor={ids.sort}>Sort</label>
          <select id={ids.sort} value={effectiveOrder(value)} onChange={(e) => set({ order: e.target.value as SearchOrder })}>
            {orders.map((order) => (
              <option key={order} value={order}>
                {ORDER_LABELS[order]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <FilterChips value={value} onChange={onChange} albumName={albumName} />
      <p id={ids.full} className="muted filters-note" role="status">
        {full ? `You can filter by up to ${MAX_TAGS} tags. Remove one to add another.` : ''}
      </p>
      {tags.length > 0 && (
        <div className="chips" role="group" aria-label="Tags">
          {visible.map((t) => {
            const on = value.tags.includes(t.name);
            // Left focusable when it cannot be added, so its description can say why.
            const blocked = full && !on;
            return (
              <button
                key={t.name}
                type="button"
                className="chip"
                aria-pressed={on}
                aria-disabled={blocked || undefined}
                aria-describedby={blocked ? ids.full : undefined}
                onClick={() => {
                  if (on) onChange(withoutTag(value, t.name));
                  else if (!blocked) onChange(withTag(value, t.name));
                }}
              >
                {t.name} <span className="chip-count">{t.count}</span>
              </button>
            );
          })}
          {tags.length > chipLimit && (
            <button type="button" className="chip chip-more" onClick={() => setShowAll((s) => !s)}>
              {showAll ? 'Fewer' : `+${tags.length - chipLimit} more`}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
