import type { Clock } from '@mediaflow/domain';

/** Settings shared by `FsObjectStore` and `FsMultipartUploads` on one directory. */
export interface FsObjectStoreOptions {
  /** The directory that holds the objects; created on first use. Nothing is written outside it. */
  root: string;
  /** Where the local server answers, e.g. `http://localhost:3000`: presigned URLs start with it. */
  baseUrl: string;
  /** The HMAC-SHA256 key of presigned URLs, at least 32 bytes; the server verifies with the same. */
  secret: string | Uint8Array;
  /** Time for `lastModified` and URL expiry (default: the system clock). */
  clock?: Clock;
  /**
   * Sync files and directories to disk before a write is acknowledged (default `true`), so an
   * acknowledged object survives a power cut. Tests may turn it off for speed.
   */
  durable?: boolean;
}
