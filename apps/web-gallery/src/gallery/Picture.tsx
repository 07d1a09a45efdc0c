import { memo, useState } from 'react';
import type { RenditionView } from '../api/types';
import { pictureSources } from './renditions';

export interface PictureProps {
  renditions: readonly RenditionView[];
  /** Which renditions may be used here (the grid needs no 2048 px image). */
  names?: readonly string[];
  sizes: string;
  alt: string;
  className?: string;
  loading?: 'lazy' | 'eager';
  onLoad?: () => void;
}

/**
 * A responsive `<picture>`: AVIF, then WebP, then a JPEG `<img>`, each with a srcset by width so the
 * browser fetches only the size it needs. Fades in over its placeholder once decoded.
 */
export const Picture = memo(function Picture({ renditions, names, sizes, alt, className, loading = 'lazy', onLoad }: PictureProps) {
  const [loaded, setLoaded] = useState(false);
  const { sources, fallback } = pictureSources(renditions, names);
  if (!fallback) return null;
  return (
    <picture>
      {sources.map((s) => (
        <source key={s.type} type={s.type} srcSet={s.srcSet} sizes={sizes} />
      ))}
      <img
        className={`${className ?? ''} fade${loaded ? ' is-loaded' : ''}`}
        src={fallback.src}
        srcSet={fallback.srcSet || undefined}
        sizes={sizes}
        width={fallback.width ?? undefined}
        height={fallback.height ?? undefined}
        alt={alt}
        loading={loading}
        decoding="async"
        draggable={false}
        onLoad={() => {
          setLoaded(true);
          onLoad?.();
        }}
      />
    </picture>
  );
});
