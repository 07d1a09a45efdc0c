import { useId, useState, type FormEvent } from 'react';
import { MEDIA_KINDS, MEDIA_STATUSES, type MediaKind, type StatusFilter, type TagCount } from '../api/types';
import { CloseIcon } from '../ui/icons';
import { KIND_LABELS, STATUS_LABELS } from '../ui/format';

export type SortOrder = 'newest' | 'oldest';

export interface FilterState {
  kind?: MediaKind | undefined;
  status?: StatusFilter | undefined;
  tag?: string | undefined;
  sort: SortOrder;
}

export interface FiltersProps {
  value: FilterState;
  onChange: (next: FilterState) => void;
  tags: readonly TagCount[];
  /** How many tag chips to show before "more". */
  chipLimit?: number;
}

/** Tags as the API stores them: lower case, single spaces. */
export function normalizeTag(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Kind tabs, status and sort menus, a tag search and tag chips with counts. */
export function Filters({ value, onChange, tags, chipLimit = 16 }: FiltersProps) {
  const [query, setQuery] = useState('');
  const [showAll, setShowAll] = useState(false);
  const ids = { status: useId(), sort: useId(), search: useId(), list: useId() };
  const set = (patch: Partial<FilterState>) => onChange({ ...value, ...patch });
  const visible = showAll ? tags : tags.slice(0, chipLimit);

  const search = (event: FormEvent) => {
    event.preventDefault();
    const tag = normalizeTag(query);
    set({ tag: tag || undefined });
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
        <form className="tag-search" role="search" onSubmit={search}>
          <label htmlFor={ids.search} className="visually-hidden">
            Search by tag
          </label>
          <input
            id={ids.search}
            type="search"
            placeholder="Search tags, e.g. beach"
            list={ids.list}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            autoComplete="off"
          />
          <datalist id={ids.list}>
            {tags.map((t) => (
              <option key={t.name} value={t.name} />
            ))}
          </datalist>
          <button type="submit" className="btn btn-quiet">
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
          <select id={ids.sort} value={value.sort} onChange={(e) => set({ sort: e.target.value as SortOrder })}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
          </select>
        </div>
      </div>
      {(tags.length > 0 || value.tag) && (
        <div className="chips" role="group" aria-label="Tags">
          {value.tag && !visible.some((t) => t.name === value.tag) && (
            <button type="button" className="chip" aria-pressed="true" onClick={() => set({ tag: undefined })}>
              {value.tag}
            </button>
          )}
          {visible.map((t) => (
            <button
              key={t.name}
              type="button"
              className="chip"
              aria-pressed={value.tag === t.name}
              onClick={() => set({ tag: value.tag === t.name ? undefined : t.name })}
            >
              {t.name} <span className="chip-count">{t.count}</span>
            </button>
          ))}
          {tags.length > chipLimit && (
            <button type="button" className="chip chip-more" onClick={() => setShowAll((s) => !s)}>
              {showAll ? 'Fewer' : `+${tags.length - chipLimit} more`}
            </button>
          )}
          {(value.tag || value.kind || value.status) && (
            <button
              type="button"
              className="chip chip-clear"
              onClick={() => {
                setQuery('');
                onChange({ sort: value.sort });
              }}
            >
              <CloseIcon size={14} /> Clear filters
            </button>
          )}
        </div>
      )}
    </section>
  );
}
