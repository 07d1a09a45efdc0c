import { useEffect, useMemo, useRef, useState } from 'react';
import { AddToAlbumDialog } from '../albums/AddToAlbumDialog';
import type { TimelineMonth } from '../api/types';
import { monthLabel } from '../search/labels';
import { useAlbumName } from '../search/useAlbumName';
import { EMPTY_VIEW, effectiveOrder, fromDay, hasWords, isFiltered, toDay, withWords, type LibraryView } from '../search/view';
import { Scrubber } from '../timeline/Scrubber';
import { scrollToMonth, useMonthInView } from '../timeline/scroll';
import { useTimeline } from '../timeline/useTimeline';
import { AlbumIcon, CheckIcon, UploadIcon } from '../ui/icons';
import { LoadFailed } from '../ui/ListStates';
import { Filters } from './Filters';
import { SelectionBar } from './SelectionBar';
import { TimelineGrid } from './TimelineGrid';
import type { MediaListState } from './useMediaList';
import { useSelection } from './useSelection';
import { useTags } from './useTags';

export interface LibraryProps {
  list: MediaListState;
  view: LibraryView;
  onViewChange: (next: LibraryView) => void;
  onOpen: (id: string) => void;
  onPickFiles: () => void;
}

/** The timeline's months inside the person's date range: a jump outside it would find nothing. */
export function monthsInRange(months: readonly TimelineMonth[], from: string | undefined, to: string | undefined): TimelineMonth[] {
  const first = from ? fromDay(from).slice(0, 7) : '';
  const last = to ? toDay(to).slice(0, 7) : '\uffff';
  return months.filter((m) => m.month >= first && m.month <= last);
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

export function Library({ list, view, onViewChange, onOpen, onPickFiles }: LibraryProps) {
  const tags = useTags();
  const timeline = useTimeline();
  const albumName = useAlbumName(view.album);
  const items = list.items;
  const order = effectiveOrder(view);
  const byDate = order !== 'relevance';
  const searching = hasWords(view.q);
  const selection = useSelection();
  const [adding, setAdding] = useState(false);
  const chosen = useMemo(() => items.filter((i) => selection.selected.has(i.id)), [items, selection.selected]);
  const months = useMemo(() => monthsInRange(timeline, view.from, view.to), [timeline, view.from, view.to]);
  const content = useRef<HTMLDivElement>(null);
  const inView = useMonthInView(content, items);
  // A jump reloads the list from its month; once that page is in, the month goes to the top.
  const pending = useRef<{ month: string; sawLoading: boolean } | null>(null);

  useEffect(() => {
    const jump = pending.current;
    if (!jump) return;
    if (list.loading) {
      jump.sawLoading = true;
      return;
    }
    if (!jump.sawLoading) return;
    pending.current = null;
    if (content.current) scrollToMonth(content.current, jump.month);
  }, [list.loading, items]);

  const jumpTo = (month: string) => {
    if (view.at === month) {
      if (content.current) scrollToMonth(content.current, month);
      return;
    }
    pending.current = { month, sawLoading: false };
    onViewChange({ ...view, at: month });
  };

  const newestFirst = order !== 'taken-asc';
  const rail = byDate && months.length > 0;

  let body;
  if (list.error && list.refused && items.length === 0) {
    body = (
      <div className="state state-error" role="alert">
        <h2>This search can’t be run</h2>
        <p>{list.error}</p>
        {isFiltered(view) && (
          <button type="button" className="btn btn-primary" onClick={() => onViewChange({ ...EMPTY_VIEW, q: view.q, order: view.order })}>
            Clear filters
          </button>
        )}{' '}
        {view.q && (
          <button type="button" className="btn" onClick={() => onViewChange(withWords(view, ''))}>
            Clear search
          </button>
        )}
        {!isFiltered(view) && !view.q && (
          <button type="button" className="btn btn-primary" onClick={() => onViewChange(EMPTY_VIEW)}>
            Show the whole library
          </button>
        )}
      </div>
    );
  } else if (list.error && items.length === 0) {
    body = (
      <LoadFailed title="Your library could not be loaded" detail={list.error} onRetry={list.retry}>
        <p>Check that Mediaflow is running, then try again.</p>
      </LoadFailed>
    );
  } else if (items.length === 0 && list.loading) {
    body = <SkeletonGrid />;
  } else if (items.length === 0 && list.hasMore) {
    // The server looked through part of the library within its budget and found nothing yet.
    body = (
      <div className="state">
        <h2>Nothing found yet</h2>
        <p>Mediaflow has looked through part of your library{searching ? ` for “${view.q.trim()}”` : ''} without a match. There is more to look through.</p>
        <button type="button" className="btn btn-primary" onClick={list.loadMore}>
          Keep looking
        </button>
      </div>
    );
  } else if (items.length === 0 && searching) {
    body = (
      <div className="state">
        <h2>Nothing matches “{view.q.trim()}”</h2>
        <p>Try other words{isFiltered(view) ? ' or fewer filters' : ''}. Words match names, titles, descriptions, tags, what the tagger saw and the camera.</p>
        <button type="button" className="btn" onClick={() => onViewChange(withWords(view, ''))}>
          Clear search
        </button>
      </div>
    );
  } else if (items.length === 0 && isFiltered(view)) {
    body = (
      <div className="state">
        <h2>Nothing matches these filters</h2>
        <p>Try another tag or kind, or clear the filters to see everything.</p>
        <button type="button" className="btn" onClick={() => onViewChange({ ...EMPTY_VIEW, order: view.order })}>
          Clear filters
        </button>
      </div>
    );
  } else if (items.length === 0 && view.at) {
    body = (
      <div className="state">
        <h2>Nothing from {monthLabel(view.at)} {newestFirst ? 'or before' : 'or after'}</h2>
        <button type="button" className="btn" onClick={() => onViewChange({ ...view, at: undefined })}>
          {newestFirst ? 'Back to the newest' : 'Back to the oldest'}
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
      <TimelineGrid
        items={items}
        grouped={byDate}
        showMatched={searching}
        hasMore={list.hasMore}
        loading={list.loading}
        onLoadMore={list.loadMore}
        moreLabel={list.stalled ? 'Keep looking' : undefined}
        onOpen={onOpen}
        label={searching ? `Results for “${view.q.trim()}”` : 'Your library'}
        selection={selection.active ? { selected: selection.selected, onToggle: selection.toggle } : undefined}
      />
    );
  }

  return (
    <main id="main" className="library" tabIndex={-1}>
      <Filters value={view} onChange={onViewChange} tags={tags} albumName={albumName} />
      {searching && (
        <p className="results-summary" role="status">
          {list.loading && items.length === 0
            ? `Searching for “${view.q.trim()}”…`
            : items.length === 0 && list.hasMore
              ? `No results yet for “${view.q.trim()}”`
              : `${items.length}${list.hasMore ? '+' : ''} ${items.length === 1 && !list.hasMore ? 'result' : 'results'} for “${view.q.trim()}”`}
        </p>
      )}
      {view.at && byDate && (
        <div className="jump-note">
          <span>
            {newestFirst ? 'Taken in or before' : 'Taken in or after'} {monthLabel(view.at)}.
          </span>
          <button type="button" className="btn btn-quiet btn-small" onClick={() => onViewChange({ ...view, at: undefined })}>
            {newestFirst ? 'Back to the newest' : 'Back to the oldest'}
          </button>
        </div>
      )}
      {items.length > 0 && (
        <div className="library-tools">
          <button type="button" className="btn btn-small" aria-pressed={selection.active} onClick={() => selection.setActive(!selection.active)}>
            <CheckIcon size={16} /> {selection.active ? 'Selecting' : 'Select'}
          </button>
          {selection.active && <span className="muted">Click items to select them.</span>}
        </div>
      )}
      <div className={`library-body${rail ? ' has-rail' : ''}`}>
        <div className="library-content" ref={content}>
          {body}
        </div>
        {rail && <Scrubber months={months} current={inView ?? view.at ?? null} onJump={jumpTo} newestFirst={newestFirst} />}
      </div>
      {selection.active && (
        <SelectionBar count={chosen.length} onClear={selection.clear} onDone={() => selection.setActive(false)}>
          <button type="button" className="btn btn-primary" disabled={chosen.length === 0} onClick={() => setAdding(true)}>
            <AlbumIcon size={18} /> Add to album
          </button>
        </SelectionBar>
      )}
      {adding && <AddToAlbumDialog items={chosen} onClose={() => setAdding(false)} onAdded={() => selection.clear()} />}
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
