import { useEffect, useRef, useState } from 'react';
import type { ViewableItem } from '../api/types';
import { grantQuery, hlsSetup } from './hls';
import type { OriginalLink } from './original-link';
import { altText, posterOf, rendition } from '../gallery/renditions';
import { DownloadIcon, VideoIcon } from '../ui/icons';

export const HLS_TYPE = 'application/vnd.apple.mpegurl';

/**
 * HLS when the item has a ladder: natively where the browser plays it (Safari), else through
 * hls.js, which is fetched only now (a separate chunk). Falls back to the MP4 preview, then to a
 * download of the original. A stream whose URL carries a grant (a visitor's, a moderator's) goes
 * through hls.js wherever it can: a native player would drop the grant on the relative URLs
 * inside the playlists.
 */
export function VideoPlayer({ item, original }: { item: ViewableItem; original: OriginalLink }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const hls = rendition(item, 'hls/master', ['m3u8']);
  const preview = rendition(item, 'preview', ['mp4']);
  const poster = posterOf(item);

  useEffect(() => {
    const element = video.current;
    if (!element || !hls) return undefined;
    const granted = grantQuery(hls.url) !== '';
    const native = element.canPlayType(HLS_TYPE) !== '';
    if (native && !granted) {
      element.src = hls.url;
      return undefined;
    }
    let destroyed = false;
    let player: { destroy(): void } | undefined;
    import('hls.js')
      .then(({ default: Hls }) => {
        if (destroyed) return;
        if (!Hls.isSupported()) {
          if (preview) element.src = preview.url;
          else if (native) element.src = hls.url;
          else setError('This browser cannot play streaming video.');
          return;
        }
        const instance = new Hls(hlsSetup(hls.url));
        instance.on(Hls.Events.ERROR, (_event, data) => {
          if (!data.fatal) return;
          // The single-file preview often still plays where the stream did not.
          instance.destroy();
          player = undefined;
          if (preview) element.src = preview.url;
          else setError('The video stream could not be played.');
        });
        instance.loadSource(hls.url);
        instance.attachMedia(element);
        player = instance;
      })
      .catch(() => setError('The video player could not be loaded.'));
    return () => {
      destroyed = true;
      player?.destroy();
    };
  }, [hls, preview]);

  if (!hls && !preview) {
    return (
      <div className="stage-fallback">
        {poster ? <img className="stage-poster" src={poster.url} alt={altText(item)} /> : <VideoIcon size={56} />}
        <p>{item.status === 'ready' ? 'A playable version of this video is not available yet.' : 'This video is still being processed.'}</p>
        {original.href && (
          <a className="btn btn-primary" href={original.href} onClick={original.onClick} download={item.filename}>
            <DownloadIcon size={18} /> Download the original
          </a>
        )}
      </div>
    );
  }
  return (
    <div className="player">
      <video
        ref={video}
        className="player-video"
        controls
        playsInline
        preload="metadata"
        poster={poster?.url}
        src={!hls && preview ? preview.url : undefined}
        aria-label={altText(item)}
      />
      {error && (
        <p className="player-error" role="alert">
          {error} {original.href && <a href={original.href} onClick={original.onClick}>Download the original</a>}
        </p>
      )}
    </div>
  );
}
