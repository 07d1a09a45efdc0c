import { ORIGINAL_FILE, sanitizeDisplayName, type MediaItem, type MediaStatus, type Rendition, type RenditionFormat } from '@mediaflow/domain';

/**
 * The decisions behind an archive, kept pure: which file of an item goes in, under which name, and
 * why an item stays out. `archives.ts` runs them against the stores.
 */

/**
 * Statuses whose files may go into an archive: past the upload, not on their way out. An item in
 * the trash, a delete under way, an upload still in flight are left out (with a reason), and so is
 * any status added later until it is named here.
 */
const ARCHIVED_STATUSES: ReadonlySet<MediaStatus> = new Set(['uploaded', 'processing', 'ready', 'failed', 'flagged']);

/** Why an item named in a selection is not in its archive, as the manifest says it. */
export type SkipReason =
  /** Missing, deleted, or another owner's (the three look the same). */
  | 'not_found'
  /** In the trash: restore it to download it. */
  | 'in_trash'
  /** Its upload has not finished. */
  | 'not_uploaded'
  /** The record names a file the store no longer has. */
  | 'file_missing';

/** Whether an item's files may go into an archive, or why not. */
export function archivability(item: MediaItem | undefined): SkipReason | undefined {
  if (item === undefined || item.status === 'deleted') return 'not_found';
  if (item.status === 'trashed') return 'in_trash';
  if (item.status === 'uploading') return 'not_uploaded';
  return ARCHIVED_STATUSES.has(item.status) ? undefined : 'not_found';
}

/** Formats a rendition may be downloaded in, most widely readable first; playlists, segments and JSON are parts of something else. */
const DOWNLOAD_FORMATS: readonly RenditionFormat[] = ['jpeg', 'png', 'gif', 'webp', 'avif', 'mp4', 'm4a', 'opus'];
const IMAGE_FORMATS: ReadonlySet<RenditionFormat> = new Set(['jpeg', 'png', 'gif', 'webp', 'avif']);

/** The file extension of a rendition format. */
const EXTENSIONS: Readonly<Partial<Record<RenditionFormat, string>>> = { jpeg: 'jpg' };

const preference = (format: RenditionFormat): number => DOWNLOAD_FORMATS.indexOf(format);
const byPreference = (a: Rendition, b: Rendition): number => preference(a.format) - preference(b.format);
const area = (r: Rendition): number => (r.width ?? 0) * (r.height ?? 0);

/** The file of an item an archive takes: the original, or one rendition. */
export interface ChosenFile {
  key: string;
  /** `original`, or the name of the rendition taken (which may differ from the one asked for). */
  rendition: string;
  /** The rendition's format; absent for the original. */
  format?: RenditionFormat;
}

/**
 * Which file of `item` stands for `rendition`: the original when asked for, else the rendition of
 * that name (in the most widely readable of its formats: JPEG before WebP before AVIF). An image
 * without it (too small for `large`, or not processed) gives its largest image rendition, any
 * other item its original: a video asked for in `large` comes as the video, not as its poster.
 *
 * @example
 * chooseFile(photo, 'large');  // { key: 'renditions/alice/01J…/large.jpeg', rendition: 'large', format: 'jpeg' }
 * chooseFile(video, 'large');  // { key: 'originals/alice/01J…', rendition: 'original' }
 */
export function chooseFile(item: MediaItem, rendition: string): ChosenFile {
  const original: ChosenFile = { key: item.original.key, rendition: ORIGINAL_FILE };
  if (rendition === ORIGINAL_FILE) return original;
  const downloadable = item.renditions.filter((r) => preference(r.format) >= 0);
  const named = downloadable.filter((r) => r.name === rendition).sort(byPreference)[0];
  const fallback =
    item.kind === 'image' ? downloadable.filter((r) => IMAGE_FORMATS.has(r.format)).sort((a, b) => area(b) - area(a) || byPreference(a, b))[0] : undefined;
  const chosen = named ?? fallback;
  return chosen === undefined ? original : { key: chosen.key, rendition: chosen.name, format: chosen.format };
}

/**
 * The name a file goes into an archive under: the item's file name made safe again (whatever the
 * record holds, it becomes one plain name, never a path), with the rendition's extension in place
 * of the original's.
 *
 * @example
 * fileName({ original: { filename: 'IMG_1.HEIC' } }, { rendition: 'large', format: 'jpeg' }); // 'IMG_1.jpg'
 */
export function fileName(item: Pick<MediaItem, 'original'>, chosen: Pick<ChosenFile, 'format'>): string {
  const name = sanitizeDisplayName(item.original.filename);
  if (chosen.format === undefined) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}.${EXTENSIONS[chosen.format] ?? chosen.format}`;
}

/**
 * Hands out names that no earlier one matches, ignoring case and Unicode normalisation (as the
 * file systems of Windows and macOS do): `photo.jpg`, then `photo (2).jpg`, `photo (3).jpg`.
 * Names given to `reserve` first (a manifest) are never handed out.
 */
export class EntryNames {
  private readonly taken = new Set<string>();

  constructor(reserved: readonly string[] = []) {
    for (const name of reserved) this.taken.add(EntryNames.fold(name));
  }

  private static fold(name: string): string {
    return name.normalize('NFC').toLowerCase();
  }

  /** `name`, or the first free `stem (n).ext` after it. */
  take(name: string): string {
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; this.taken.has(EntryNames.fold(candidate)); n += 1) candidate = `${stem} (${n})${ext}`;
    this.taken.add(EntryNames.fold(candidate));
    return candidate;
  }
}
