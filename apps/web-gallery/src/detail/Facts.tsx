import type { MediaView, ViewableItem } from '../api/types';

/** What the facts are read from: any view of an item, with its original's size and type where known. */
export type FactsItem = Pick<ViewableItem, 'facts' | 'filename' | 'createdAt'> & { original?: Pick<MediaView['original'], 'size' | 'mime'> | undefined };
import { formatBytes, formatDate, formatDuration } from '../ui/format';

/** What the pipelines learned, as label/value pairs; only what is known is listed. */
export function factRows(item: FactsItem): [string, string][] {
  const f = item.facts;
  const rows: [string, string][] = [];
  if (f.width && f.height) rows.push(['Dimensions', `${f.width} × ${f.height}`]);
  if (f.durationSeconds !== undefined) rows.push(['Duration', formatDuration(f.durationSeconds)]);
  if (f.format || f.container) rows.push(['Format', (f.format ?? f.container ?? '').toUpperCase()]);
  if (f.videoCodec) rows.push(['Video', `${f.videoCodec}${f.frameRate ? `, ${Math.round(f.frameRate * 100) / 100} fps` : ''}`]);
  if (f.audioCodec) rows.push(['Audio', `${f.audioCodec}${f.sampleRate ? `, ${f.sampleRate / 1000} kHz` : ''}${f.channels ? `, ${f.channels} ch` : ''}`]);
  if (f.pages) rows.push(['Pages', String(f.pages)]);
  if (f.capturedAt) rows.push(['Taken', formatDate(f.capturedAt)]);
  const camera = [f.camera?.make, f.camera?.model].filter(Boolean).join(' ');
  if (camera) rows.push(['Camera', camera]);
  if (f.camera?.lens) rows.push(['Lens', f.camera.lens]);
  const e = f.exposure;
  const exposure = [
    e?.fNumber ? `ƒ/${e.fNumber}` : '',
    e?.exposureTime ? (e.exposureTime < 1 ? `1/${Math.round(1 / e.exposureTime)} s` : `${e.exposureTime} s`) : '',
    e?.iso ? `ISO ${e.iso}` : '',
    e?.focalLength ? `${e.focalLength} mm` : '',
  ].filter(Boolean).join(' · ');
  if (exposure) rows.push(['Exposure', exposure]);
  if (f.colorSpace) rows.push(['Colour', `${f.colorSpace}${f.bitDepth ? `, ${f.bitDepth}-bit` : ''}${f.hasAlpha ? ', alpha' : ''}`]);
  if (item.original) {
    rows.push(['File', `${item.filename} · ${formatBytes(item.original.size)}`]);
    rows.push(['Type', item.original.mime]);
  } else {
    rows.push(['File', item.filename]);
  }
  rows.push(['Uploaded', formatDate(item.createdAt)]);
  return rows;
}

export function Facts({ item }: { item: FactsItem }) {
  return (
    <dl className="facts">
      {factRows(item).map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
