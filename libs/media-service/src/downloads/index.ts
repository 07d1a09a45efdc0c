export {
  ARCHIVE_BUILD_LIMIT_SECONDS,
  ARCHIVE_RETENTION_SECONDS,
  archiveFileName,
  archiveStatus,
  buildArchive,
  getArchiveRequest,
  LIBRARY_NAME,
  MANIFEST_NAME,
  prepareArchive,
  pruneArchives,
  requestDownload,
  requestExport,
  storeWriter,
} from './archives.js';
export type { ArchiveBuildDeps, ArchiveDeps, ArchiveFile, ArchiveStatus, PreparedArchive, SkippedItem } from './archives.js';
export { archivability, chooseFile, EntryNames, fileName } from './plan.js';
export type { ChosenFile, SkipReason } from './plan.js';
export { zipNameProblem, zipSize, zipStream } from './zip.js';
export type { ZipEntry, ZipOptions } from './zip.js';
