import { useState, type MouseEvent } from 'react';
import type { ViewableItem } from '../api/types';
import { Picture } from '../gallery/Picture';
import { thumbhashDataUrl } from '../gallery/placeholder';
import { altText } from '../gallery/renditions';
import { ZoomInIcon, ZoomOutIcon } from '../ui/icons';

const ZOOM = 2.5;

/** The image as large as the stage allows; click or the button zooms in at that point. */
export function ImageViewer({ item }: { item: ViewableItem }) {
  const [zoomed, setZoomed] = useState(false);
  const [origin, setOrigin] = useState('50% 50%');
  const placeholder = thumbhashDataUrl(item.placeholder?.thumbhash);
  const hasRenditions = item.renditions.some((r) => ['small', 'medium', 'large'].includes(r.name));
  const biggest = [...item.renditions].filter((r) => r.width && r.height).sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
  const width = item.facts.width ?? biggest?.width ?? undefined;
  const height = item.facts.height ?? biggest?.height ?? undefined;

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    if (!zoomed) {
      const box = event.currentTarget.getBoundingClientRect();
      if (box.width > 0) setOrigin(`${((event.clientX - box.left) / box.width) * 100}% ${((event.clientY - box.top) / box.height) * 100}%`);
    }
    setZoomed((z) => !z);
  };

  return (
    <div className="viewer">
      <div className={`viewer-frame${zoomed ? ' is-zoomed' : ''}`} onClick={hasRenditions ? onClick : undefined}>
        {hasRenditions ? (
          <div className="viewer-zoom" style={{ transform: zoomed ? `scale(${ZOOM})` : undefined, transformOrigin: origin }}>
            {/* The placeholder has the image's aspect ratio and the same box, so the picture fades in exactly over it. */}
            {(placeholder || item.placeholder?.dominantColor) && (
              <img
                className="viewer-img viewer-placeholder"
                src={placeholder ?? undefined}
                width={width}
                height={height}
                alt=""
                style={{ backgroundColor: item.placeholder?.dominantColor }}
              />
            )}
            <Picture
              renditions={item.renditions}
              names={['small', 'medium', 'large']}
              sizes={zoomed ? '100vw' : '(max-width: 900px) 100vw, 70vw'}
              alt={altText(item)}
              className="viewer-img"
              loading="eager"
            />
          </div>
        ) : (
          <p className="viewer-empty">The web-ready versions are not made yet.</p>
        )}
      </div>
      {hasRenditions && (
        <button type="button" className="btn btn-floating" onClick={() => setZoomed((z) => !z)} aria-pressed={zoomed}>
          {zoomed ? <ZoomOutIcon size={18} /> : <ZoomInIcon size={18} />}
          {zoomed ? 'Fit' : 'Zoom'}
        </button>
      )}
    </div>
  );
}
