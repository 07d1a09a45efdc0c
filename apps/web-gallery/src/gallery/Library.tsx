import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AddToAlbumDialog } from '../albums/AddToAlbumDialog';
import { ApiError } from '../api/client';
import type { BulkAction, SearchHitView, Tag, TimelineMonth } from '../api/types';
import { useServices } from '../app/services';
import { ActionDock, BulkNotice } from '../bulk/BulkNotice';
import { itemName } from '../bulk/summary';
import { TagsDialog } from '../bulk/TagsDialog';
import { stillUploading, succeededIds, useBulk } from '../bulk/useBulk';
import { monthLabel } from '../search/labels';
import { useAlbumName } from '../search/useAlbumName';
import { EMPTY_VIEW, effectiveOrder, fromDay, hasWords, isFiltered, normalizeTag, toDay, withWords, type LibraryView } from '../search/view';
import { Scrubber } from '../timeline/Scrubber';
import { scrollToMonth, useMonthInView } from '../timeline/scroll';
import { useTimeline } from '../timeline/useTimeline';
import { AlbumIcon, CheckIcon, TagIcon, TrashIcon, UploadIcon } from '../ui/icons';
import { LoadFailed } from '../ui/ListStates';
import { offer } from '../ui/offer';
import { Filters } from './Filters';
import { SelectionBar } from './SelectionBar';
import { HeartIcon } from './Tile';
import { TimelineGrid } from './TimelineGrid';
import type { MediaListState } from './useMediaList';
import { useGridSelection } from './useSelection';
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

/**
 * An item as a bulk action leaves it, for the grid until the list is read again (as the API
 * changes it): tags added as the owner's own unless already theirs, tags of those names taken off
 * whatever their source, the favourite mark set or cleared.
 */
export function afterBulk(item: SearchHitView, action: BulkAction, tags: readonly string[]): SearchHitView {
  switch (action) {
    case 'addTags': {
      const added: Tag[] = tags.filter((t) => !item.tags.some((own) => own.name === t && own.source === 'user')).map((name) => ({ name, confidence: 1, source: 'user' }));
      return { ...item, tags: [...item.tags, ...added] };
    }
    case 'removeTags':
      return { ...item, tags: item.tags.filter((t) => !tags.includes(t.name)) };
    case 'favourite':
    case 'unfavourite':
      return { ...item, favourite: action === 'favourite' };
    default:
      return item;
  }
}

/** The tags on some items, most common first: what "Remove tags" offers. */
export function tagsOn(items: readonly { tags: readonly Tag[] }[]): string[] {
  const counts = new Map<string, number>();
  for (const item of items) for (const name of new Set(item.tags.map((t) => normalizeTag(t.name)))) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
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
  const { api, events } = useServices();
  const tags = useTags();
  const timeline = useTimeline();
  const albumName = useAlbumName(view.album);
  const bulk = useBulk();
  const [dialog, setDialog] = useState<'album' | 'addTags' | 'removeTags' | null>(null);
  // Hearts clicked and not yet answered: shown at once, the server's answer then replaces them.
  const [hearts, setHearts] = useState<ReadonlyMap<string, boolean>>(() => new Map());
  const items = useMemo(() => {
    const marked = hearts.size === 0 ? list.items : list.items.map((i) => (hearts.has(i.id) ? { ...i, favourite: hearts.get(i.id) ?? i.favourite } : i));
    // Favourites only: an item unmarked here, or changed elsewhere, leaves at once.
    return view.favourite ? marked.filter((i) => i.favourite) : marked;
  }, [list.items, hearts, view.favourite]);
  const order = effectiveOrder(view);
  const byDate = order !== 'relevance';
  const searching = hasWords(view.q);
  const months = useMemo(() => monthsInRange(timeline, view.from, view.to), [timeline, view.from, view.to]);
  const content = useRef<HTMLDivElement>(null);
  const inView = useMonthInView(content, items);
  // A jump reloads the list from its month; once that page is in, the month goes to the top.
  const pending = useRef<{ month: string; sawLoading: boolean } | null>(null);
  const { selection, multiselect, chosen } = useGridSelection(items);
  // The items for callbacks that stay the same from render to render (so the tiles, memoised,
  // do not all render again on each change).
  const latest = useRef(items);
  useEffect(() => {
    latest.current = items;
  }, [items]);
  // Each heart's requests, numbered per item: only the answer to the last one counts (two quick
  // clicks may be answered in the other order).
  const heartRequests = useRef(new Map<string, number>());

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

  const { setNotice } = bulk;
  const onFavourite = useCallback(
    (id: string, favourite: boolean) => {
      const request = (heartRequests.current.get(id) ?? 0) + 1;
      heartRequests.current.set(id, request);
      const stale = () => heartRequests.current.get(id) !== request;
      setHearts((current) => new Map(current).set(id, favourite));
      const item = latest.current.find((i) => i.id === id);
      const forget = () =>
        setHearts((current) => {
          const next = new Map(current);
          next.delete(id);
          return next;
        });
      api.setFavourite(id, favourite).then(
        (updated) => {
          if (stale()) return;
          events.emitUpdated(updated);
          forget();
        },
        (e: unknown) => {
          if (stale()) return;
          forget();
          const name = item ? `“${itemName(item)}”` : 'The item';
          const reason = e instanceof ApiError ? e.detail : 'something went wrong';
          setNotice({ tone: 'failed', text: `${name} could not be ${favourite ? 'added to' : 'removed from'} favourites: ${reason}.` });
        },
      );
    },
    [api, events, setNotice],
  );

  // Whether the server decides what is in the list in a way the app cannot check by itself.
  const narrowed = isFiltered(view) || searching;

  /** Runs a bulk action on the selection, then shows its outcome in the grid. */
  const act = async (action: BulkAction, extra: { tags?: string[] } = {}) => {
    const targets = chosen;
    const result = await bulk.run(action, targets, extra);
    if (!result) return;
    const ok = succeededIds(result);
    const done = targets.filter((t) => ok.has(t.id));
    if (action === 'trash') {
      for (const item of done) events.emitRemoved(item.id);
      // An item still uploading was deleted for good (the notice says so): nothing to undo there.
      const uploading = stillUploading(targets);
      const trashed = done.filter((t) => !uploading.has(t.id));
      if (trashed.length > 0) bulk.offerUndo(() => void undoTrash(trashed));
      return;
    }
    for (const item of done) events.emitUpdated(afterBulk(item, action, extra.tags ?? []));
    if (narrowed) list.reload();
  };

  /** Takes items just moved to the trash back out; they return to the grid where they were. */
  const undoTrash = async (trashed: readonly SearchHitView[]) => {
    const result = await bulk.run('restore', trashed);
    if (!result) return;
    const ok = succeededIds(result);
    for (const item of trashed) if (ok.has(item.id)) events.emitUpdated(item);
    if (ok.size > 0) events.emitStorageChanged();
    if (narrowed) list.reload();
  };

  const subject = chosen.length === 1 && chosen[0] ? `“${itemName(chosen[0])}”` : `${chosen.length} items`;
  // Unavailable but still focusable: the focus stays on the button an action was started from.
  const none = chosen.length === 0 || bulk.busy !== null;

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
  } else if (items.length === 0 && view.favourite && !isFiltered({ ...view, favourite: undefined })) {
    body = (
      <div className="state">
        <div className="state-art" aria-hidden="true">
          <HeartIcon filled={false} size={40} />
        </div>
        <h2>No favourites yet</h2>
        <p>Mark photos and videos with the heart on their tile, or select several and choose Favourite. They are all here then.</p>
        <button type="button" className="btn" onClick={() => onViewChange({ ...view, favourite: undefined, at: undefined })}>
          Show the whole library
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
        multiselect={multiselect}
        onFavourite={onFavourite}
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
      {(items.length > 0 || view.favourite) && (
        <div className="library-tools">
          {items.length > 0 && (
            <button type="button" className="btn btn-small" aria-pressed={selection.active} onClick={() => selection.setActive(!selection.active)}>
              <CheckIcon size={16} /> {selection.active ? 'Selecting' : 'Select'}
            </button>
          )}
          <button type="button" className="btn btn-small" aria-pressed={Boolean(view.favourite)} onClick={() => onViewChange({ ...view, favourite: view.favourite ? undefined : true, at: undefined })}>
            <HeartIcon filled={Boolean(view.favourite)} size={16} /> Favourites
          </button>
          {selection.active && <span className="muted">Click items to select them; Shift-click selects a range.</span>}
        </div>
      )}
      <div className={`library-body${rail ? ' has-rail' : ''}`}>
        <div className="library-content" ref={content}>
          {body}
        </div>
        {rail && <Scrubber months={months} current={inView ?? view.at ?? null} onJump={jumpTo} newestFirst={newestFirst} />}
      </div>
      {dialog === 'album' && <AddToAlbumDialog items={chosen} onClose={() => setDialog(null)} onAdded={() => selection.clear()} />}
      {(dialog === 'addTags' || dialog === 'removeTags') && (
        <TagsDialog
          mode={dialog === 'addTags' ? 'add' : 'remove'}
          subject={subject}
          suggestions={dialog === 'addTags' ? tags.map((t) => t.name) : tagsOn(chosen)}
          onSubmit={(names) => act(dialog, { tags: names })}
          onClose={() => setDialog(null)}
        />
      )}
      <ActionDock>
        <BulkNotice notice={bulk.notice} onDismiss={() => bulk.setNotice(null)} />
        {selection.active && (
          <SelectionBar count={chosen.length} onClear={selection.clear} onDone={() => selection.setActive(false)} onSelectAll={multiselect.onSelectAll} total={items.length}>
            <button type="button" className="btn btn-danger-quiet" {...offer(none, () => void act('trash'))}>
              <TrashIcon size={18} /> {bulk.busy === 'trash' ? 'Moving…' : 'Move to trash'}
            </button>
            <button type="button" className="btn" {...offer(none, () => setDialog('addTags'))}>
              <TagIcon size={18} /> Add tags
            </button>
            <button type="button" className="btn" {...offer(none, () => setDialog('removeTags'))}>
              Remove tags
            </button>
            <button type="button" className="btn" {...offer(none, () => setDialog('album'))}>
              <AlbumIcon size={18} /> Add to album
            </button>
            <button type="button" className="btn" {...offer(none, () => void act('favourite'))}>
              <HeartIcon filled size={16} /> Favourite
            </button>
            <button type="button" className="btn" {...offer(none, () => void act('unfavourite'))}>
              Unfavourite
            </button>
          </SelectionBar>
        )}
      </ActionDock>
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
