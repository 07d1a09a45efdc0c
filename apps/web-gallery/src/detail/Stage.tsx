import type { ViewableItem } from '../api/types';
import { DocumentIcon, DownloadIcon, FileIcon } from '../ui/icons';
import { AudioPlayer } from './AudioPlayer';
import { ImageViewer } from './ImageViewer';
import type { OriginalLink } from './original-link';
import { VideoPlayer } from './VideoPlayer';

/** No download: for a visitor whose link does not allow one. */
export const NO_ORIGINAL: OriginalLink = { href: null, onClick: () => undefined };

/** The item itself, large: the image viewer, the video or audio player, or a file with its download. */
export function Stage({ item, original }: { item: ViewableItem; original: OriginalLink }) {
  if (item.kind === 'image') return <ImageViewer item={item} />;
  if (item.kind === 'video') return <VideoPlayer item={item} original={original} />;
  if (item.kind === 'audio') return <AudioPlayer item={item} original={original} />;
  return (
    <div className="stage-fallback">
      {item.kind === 'document' ? <DocumentIcon size={64} /> : <FileIcon size={64} />}
      <p className="stage-filename">{item.filename}</p>
      {original.href && (
        <a className="btn btn-primary" href={original.href} onClick={original.onClick} download={item.filename}>
          <DownloadIcon size={18} /> Download
        </a>
      )}
    </div>
  );
}
