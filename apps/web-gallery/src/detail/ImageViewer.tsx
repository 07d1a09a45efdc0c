import { useState, type CSSProperties, type MouseEvent } from 'react';
import type { ViewableItem } from '../api/types';
import { Picture } from '../gallery/Picture';
import { thumbhashDataUrl } from '../gallery/placeholder';
import { altText } from '../gallery/renditions';
import { ZoomInIcon, ZoomOutIcon } from '../ui/icons';
import { imageStage } from './stage-image';

const ZOOM = 2.5;
/** Over the image's bottom left corner, as the zoom button sits over its bottom right. */
const NOTE_STYLE: CSSProperties = {
  position: 'absolute',
  left: 16,
  bottom: 16,
  margin: 0,
  padding: '6px 10px',
  borderRadius: 8,
  background: 'rgb(20 22 30 / 75%)',
  color: '#fff',
  fontSize: '0.85rem',
};

/**
 * The image as large as the stage allows, from the largest rendition the item has (a small
 * picture's thumb is all it gets); click or the button zooms in at that point.
 */
export function ImageViewer({ item }: { item: ViewableItem }) {
  const [zoomed, setZoomed] = useState(false);
  const [origin, setOrigin] = useState('50% 50%');
  const placeholder = thumbhashDataUrl(item.placeholder?.thumbhash);
  const stage = imageStage(item);
  const hasRenditions = stage.name !== null;
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
              names={stage.name === null ? [] : [stage.name]}
              // One size, in every format: its own width makes it its own display size (a small
              // picture is not blown up; a large one is scaled down to fit by the stylesheet).
              sizes={stage.width === null ? '100vw' : `${stage.width}px`}
              alt={altText(item)}
              className="viewer-img"
              loading="eager"
            />
          </div>
        ) : (
          <p className="viewer-empty">{stage.note}</p>
        )}
      </div>
      {hasRenditions && stage.note && (
        <p className="viewer-note" role="status" style={NOTE_STYLE}>
          {stage.note}
        </p>
      )}
      {hasRenditions && (
        <button type="button" className="btn btn-floating" onClick={() => setZoomed((z) => !z)} aria-pressed={zoomed}>
          {zoomed ? <ZoomOutIcon size={18} /> : <ZoomInIcon size={18} />}
          {zoomed ? 'Fit' : 'Zoom'}
        </button>
      )}
    </div>
  );
}
