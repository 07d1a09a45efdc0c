import { memo, useId, type CSSProperties } from 'react';
import type { ViewableItem } from '../api/types';
import { CheckIcon, KindIcon } from '../ui/icons';
import { STATUS_LABELS, formatDuration } from '../ui/format';
import { Picture } from './Picture';
import { thumbhashDataUrl } from './placeholder';
import { altText, hasStills, posterOf } from './renditions';

export const GRID_SIZES = '(max-width: 520px) 50vw, (max-width: 900px) 33vw, 240px';

export interface TileProps {
  item: ViewableItem;
  onOpen: (id: string) => void;
  /** In select mode: whether the item is selected (a click then toggles it instead of opening it). */
  selected?: boolean | undefined;
  onToggle?: ((id: string) => void) | undefined;
  /** Where a search's words were found, e.g. "in file name · label": shown under the name. */
  matched?: string | undefined;
}

/**
 * One grid cell: a button (focusable, Enter opens) over the placeholder and the picture. In select
 * mode the same button is a checkbox (Enter or Space toggles), so each tile stays one Tab stop.
 */
export const Tile = memo(function Tile({ item, onOpen, selected, onToggle, matched }: TileProps) {
  const matchedId = useId();
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
  const selecting = onToggle !== undefined;
  return (
    <li className={`tile${selected ? ' is-selected' : ''}${matched ? ' has-match' : ''}`} data-status={item.status}>
      <button
        type="button"
        className="tile-button"
        data-id={item.id}
        onClick={() => (onToggle ? onToggle(item.id) : onOpen(item.id))}
        role={selecting ? 'checkbox' : undefined}
        aria-checked={selecting ? Boolean(selected) : undefined}
        aria-label={`${name}${item.status === 'ready' ? '' : `, ${STATUS_LABELS[item.status] ?? item.status}`}`}
        aria-describedby={matched ? matchedId : undefined}
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
        {item.kind !== 'image' && (
          <span className="tile-badge tile-badge-kind">
            <KindIcon kind={item.kind} size={14} />
            {duration ? formatDuration(duration) : null}
          </span>
        )}
        {item.status !== 'ready' && (
          <span className={`tile-badge tile-badge-status status-${item.status}`}>
            {STATUS_LABELS[item.status] ?? item.status}
            {item.status === 'processing' && item.progress ? ` ${Math.round(item.progress * 100)}%` : null}
          </span>
        )}
        <span className="tile-caption">
          {name}
          {matched && (
            <span className="tile-matched" id={matchedId}>
              {matched}
            </span>
          )}
        </span>
        {selecting && (
          <span className="tile-check" aria-hidden="true">
            {selected && <CheckIcon size={16} />}
          </span>
        )}
      </button>
    </li>
  );
});
