import {
  type AlbumRepository,
  archiveKeys,
  type ArchiveJobQueue,
  ArchiveJobMessageSchema,
  type ArchiveOutcome,
  ArchiveOutcomeSchema,
  type ArchiveRequest,
  ArchiveRequestSchema,
  attachmentDisposition,
  DownloadRequestSchema,
  MAX_PAGE_SIZE,
  mapLimit,
  MediaError,
  type MediaItem,
  NotFoundError,
  type ObjectStore,
  ORIGINAL_FILE,
  ownerArchivesPrefix,
  ownerPrefixes,
  type Page,
  parseOrThrow,
  type StreamedObjectWriter,
  takenAtOf,
} from '@mediaflow/domain';
import type { z } from 'zod';
import type { CoreDeps } from '../context.js';
import { logEntry } from '../log.js';
import { READ_CONCURRENCY } from '../reads.js';
import { archivability, chooseFile, EntryNames, fileName, type SkipReason } from './plan.js';
import { zipSize, zipStream, type ZipEntry } from './zip.js';

/** What asking for, describing and streaming an archive needs. */
export interface ArchiveDeps extends CoreDeps {
  /** An export names the albums and which of them each item is in. */
  albums: AlbumRepository;
  /**
   * Where archives are built away from the request (the cloud's queue and function). Absent, the
   * server streams each archive when its link is fetched.
   */
  archiveJobs?: ArchiveJobQueue | undefined;
}

/** What building an archive into the object store needs (the cloud's function). */
export interface ArchiveBuildDeps extends CoreDeps {
  albums: AlbumRepository;
  writer: StreamedObjectWriter;
}

/** How long an archive's records and bytes are kept: a later request of the owner removes older ones. */
export const ARCHIVE_RETENTION_SECONDS = 24 * 3600;

/** An archive still not built this long after it was asked for is reported failed. */
export const ARCHIVE_BUILD_LIMIT_SECONDS = 3600;

/** The manifest of a selection's zip: which file is which item, and which items stayed out and why. */
export const MANIFEST_NAME = 'manifest.json';

/** The document of a library export: titles, descriptions, tags, favourites, albums. */
export const LIBRARY_NAME = 'library.json';

/** The folder of an export's originals. */
const EXPORT_FOLDER = 'originals/';

/** The largest record this module reads back (a request names at most 2,000 ids). */
const MAX_RECORD_BYTES = 256 * 1024;

/** One file planned into an archive. */
export interface ArchiveFile {
  mediaId: string;
  /** Its path in the zip. */
  name: string;
  key: string;
  size: number;
  modifiedAt: Date;
  /** `original`, or the rendition taken. */
  rendition: string;
}

/** An item named in a selection that is not in its archive. */
export interface SkippedItem {
  id: string;
  reason: SkipReason;
}

/** An archive ready to be written: its size is known before the first byte. */
export interface PreparedArchive {
  /** The name to download it under. */
  filename: string;
  /** The exact length of the zip (a `Content-Length`, or the parts' size of an upload). */
  bytes: number;
  files: ArchiveFile[];
  skipped: SkippedItem[];
  /**
   * The zip, produced as it is read: each file is opened when its turn comes. Fails part way if a
   * file changed or went since it was planned (the archive would lie about it otherwise).
   */
  body(): AsyncIterable<Uint8Array>;
}

/** The download name of an archive: `mediaflow-2026-06-01.zip`, `mediaflow-library-2026-06-01.zip`. */
export function archiveFileName(request: Pick<ArchiveRequest, 'kind' | 'createdAt'>): string {
  const day = request.createdAt.slice(0, 10);
  return request.kind === 'export' ? `mediaflow-library-${day}.zip` : `mediaflow-${day}.zip`;
}

async function readRecord<S extends z.ZodType>(store: ObjectStore, key: string, schema: S): Promise<z.output<S> | undefined> {
  let got;
  try {
    got = await store.get(key);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of got.body) {
    size += chunk.byteLength;
    if (size > MAX_RECORD_BYTES) throw new MediaError('internal', `${key} is larger than an archive record can be`);
    chunks.push(chunk);
  }
  return parseOrThrow(schema, JSON.parse(Buffer.concat(chunks).toString('utf8')), key);
}

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

/** Every page of a paged read, in order. */
async function allPages<T>(read: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return all;
}

/**
 * Removes the owner's archives older than {@link ARCHIVE_RETENTION_SECONDS} (their records and
 * bytes), so that they do not pile up where the store keeps them forever (a directory). In AWS a
 * lifecycle rule on `downloads/` does the same for owners who never ask again.
 */
export async function pruneArchives(deps: Pick<CoreDeps, 'store' | 'clock'>, ownerId: string): Promise<number> {
  const before = deps.clock.now().getTime() - ARCHIVE_RETENTION_SECONDS * 1000;
  const prefix = ownerArchivesPrefix(ownerId);
  const old = new Set<string>();
  for await (const head of deps.store.list(prefix)) {
    const [archiveId, file] = head.key.slice(prefix.length).split('/');
    if (archiveId !== undefined && file === 'request.json' && head.lastModified.getTime() < before) old.add(archiveId);
  }
  let removed = 0;
  for (const archiveId of old) removed += await deps.store.deleteByPrefix(archiveKeys(ownerId, archiveId).prefix);
  return removed;
}

async function submit(deps: ArchiveDeps, request: ArchiveRequest): Promise<ArchiveRequest> {
  await pruneArchives(deps, request.ownerId);
  await deps.store.put(archiveKeys(request.ownerId, request.id).request, json(request), { contentType: 'application/json' });
  await deps.archiveJobs?.enqueue({ ownerId: request.ownerId, archiveId: request.id });
  return request;
}

/**
 * `POST /api/v1/downloads`: records a zip of the owner's items named in `body` (`ids`, 1 to
 * 2,000, in the order the files go in, and `rendition`: `original` or a rendition name, see
 * `chooseFile`), and asks for it to be built where archives are built away from the request.
 * Nothing is checked against the items yet: the archive is made of what they are when it is
 * written, and the ones that cannot go in are listed in its manifest.
 *
 * @throws ValidationError for a body that is not such a selection.
 */
export async function requestDownload(deps: ArchiveDeps, ownerId: string, body: unknown): Promise<ArchiveRequest> {
  const input = parseOrThrow(DownloadRequestSchema, body, 'request body');
  const now = deps.clock.now().toISOString();
  return submit(deps, { id: deps.ids.next(), ownerId, kind: 'selection', ids: input.ids, rendition: input.rendition, createdAt: now });
}

/** `POST /api/v1/export`: records a zip of the owner's whole library (originals and `library.json`), as {@link requestDownload} does. */
export async function requestExport(deps: ArchiveDeps, ownerId: string): Promise<ArchiveRequest> {
  const now = deps.clock.now().toISOString();
  return submit(deps, { id: deps.ids.next(), ownerId, kind: 'export', rendition: ORIGINAL_FILE, createdAt: now });
}

/**
 * The owner's archive as it was asked for.
 *
 * @throws NotFoundError for an archive of another owner, or one past its retention.
 */
export async function getArchiveRequest(deps: Pick<CoreDeps, 'store'>, ownerId: string, archiveId: string): Promise<ArchiveRequest> {
  const request = await readRecord(deps.store, archiveKeys(ownerId, archiveId).request, ArchiveRequestSchema);
  if (request === undefined || request.ownerId !== ownerId) throw new NotFoundError('no such download');
  return request;
}

/** Where an archive built away from the request stands. */
export type ArchiveStatus =
  | { status: 'pending'; request: ArchiveRequest }
  | { status: 'ready'; request: ArchiveRequest; outcome: Extract<ArchiveOutcome, { status: 'ready' }>; url: string; expiresAt: Date }
  | { status: 'failed'; request: ArchiveRequest; reason: string };

/**
 * `GET /api/v1/downloads/{id}` where archives are built away from the request: pending, failed
 * (with the reason), or ready with a short-lived link to the zip (the store's presigned GET, as
 * an attachment under its name). One not built within {@link ARCHIVE_BUILD_LIMIT_SECONDS} is
 * failed: its job ran out of attempts.
 *
 * @throws NotFoundError for an archive of another owner, or one past its retention.
 */
export async function archiveStatus(deps: Pick<CoreDeps, 'store' | 'clock' | 'config'>, ownerId: string, archiveId: string): Promise<ArchiveStatus> {
  const request = await getArchiveRequest(deps, ownerId, archiveId);
  const keys = archiveKeys(ownerId, archiveId);
  const outcome = await readRecord(deps.store, keys.outcome, ArchiveOutcomeSchema);
  if (outcome?.status === 'ready') {
    const link = await deps.store.presignGet(keys.archive, { expiresInSeconds: deps.config.downloadUrlTtlSeconds, downloadFilename: archiveFileName(request) });
    return { status: 'ready', request, outcome, url: link.url, expiresAt: link.expiresAt };
  }
  if (outcome?.status === 'failed') return { status: 'failed', request, reason: outcome.reason };
  if (deps.clock.now().getTime() - Date.parse(request.createdAt) > ARCHIVE_BUILD_LIMIT_SECONDS * 1000) {
    return { status: 'failed', request, reason: 'the archive was not made in time; ask for it again' };
  }
  return { status: 'pending', request };
}

/** The files of a selection, in the order asked, named without repeats; the rest with why. */
async function planSelection(deps: Pick<CoreDeps, 'repo' | 'store'>, request: ArchiveRequest): Promise<{ files: ArchiveFile[]; skipped: SkippedItem[] }> {
  const ids = request.ids ?? [];
  const items = await mapLimit(ids, READ_CONCURRENCY, (id) => deps.repo.get(request.ownerId, id));
  const chosen = items.map((item) => (item === undefined || archivability(item) !== undefined ? undefined : chooseFile(item, request.rendition)));
  // The store's own size, not the record's: the zip announces each size before the bytes.
  const heads = await mapLimit(chosen, READ_CONCURRENCY, (file) => (file === undefined ? Promise.resolve(undefined) : deps.store.head(file.key)));
  const names = new EntryNames([MANIFEST_NAME]);
  const files: ArchiveFile[] = [];
  const skipped: SkippedItem[] = [];
  ids.forEach((id, i) => {
    const item = items[i];
    const file = chosen[i];
    const head = heads[i];
    if (item === undefined || file === undefined) {
      skipped.push({ id, reason: archivability(item) ?? 'not_found' });
      return;
    }
    if (head === undefined) {
      skipped.push({ id, reason: 'file_missing' });
      return;
    }
    files.push({ mediaId: id, name: names.take(fileName(item, file)), key: file.key, size: head.size, modifiedAt: new Date(takenAtOf(item)), rendition: file.rendition });
  });
  return { files, skipped };
}

/** The manifest of a selection's zip. */
function selectionManifest(request: ArchiveRequest, files: readonly ArchiveFile[], skipped: readonly SkippedItem[]): Buffer {
  return json({
    format: 'mediaflow-download',
    version: 1,
    createdAt: request.createdAt,
    rendition: request.rendition,
    files: files.map((f) => ({ file: f.name, id: f.mediaId, rendition: f.rendition })),
    skipped,
  });
}

/** The owner's albums, each with its members in the album's order (oldest taken first). */
async function albumsWithMembers(deps: Pick<ArchiveDeps, 'albums'>, ownerId: string) {
  const albums = await allPages((cursor) => deps.albums.listAlbums(ownerId, { limit: MAX_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) }));
  return mapLimit(albums, READ_CONCURRENCY, async (album) => ({
    album,
    members: (await allPages((cursor) => deps.albums.listItems(ownerId, album.id, { order: 'asc', limit: MAX_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) }))).map((m) => m.mediaId),
  }));
}

/**
 * The files of an export (every listed item's original that is in the store, under `originals/`)
 * and its `library.json`: each item's file, name, kind, type, size, hash, title, description, tags,
 * favourite, dates and albums; each album's name, description and members in order. Items in the
 * trash are not in the listing, so not in the export.
 */
async function planExport(deps: Pick<ArchiveDeps, 'repo' | 'store' | 'albums'>, request: ArchiveRequest): Promise<{ files: ArchiveFile[]; library: Buffer }> {
  const { ownerId } = request;
  const listed = await allPages((cursor) => deps.repo.list(ownerId, { limit: MAX_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) }));
  const items = listed.filter((item) => archivability(item) === undefined);
  // One listing of the owner's originals instead of a HEAD per item.
  const sizes = new Map<string, number>();
  for await (const head of deps.store.list(ownerPrefixes(ownerId)[0])) sizes.set(head.key, head.size);
  const albums = await albumsWithMembers(deps, ownerId);
  const exported = new Set(items.map((item) => item.id));
  const albumsOf = new Map<string, string[]>();
  for (const { album, members } of albums) {
    for (const id of members) albumsOf.set(id, [...(albumsOf.get(id) ?? []), album.id]);
  }

  const names = new EntryNames();
  const files: ArchiveFile[] = [];
  const entries = items.map((item: MediaItem) => {
    const size = sizes.get(item.original.key);
    let file: string | null = null;
    if (size !== undefined) {
      file = `${EXPORT_FOLDER}${names.take(fileName(item, {}))}`;
      files.push({ mediaId: item.id, name: file, key: item.original.key, size, modifiedAt: new Date(takenAtOf(item)), rendition: ORIGINAL_FILE });
    }
    return {
      id: item.id,
      file,
      filename: item.original.filename,
      kind: item.kind,
      mimeType: item.original.mime,
      bytes: item.original.size,
      sha256: item.original.sha256 ?? null,
      title: item.title ?? null,
      description: item.description ?? null,
      tags: item.tags.map((t) => ({ name: t.name, source: t.source, confidence: t.confidence })),
      favourite: item.favourite === true,
      albums: albumsOf.get(item.id) ?? [],
      takenAt: takenAtOf(item),
      uploadedAt: item.createdAt,
      status: item.status,
    };
  });
  const library = json({
    format: 'mediaflow-library',
    version: 1,
    ownerId,
    exportedAt: request.createdAt,
    items: entries,
    albums: albums.map(({ album, members }) => ({
      id: album.id,
      name: album.name,
      description: album.description ?? null,
      coverMediaId: album.coverMediaId ?? null,
      createdAt: album.createdAt,
      items: members.filter((id) => exported.has(id)),
    })),
  });
  return { files, library };
}

/**
 * The zip of an archive: plans it (which files, under which names, of what size) and hands back
 * its size and a body that reads each file from the store as the zip is read. A selection ends
 * with `manifest.json`; an export with `library.json`.
 *
 * @throws NotFoundError when none of a selection's items can go in (the reasons in `details.skipped`).
 */
export async function prepareArchive(deps: Pick<ArchiveDeps, 'repo' | 'store' | 'albums'>, request: ArchiveRequest): Promise<PreparedArchive> {
  let files: ArchiveFile[];
  let skipped: SkippedItem[] = [];
  let document: { name: string; bytes: Buffer };
  if (request.kind === 'selection') {
    ({ files, skipped } = await planSelection(deps, request));
    if (files.length === 0) throw new NotFoundError('none of the selected items can be downloaded', { details: { skipped } });
    document = { name: MANIFEST_NAME, bytes: selectionManifest(request, files, skipped) };
  } else {
    const planned = await planExport(deps, request);
    files = planned.files;
    document = { name: LIBRARY_NAME, bytes: planned.library };
  }
  const createdAt = new Date(request.createdAt);
  const sizes = [...files, { name: document.name, size: document.bytes.length, modifiedAt: createdAt }];
  const { store } = deps;
  async function* entries(): AsyncGenerator<ZipEntry> {
    for (const file of files) {
      const got = await store.get(file.key);
      yield { name: file.name, modifiedAt: file.modifiedAt, size: file.size, body: got.body };
    }
    yield { name: document.name, modifiedAt: createdAt, size: document.bytes.length, body: document.bytes };
  }
  return { filename: archiveFileName(request), bytes: zipSize(sizes), files, skipped, body: () => zipStream(entries()) };
}

/**
 * The cloud's archive job: builds the archive a queue message names into the object store (by
 * `deps.writer`, in parts as it is produced) and records the outcome beside it, which
 * {@link archiveStatus} reports. A repeated delivery of a built archive does nothing again. A
 * refusal of the domain (nothing to download, a file that changed) is recorded as failed; any
 * other error is thrown, for the queue to try again. A request gone by the time the archive is
 * written (its account deleted meanwhile) has the archive and outcome removed again.
 *
 * @returns the outcome, or `undefined` when the request is gone (past its retention, or its account deleted).
 */
export async function buildArchive(deps: ArchiveBuildDeps, message: unknown): Promise<ArchiveOutcome | undefined> {
  const job = parseOrThrow(ArchiveJobMessageSchema, message, 'archive job');
  const keys = archiveKeys(job.ownerId, job.archiveId);
  const request = await readRecord(deps.store, keys.request, ArchiveRequestSchema);
  if (request === undefined || request.ownerId !== job.ownerId) {
    logEntry(deps, { level: 'warn', msg: 'archive request gone', ...job });
    return undefined;
  }
  const done = await readRecord(deps.store, keys.outcome, ArchiveOutcomeSchema);
  if (done?.status === 'ready') return done;

  let outcome: ArchiveOutcome;
  try {
    const prepared = await prepareArchive(deps, request);
    const head = await deps.writer.write(keys.archive, prepared.body(), {
      expectedBytes: prepared.bytes,
      contentType: 'application/zip',
      contentDisposition: attachmentDisposition(prepared.filename),
    });
    outcome = { status: 'ready', bytes: head.size, files: prepared.files.length, skipped: prepared.skipped.length, finishedAt: deps.clock.now().toISOString() };
  } catch (error) {
    if (!(error instanceof MediaError) || error.code === 'internal') throw error;
    outcome = { status: 'failed', reason: error.message.slice(0, 1000), finishedAt: deps.clock.now().toISOString() };
  }
  await deps.store.put(keys.outcome, json(outcome), { contentType: 'application/json' });
  // Looked at again once written: an account deleted meanwhile took the request (and everything
  // else of the owner), and what was just written must not outlive it.
  if ((await deps.store.head(keys.request)) === undefined) {
    await deps.store.deleteByPrefix(keys.prefix);
    logEntry(deps, { level: 'warn', msg: 'archive request gone while building; archive removed', ...job });
    return undefined;
  }
  logEntry(deps, { level: 'info', msg: 'archive built', ...job, status: outcome.status });
  return outcome;
}

/**
 * A {@link StreamedObjectWriter} on an object store whose `put` streams by itself (a directory,
 * the in-memory store of tests): no parts to size.
 */
export function storeWriter(store: Pick<ObjectStore, 'put'>): StreamedObjectWriter {
  return {
    write: (key, body, options) =>
      store.put(key, body, { contentType: options.contentType, ...(options.contentDisposition === undefined ? {} : { contentDisposition: options.contentDisposition }) }),
  };
}
