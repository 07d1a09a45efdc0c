import type { Stats } from 'node:fs';
import type { ObjectHead } from '@mediaflow/domain';

/**
 * Which file on disk a sidecar describes. A rename keeps a file's inode, size and mtime, so a
 * reader can tell whether the data file it opened is the one the sidecar was written for.
 */
export interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

/** The metadata sidecar of one object, stored as JSON in the `.meta/` tree. */
export interface Sidecar {
  v: 1;
  size: number;
  etag: string;
  contentType: string;
  /** ISO 8601. */
  lastModified: string;
  cacheControl?: string;
  contentDisposition?: string;
  /** Set for objects assembled from multipart uploads: their etag is S3's `md5(part md5s)-N`. */
  partSize?: number;
  /** Hex; absent in sidecars rebuilt from a data file. */
  sha256?: string;
  file: FileIdentity;
}

export function identityOf(stats: Stats): FileIdentity {
  return { ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

/**
 * Reads a sidecar back. Anything unexpected (a torn or hand-edited file) gives `undefined`, which
 * the store treats like a missing sidecar: it rebuilds one from the data file.
 */
export function parseSidecar(text: string): Sidecar | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value['v'] !== 1 || !isRecord(value['file'])) return undefined;
  const file = value['file'];
  if (!isNumber(file['ino']) || !isNumber(file['size']) || !isNumber(file['mtimeMs'])) return undefined;
  if (!isNumber(value['size']) || typeof value['etag'] !== 'string' || typeof value['contentType'] !== 'string') return undefined;
  if (typeof value['lastModified'] !== 'string' || Number.isNaN(Date.parse(value['lastModified']))) return undefined;
  if (!isOptionalString(value['cacheControl']) || !isOptionalString(value['contentDisposition'])) return undefined;
  if (value['partSize'] !== undefined && !isNumber(value['partSize'])) return undefined;
  if (value['sha256'] !== undefined && !(typeof value['sha256'] === 'string' && /^[0-9a-f]{64}$/.test(value['sha256']))) return undefined;
  const sidecar: Sidecar = {
    v: 1,
    size: value['size'],
    etag: value['etag'],
    contentType: value['contentType'],
    lastModified: value['lastModified'],
    file: { ino: file['ino'], size: file['size'], mtimeMs: file['mtimeMs'] },
  };
  if (typeof value['cacheControl'] === 'string') sidecar.cacheControl = value['cacheControl'];
  if (typeof value['contentDisposition'] === 'string') sidecar.contentDisposition = value['contentDisposition'];
  if (isNumber(value['partSize'])) sidecar.partSize = value['partSize'];
  if (typeof value['sha256'] === 'string') sidecar.sha256 = value['sha256'];
  return sidecar;
}

export function headFromSidecar(key: string, sidecar: Sidecar): ObjectHead {
  const head: ObjectHead = {
    key,
    size: sidecar.size,
    contentType: sidecar.contentType,
    etag: sidecar.etag,
    lastModified: new Date(sidecar.lastModified),
  };
  if (sidecar.cacheControl !== undefined) head.cacheControl = sidecar.cacheControl;
  if (sidecar.contentDisposition !== undefined) head.contentDisposition = sidecar.contentDisposition;
  if (sidecar.sha256 !== undefined) head.sha256 = sidecar.sha256;
  return head;
}
