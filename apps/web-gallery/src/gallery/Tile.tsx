import { memo, useId, type CSSProperties, type MouseEvent, type ReactNode } from 'react';
import type { ViewableItem } from '../api/types';
import { CheckIcon, KindIcon } from '../ui/icons';
import { STATUS_LABELS, formatDuration } from '../ui/format';
import { Picture } from './Picture';
import { thumbhashDataUrl } from './placeholder';
import { altText, hasStills, posterOf } from './renditions';
import type { PickHow } from './useSelection';

export const GRID_SIZES = '(max-width: 520px) 50vw, (max-width: 900px) 33vw, 240px';

export interface TileProps {
  item: ViewableItem;
  onOpen: (id: string) => void;
  /** Whether the item is selected. */
  selected?: boolean | undefined;
  /** Select mode: a plain click picks the tile instead of opening it, and the tile reads as a checkbox. */
  selecting?: boolean | undefined;
  /**
   * Picks the tile: a click in select mode toggles it; in a multi-select grid Ctrl/Cmd-click
   * toggles and Shift-click selects the range up to it, in or out of select mode.
   */
  onPick?: ((id: string, how: PickHow) => void) | undefined;
  /** A tile of a multi-select grid: a row of an ARIA grid (its button says whether it is selected). */
  multi?: boolean | undefined;
  /** In a grid with one Tab stop: whether this tile holds it (unset: every tile is a Tab stop). */
  tabbable?: boolean | undefined;
  /** Shows a heart that marks the item as a favourite, or not (outside select mode); F on the tile does the same. */
  onFavourite?: ((id: string, favourite: boolean) => void) | undefined;
  /** Where a search's words were found, e.g. "in file name · label": shown under the name. */
  matched?: string | undefined;
  /** A line always shown under the name (e.g. when the trash removes the item for good). */
  note?: string | undefined;
  /** Leaves out the status badge, where the page says it (the trash). */
  hideStatus?: boolean | undefined;
}

/** What a tile calls an item that is not a photo, in its name (e.g. "clip.mp4, video 0:20"). */
const KIND_WORDS: Record<string, string> = { video: 'video', audio: 'audio', document: 'document', other: 'file' };

/**
 * A tile's accessible name: its caption's name, the file name where the tile shows it beside
 * another title (an item with no picture), then what its badges show (kind and duration, status).
 * The button holds only the picture (or the kind icon and file name), so all the text visible on
 * it is part of its name, as speech users expect; the badges and the caption lie over the button,
 * outside it, hidden from assistive technology: the name says the badges, `aria-describedby`
 * reads the caption's lines.
 *
 * @example tileName({ name: 'clip.mp4', kind: 'video', durationSeconds: 20, status: 'Processing' }) // 'clip.mp4, video 0:20, Processing'
 */
export function tileName(parts: { name: string; kind: string; durationSeconds?: number | undefined; status?: string | undefined; shownFilename?: string | undefined }): string {
  const { name, kind, durationSeconds, status, shownFilename } = parts;
  const what = kind === 'image' ? '' : `${KIND_WORDS[kind] ?? 'file'}${durationSeconds ? ` ${formatDuration(durationSeconds)}` : ''}`;
  return [name, shownFilename !== undefined && shownFilename !== name ? shownFilename : '', what, status ?? ''].filter(Boolean).join(', ');
}

/** A heart, filled for a favourite. */
export function HeartIcon({ filled, size = 18 }: { filled: boolean; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill={filled ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth={2} strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M12 20.5s-7.5-4.6-9.2-9.4C1.6 7.6 3.9 4.5 7.2 4.5c2 0 3.6 1.1 4.8 2.8 1.2-1.7 2.8-2.8 4.8-2.8 3.3 0 5.6 3.1 4.4 6.6-1.7 4.8-9.2 9.4-9.2 9.4z" />
    </svg>
  );
}

/**
 * One grid cell: a button (focusable, Enter opens) over the placeholder and the picture. In select
 * mode the same button is a checkbox (Enter or Space toggles): the one place the tile says whether
 * it is selected, on the element that has the focus. In a multi-select grid the tile is a row of
 * the grid, its button and heart in one cell. The heart is no Tab stop (a tile is one): a pointer
 * clicks it, the keyboard presses F on the tile.
 */
export const Tile = memo(function Tile({ item, onOpen, selected, selecting, onPick, multi, tabbable, onFavourite, matched, note, hideStatus }: TileProps) {
  const matchedId = useId();
  const noteId = useId();
  const placeholder = thumbhashDataUrl(item.placeholder?.thumbhash);
  // A video's poster and an audio file's cover are rendered like photos (thumb, small, ...): the
  // grid shows those alike, and falls back to a plain poster image for items made before that.
  const stills = hasStills(item);
  const poster = item.kind !== 'image' && !stills ? posterOf(item) : undefined;
  const alt = altText(item);
  const name = item.title?.trim() || item.filename;
  const hasImage = stills || Boolean(poster);
  const style: CSSProperties = {};
  if (item.placeholder?.dominantColor) style.backgroundColor = item.placeholder.dominantColor;
  if (placeholder) style.backgroundImage = `url("${placeholder}")`;
  const duration = item.facts.durationSeconds;
  const checkable = Boolean(selecting && onPick);
  const showStatus = item.status !== 'ready' && !hideStatus;
  const favourite = Boolean(item.favourite);
  const tabIndex = tabbable === undefined ? undefined : tabbable ? 0 : -1;
  const described = [matched ? matchedId : '', note ? noteId : ''].filter(Boolean).join(' ');

  const click = (event: MouseEvent<HTMLButtonElement>) => {
    if (onPick && multi && event.shiftKey) onPick(item.id, 'extend');
    else if (onPick && (selecting || (multi && (event.ctrlKey || event.metaKey)))) onPick(item.id, 'toggle');
    else onOpen(item.id);
  };

  const button = (
    <button
      type="button"
      className="tile-button"
      data-id={item.id}
      onClick={click}
      tabIndex={tabIndex}
      role={checkable ? 'checkbox' : undefined}
      aria-checked={checkable ? Boolean(selected) : undefined}
      aria-label={tileName({
        name,
        kind: item.kind,
        durationSeconds: duration,
        status: showStatus ? (STATUS_LABELS[item.status] ?? item.status) : undefined,
        shownFilename: hasImage ? undefined : item.filename,
      })}
      aria-describedby={described || undefined}
    >
      <span className={`tile-media${placeholder ? ' has-placeholder' : ''}`} style={style} data-testid="tile-media">
        {stills && <Picture renditions={item.renditions} names={['thumb', 'small']} sizes={GRID_SIZES} alt={alt} className="tile-img" />}
        {poster && <img className="tile-img fade is-loaded" src={poster.url} alt={alt} loading="lazy" decoding="async" />}
        {!hasImage && (
          <span className="tile-kind">
            <KindIcon kind={item.kind} size={36} />
            <span className="tile-filename">{item.filename}</span>
          </span>
        )}
      </span>
      {checkable && (
        <span className="tile-check" aria-hidden="true">
          {selected && <CheckIcon size={16} />}
        </span>
      )}
    </button>
  );

  // Over the button, not in it (see `tileName`), and letting the pointer through to it.
  const overlay = (
    <>
      {item.kind !== 'image' && (
        <span className="tile-badge tile-badge-kind" aria-hidden="true">
          <KindIcon kind={item.kind} size={14} />
          {duration ? formatDuration(duration) : null}
        </span>
      )}
      {showStatus && (
        <span className={`tile-badge tile-badge-status status-${item.status}`} aria-hidden="true">
          {STATUS_LABELS[item.status] ?? item.status}
          {item.status === 'processing' && item.progress ? ` ${Math.round(item.progress * 100)}%` : null}
        </span>
      )}
      <span className="tile-caption" aria-hidden="true">
        {name}
        {matched && (
          <span className="tile-matched" id={matchedId}>
            {matched}
          </span>
        )}
        {note && (
          <span className="tile-note" id={noteId}>
            {note}
          </span>
        )}
      </span>
    </>
  );

  // A switch, not a button: the tile's own button stays the only button in it.
  const heart = onFavourite && !selecting && (
    <button
      type="button"
      role="switch"
      className={`tile-heart${favourite ? ' is-on' : ''}`}
      aria-checked={favourite}
      aria-label={`Favourite ${name}`}
      aria-keyshortcuts="F"
      title={favourite ? 'Remove from favourites (F)' : 'Add to favourites (F)'}
      tabIndex={-1}
      onClick={() => onFavourite(item.id, !favourite)}
    >
      <HeartIcon filled={favourite} />
    </button>
  );

  const content: ReactNode = multi ? (
    <div role="gridcell" className="tile-cell">
      {button}
      {overlay}
      {heart}
    </div>
  ) : (
    <>
      {button}
      {overlay}
      {heart}
    </>
  );

  return (
    <li
      className={`tile${selected ? ' is-selected' : ''}${matched ? ' has-match' : ''}${note ? ' has-note' : ''}${heart ? ' has-heart' : ''}${favourite ? ' is-favourite' : ''}`}
      data-status={item.status}
      role={multi ? 'row' : undefined}
    >
      {content}
    </li>
  );
});
