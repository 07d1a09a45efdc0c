import { useId, useRef, useState, type FormEvent } from 'react';
import { CloseIcon, PlusIcon } from '../ui/icons';
import { KIND_LABELS, STATUS_LABELS } from '../ui/format';
import { dateRangeLabel } from './labels';
import { EMPTY_VIEW, fromDay, isDay, isFiltered, toDay, withoutTag, type LibraryView } from './view';

export interface FilterChipsProps {
  value: LibraryView;
  onChange: (next: LibraryView) => void;
  /** The album filter's name, once known. */
  albumName?: string | null | undefined;
}

interface Chip {
  key: string;
  /** What kind of filter, as said before its value ("Tag", "Camera"). */
  what: string;
  label: string;
  without: LibraryView;
}

/** Each active filter as a chip that removes it. */
export function activeChips(view: LibraryView, albumName?: string | null): Chip[] {
  const chips: Chip[] = [];
  if (view.favourite) chips.push({ key: 'favourite', what: 'Favourites', label: 'only', without: { ...view, favourite: undefined } });
  if (view.kind) chips.push({ key: 'kind', what: 'Kind', label: KIND_LABELS[view.kind] ?? view.kind, without: { ...view, kind: undefined } });
  for (const tag of view.tags) chips.push({ key: `tag:${tag}`, what: 'Tag', label: tag, without: withoutTag(view, tag) });
  if (view.album) chips.push({ key: 'album', what: 'Album', label: albumName ?? 'an album', without: { ...view, album: undefined } });
  if (view.from || view.to) chips.push({ key: 'date', what: 'Taken', label: dateRangeLabel(view.from, view.to), without: { ...view, from: undefined, to: undefined } });
  if (view.camera) chips.push({ key: 'camera', what: 'Camera', label: view.camera, without: { ...view, camera: undefined } });
  if (view.status) chips.push({ key: 'status', what: 'Status', label: STATUS_LABELS[view.status] ?? view.status, without: { ...view, status: undefined } });
  return chips;
}

/**
 * The active filters as removable chips, "Clear filters", and a small form that adds a range of
 * dates taken and a camera.
 */
export function FilterChips({ value, onChange, albumName }: FilterChipsProps) {
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState({ from: '', to: '', camera: '' });
  const [error, setError] = useState<string | null>(null);
  const ids = { form: useId(), from: useId(), to: useId(), camera: useId() };
  const chips = activeChips(value, albumName);
  // The chips' buttons by key, and "Date or camera": where the focus goes when what held it goes away.
  const chipButtons = useRef(new Map<string, HTMLButtonElement>());
  const toggle = useRef<HTMLButtonElement>(null);

  const focusToggle = () => toggle.current?.focus();

  /** Removes a chip's filter, handing the focus to the next chip, else the previous, else "Date or camera". */
  const remove = (index: number) => {
    const chip = chips[index];
    if (!chip) return;
    const neighbour = chips[index + 1] ?? chips[index - 1];
    const next = neighbour ? chipButtons.current.get(neighbour.key) : undefined;
    if (next) next.focus();
    else focusToggle();
    onChange({ ...chip.without, at: undefined });
  };

  const close = () => {
    setAdding(false);
    focusToggle();
  };

  const open = () => {
    setDraft({ from: value.from ? fromDay(value.from) : '', to: value.to ? toDay(value.to) : '', camera: value.camera ?? '' });
    setError(null);
    setAdding(true);
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const { from, to } = draft;
    if ((from && !isDay(from)) || (to && !isDay(to))) {
      setError('Enter dates as year-month-day.');
      return;
    }
    if (from && to && from > to) {
      setError('The first day is after the last one.');
      return;
    }
    const camera = draft.camera.trim();
    onChange({ ...value, from: from || undefined, to: to || undefined, camera: camera || undefined, at: undefined });
    close();
  };

  return (
    <div className="active-filters">
      <div className="chips" role="group" aria-label="Active filters">
        {chips.map((chip, index) => (
          <button
            key={chip.key}
            ref={(button) => {
              if (button) chipButtons.current.set(chip.key, button);
              else chipButtons.current.delete(chip.key);
            }}
            type="button"
            className="chip chip-active"
            aria-label={`Remove filter ${chip.what}: ${chip.label}`}
            onClick={() => remove(index)}
          >
            <span className="chip-what">{chip.what}</span> {chip.label} <CloseIcon size={14} />
          </button>
        ))}
        <button ref={toggle} type="button" className="chip chip-more" aria-expanded={adding} aria-controls={adding ? ids.form : undefined} onClick={() => (adding ? setAdding(false) : open())}>
          <PlusIcon size={14} /> Date or camera
        </button>
        {isFiltered(value) && (
          <button
            type="button"
            className="chip chip-clear"
            onClick={() => {
              focusToggle();
              onChange({ ...EMPTY_VIEW, q: value.q, order: value.order });
            }}
          >
            <CloseIcon size={14} /> Clear filters
          </button>
        )}
      </div>
      {adding && (
        <form id={ids.form} className="filter-form" aria-label="Date taken and camera" onSubmit={apply} noValidate>
          <div className="filter-field">
            <label htmlFor={ids.from}>Taken from</label>
            <input id={ids.from} type="date" value={draft.from} max={draft.to || undefined} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          </div>
          <div className="filter-field">
            <label htmlFor={ids.to}>Taken until</label>
            <input id={ids.to} type="date" value={draft.to} min={draft.from || undefined} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
          </div>
          <div className="filter-field">
            <label htmlFor={ids.camera}>Camera</label>
            <input id={ids.camera} type="text" placeholder="e.g. Canon EOS" value={draft.camera} maxLength={128} onChange={(e) => setDraft({ ...draft, camera: e.target.value })} />
          </div>
          <div className="filter-form-actions">
            <button type="submit" className="btn btn-primary btn-small">
              Apply
            </button>
            <button type="button" className="btn btn-quiet btn-small" onClick={close}>
              Cancel
            </button>
          </div>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
