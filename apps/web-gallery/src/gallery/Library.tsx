import { useMemo, useState } from 'react';
import { AddToAlbumDialog } from '../albums/AddToAlbumDialog';
import type { MediaView } from '../api/types';
import { AlbumIcon, CheckIcon, UploadIcon } from '../ui/icons';
import { LoadFailed } from '../ui/ListStates';
import { Filters, type FilterState } from './Filters';
import { Grid } from './Grid';
import { SelectionBar } from './SelectionBar';
import type { MediaListState } from './useMediaList';
import { useSelection } from './useSelection';
import { useTags } from './useTags';

export interface LibraryProps {
  list: MediaListState;
  filter: FilterState;
  onFilterChange: (next: FilterState) => void;
  onOpen: (id: string) => void;
  onPickFiles: () => void;
}

/** Items in the order the person chose; the API lists newest first, so "oldest" reverses what is loaded. */
export function sortItems(items: readonly MediaView[], sort: FilterState['sort']): readonly MediaView[] {
  return sort === 'oldest' ? [...items].reverse() : items;
}

function SkeletonGrid() {
  return (
    <ul className="grid" aria-hidden="true">
      {Array.from({ length: 12 }, (_, i) => (
        <li key={i} className="tile skeleton" />
      ))}
    </ul>
  );
}

export function Library({ list, filter, onFilterChange, onOpen, onPickFiles }: LibraryProps) {
  const tags = useTags();
  const items = useMemo(() => sortItems(list.items, filter.sort), [list.items, filter.sort]);
  const filtered = Boolean(filter.kind || filter.status || filter.tag);
  const selection = useSelection();
  const [adding, setAdding] = useState(false);
  const chosen = useMemo(() => list.items.filter((i) => selection.selected.has(i.id)), [list.items, selection.selected]);

  let body;
  if (list.error && items.length === 0) {
    body = (
      <LoadFailed title="Your library could not be loaded" detail={list.error} onRetry={list.retry}>
        <p>Check that Mediaflow is running, then try again.</p>
      </LoadFailed>
    );
  } else if (items.length === 0 && list.loading) {
    body = <SkeletonGrid />;
  } else if (items.length === 0 && filtered) {
    body = (
      <div className="state">
        <h2>Nothing matches these filters</h2>
        <p>Try another tag or kind, or clear the filters to see everything.</p>
        <button type="button" className="btn" onClick={() => onFilterChange({ sort: filter.sort })}>
          Clear filters
        </button>
      </div>
    );
  } else if (items.length === 0) {
    body = (
      <div className="state state-empty">
        <div className="state-art" aria-hidden="true">
          <UploadIcon size={40} />
        </div>
        <h2>Your library is empty</h2>
        <p>Drop photos, videos, audio or documents anywhere on this page, or choose files to upload. Mediaflow makes web-ready versions and tags them for you.</p>
        <button type="button" className="btn btn-primary" onClick={onPickFiles}>
          Choose files
        </button>
      </div>
    );
  } else {
    body = (
      <Grid
        items={items}
        hasMore={list.hasMore}
        loading={list.loading}
        onLoadMore={list.loadMore}
        onOpen={onOpen}
        selection={selection.active ? { selected: selection.selected, onToggle: selection.toggle } : undefined}
      />
    );
  }

  return (
    <main id="main" className="library" tabIndex={-1}>
      <Filters value={filter} onChange={onFilterChange} tags={tags} />
      {items.length > 0 && (
        <div className="library-tools">
          <button type="button" className="btn btn-small" aria-pressed={selection.active} onClick={() => selection.setActive(!selection.active)}>
            <CheckIcon size={16} /> {selection.active ? 'Selecting' : 'Select'}
          </button>
          {selection.active && <span className="muted">Click items to select them.</span>}
        </div>
      )}
      {filter.sort === 'oldest' && list.hasMore && items.length > 0 && (
        <p className="note">Oldest first among the {items.length} items loaded so far; scroll to load older ones.</p>
      )}
      {body}
      {selection.active && (
        <SelectionBar count={chosen.length} onClear={selection.clear} onDone={() => selection.setActive(false)}>
          <button type="button" className="btn btn-primary" disabled={chosen.length === 0} onClick={() => setAdding(true)}>
            <AlbumIcon size={18} /> Add to album
          </button>
        </SelectionBar>
      )}
      {adding && (
        <AddToAlbumDialog
          items={chosen}
          onClose={() => setAdding(false)}
          onAdded={() => selection.clear()}
        />
      )}
      {list.error && items.length > 0 && (
        <div className="state-inline" role="alert">
          {list.error}{' '}
          <button type="button" className="btn btn-quiet" onClick={list.retry}>
            Try again
          </button>
        </div>
      )}
    </main>
  );
}
