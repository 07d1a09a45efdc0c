import type { ViewableItem } from '../api/types';
import { Picture } from '../gallery/Picture';
import { thumbhashDataUrl } from '../gallery/placeholder';
import { hasStills, posterOf } from '../gallery/renditions';
import { AlbumIcon } from '../ui/icons';

/** An album's cover (the chosen one, else its newest item), as the grid draws an item; an icon when empty. */
export function AlbumCover({ cover, sizes = '240px' }: { cover: ViewableItem | null; sizes?: string }) {
  if (!cover) {
    return (
      <span className="album-cover album-cover-empty">
        <AlbumIcon size={36} />
      </span>
    );
  }
  const placeholder = thumbhashDataUrl(cover.placeholder?.thumbhash);
  const poster = hasStills(cover) ? undefined : posterOf(cover);
  return (
    <span
      className="album-cover"
      style={{ backgroundColor: cover.placeholder?.dominantColor, backgroundImage: placeholder ? `url("${placeholder}")` : undefined }}
    >
      {hasStills(cover) && <Picture renditions={cover.renditions} names={['thumb', 'small']} sizes={sizes} alt="" className="tile-img" />}
      {poster && <img className="tile-img fade is-loaded" src={poster.url} alt="" loading="lazy" decoding="async" />}
    </span>
  );
}
