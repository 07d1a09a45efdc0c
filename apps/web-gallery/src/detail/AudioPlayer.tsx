import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type RefObject } from 'react';
import type { ViewableItem } from '../api/types';
import type { OriginalLink } from './original-link';
import { Picture } from '../gallery/Picture';
import { hasStills, posterOf, rendition } from '../gallery/renditions';
import { AudioIcon, DownloadIcon } from '../ui/icons';

/** Bars of a waveform from peaks (0..1, or any scale: they are normalised), as an SVG path. */
export function waveformPath(peaks: readonly number[], width: number, height: number, bars = 120): string {
  if (peaks.length === 0) return '';
  const max = Math.max(...peaks.map(Math.abs), 1e-9);
  const step = peaks.length / bars;
  const w = width / bars;
  const parts: string[] = [];
  for (let i = 0; i < bars; i++) {
    let peak = 0;
    for (let j = Math.floor(i * step); j < Math.max(Math.floor((i + 1) * step), Math.floor(i * step) + 1) && j < peaks.length; j++) {
      peak = Math.max(peak, Math.abs(peaks[j] ?? 0));
    }
    const h = Math.max(1, (peak / max) * height);
    parts.push(`M${(i * w + w / 2).toFixed(2)} ${((height - h) / 2).toFixed(2)}v${h.toFixed(2)}`);
  }
  return parts.join('');
}

const AUDIO_TYPES: Record<string, string> = { opus: 'audio/ogg; codecs=opus', m4a: 'audio/mp4' };

/**
 * The listening previews as `<source>`s, Opus first (better at the same size) and AAC for
 * browsers without Opus: the browser plays the first type it supports.
 */
export function audioSources(item: Pick<ViewableItem, 'renditions'>): { url: string; type: string }[] {
  return ['opus', 'm4a'].flatMap((format) => {
    const found = rendition(item, 'preview', [format]) ?? rendition(item, 'audio', [format]);
    return found ? [{ url: found.url, type: AUDIO_TYPES[format] ?? 'audio/mp4' }] : [];
  });
}

function Waveform({ url, audio }: { url: string; audio: RefObject<HTMLAudioElement | null> }) {
  const [peaks, setPeaks] = useState<number[] | null>(null);
  const [position, setPosition] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    fetch(url, { signal: controller.signal, credentials: 'same-origin' })
      .then((r) => (r.ok ? (r.json() as Promise<{ peaks?: unknown } | unknown[]>) : null))
      .then((body) => {
        const raw = Array.isArray(body) ? body : (body as { peaks?: unknown } | null)?.peaks;
        if (Array.isArray(raw)) setPeaks(raw.filter((n): n is number => typeof n === 'number'));
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [url]);

  useEffect(() => {
    const element = audio.current;
    if (!element) return undefined;
    const update = () => setPosition(element.duration > 0 ? element.currentTime / element.duration : 0);
    element.addEventListener('timeupdate', update);
    return () => element.removeEventListener('timeupdate', update);
  }, [audio]);

  if (!peaks || peaks.length === 0) return null;
  const seek = (fraction: number) => {
    const element = audio.current;
    if (element && element.duration > 0) element.currentTime = Math.max(0, Math.min(1, fraction)) * element.duration;
  };
  const onClick = (event: MouseEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    seek((event.clientX - box.left) / box.width);
  };
  const onKey = (event: KeyboardEvent<SVGSVGElement>) => {
    if (event.key === 'ArrowRight') seek(position + 0.05);
    if (event.key === 'ArrowLeft') seek(position - 0.05);
  };
  const d = waveformPath(peaks, 600, 80);
  return (
    <svg
      className="waveform"
      viewBox="0 0 600 80"
      preserveAspectRatio="none"
      role="slider"
      tabIndex={0}
      aria-label="Position"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(position * 100)}
      onClick={onClick}
      onKeyDown={onKey}
    >
      <defs>
        <clipPath id="waveform-played">
          <rect x="0" y="0" width={600 * position} height="80" />
        </clipPath>
      </defs>
      <path d={d} className="waveform-all" />
      <path d={d} className="waveform-played" clipPath="url(#waveform-played)" />
    </svg>
  );
}

/** Cover, waveform and an audio player; a download while the preview is not made yet. */
export function AudioPlayer({ item, original }: { item: ViewableItem; original: OriginalLink }) {
  const audio = useRef<HTMLAudioElement>(null);
  // The embedded cover is rendered like a photo (thumb, small, medium...).
  const stills = hasStills(item);
  const cover = stills ? undefined : posterOf(item);
  const coverAlt = `Cover of ${item.title ?? item.filename}`;
  const sources = audioSources(item);
  const waveform = rendition(item, 'waveform', ['json']);
  const meta = item.facts.audio;
  return (
    <div className="audio">
      <div className="audio-cover">
        {stills ? (
          <Picture renditions={item.renditions} names={['thumb', 'small', 'medium']} sizes="240px" alt={coverAlt} loading="eager" />
        ) : cover ? (
          <img src={cover.url} alt={coverAlt} />
        ) : (
          <AudioIcon size={64} />
        )}
      </div>
      <div className="audio-meta">
        <strong>{meta?.title ?? item.title ?? item.filename}</strong>
        {meta?.artist && <span>{meta.artist}</span>}
        {meta?.album && <span className="muted">{meta.album}</span>}
      </div>
      {sources.length > 0 ? (
        <>
          {waveform && <Waveform url={waveform.url} audio={audio} />}
          <audio ref={audio} className="audio-element" controls preload="metadata">
            {sources.map((s) => (
              <source key={s.url} src={s.url} type={s.type} />
            ))}
          </audio>
        </>
      ) : (
        <>
          <p>{item.status === 'ready' ? 'A playable version is not available yet.' : 'This audio is still being processed.'}</p>
          {original.href && (
            <a className="btn btn-primary" href={original.href} onClick={original.onClick} download={item.filename}>
              <DownloadIcon size={18} /> Download the original
            </a>
          )}
        </>
      )}
    </div>
  );
}
