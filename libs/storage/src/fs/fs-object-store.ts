import {
  NotFoundError,
  systemClock,
  ValidationError,
  type BodyInput,
  type ByteRange,
  type Clock,
  type GetResult,
  type ObjectHead,
  type ObjectStore,
  type PresignedRequest,
  type PresignGetOptions,
  type PresignPutOptions,
  type PutOptions,
} from '@mediaflow/domain';
import { removeQuietly } from './file-ops.js';
import { assertFsKey } from './key-paths.js';
import { FsLayout } from './layout.js';
import type { FsObjectStoreOptions } from './options.js';
import { presignExpiry, UrlSigner, type PresignedGrant } from './presign.js';
import { resolveRange } from './range.js';
import { headFromSidecar } from './sidecar.js';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function checkMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(maxBytes) || maxBytes < 0) {
    throw new ValidationError('maxBytes must be a non-negative integer', [{ path: 'maxBytes', message: 'invalid' }]);
  }
  return maxBytes;
}

/**
 * The `ObjectStore` of the local stack: one file per object under a root directory.
 *
 * - Writes stream into a temp file in `{root}/.tmp/` and are renamed into place, so a reader sees
 *   the old object or the whole new one; a failed or oversized write leaves nothing behind.
 * - Metadata (content type, cache control, disposition, etag) lives in a JSON sidecar in the
 *   parallel `{root}/.meta/` tree, also replaced by rename.
 * - Reads stream from the file (ranges included); nothing is buffered whole.
 * - Keys are checked (`..`, absolute paths, NUL, backslashes, empty segments are refused with
 *   `ValidationError`) and resolved through links: nothing is read or written outside the root.
 * - Presigned URLs point at the local server and carry an HMAC-SHA256 signature that
 *   {@link verifyPresigned} checks.
 *
 * A directory tree cannot hold both `a` and `a/b` as objects (S3 can); such a put throws
 * `ConflictError`. The key layout of `@mediaflow/domain` never needs both.
 *
 * @example
 * const store = new FsObjectStore({ root: '.mediaflow/objects', baseUrl: 'http://localhost:3000', secret });
 * await store.put(originalKey(owner, id), request, { maxBytes: limits.maxUploadBytes });
 */
export class FsObjectStore implements ObjectStore {
  private readonly layout: FsLayout;
  private readonly signer: UrlSigner;
  private readonly clock: Clock;

  constructor(options: FsObjectStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.layout = new FsLayout(options.root, this.clock, options.durable ?? true);
    this.signer = new UrlSigner(options.baseUrl, options.secret);
  }

  async put(key: string, body: BodyInput, options: PutOptions = {}): Promise<ObjectHead> {
    const maxBytes = checkMaxBytes(options.maxBytes);
    const paths = await this.layout.paths(key);
    const temp = await this.layout.writeTemp(body, maxBytes);
    try {
      const sidecar = await this.layout.commit(paths, temp, {
        etag: temp.md5.toString('hex'),
        sha256: temp.sha256,
        contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
        cacheControl: options.cacheControl,
        contentDisposition: options.contentDisposition,
      });
      return headFromSidecar(key, sidecar);
    } catch (error) {
      await removeQuietly(temp.path);
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<GetResult> {
    const opened = await this.layout.open(await this.layout.paths(key));
    if (opened === undefined) throw new NotFoundError(`no object at ${key}`);
    const { handle, sidecar } = opened;
    const head = headFromSidecar(key, sidecar);
    if (range === undefined) return { head, body: handle.createReadStream() };
    let resolved: { start: number; end: number };
    try {
      resolved = resolveRange(range, sidecar.size);
    } catch (error) {
      await handle.close();
      throw error;
    }
    // The stream reads from the open handle, so a concurrent overwrite (a rename) cannot change
    // the bytes under it; it closes the handle when it ends or is destroyed.
    return { head, body: handle.createReadStream({ start: resolved.start, end: resolved.end }), range: resolved };
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    const opened = await this.layout.open(await this.layout.paths(key));
    if (opened === undefined) return undefined;
    await opened.handle.close();
    return headFromSidecar(key, opened.sidecar);
  }

  async delete(key: string): Promise<void> {
    await this.layout.remove(await this.layout.paths(key));
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    // Collected first: deleting while walking would change the directories being read.
    const keys: string[] = [];
    for await (const key of this.layout.keys(prefix)) keys.push(key);
    let deleted = 0;
    for (const key of keys) {
      if (await this.layout.remove(await this.layout.paths(key))) deleted += 1;
    }
    return deleted;
  }

  async *list(prefix: string): AsyncIterable<ObjectHead> {
    for await (const key of this.layout.keys(prefix)) {
      let paths;
      try {
        paths = await this.layout.paths(key);
      } catch (error) {
        // A file someone put in the tree by hand under a name no key can have: not an object.
        if (error instanceof ValidationError) continue;
        throw error;
      }
      const opened = await this.layout.open(paths);
      if (opened === undefined) continue; // deleted since the directory was read
      await opened.handle.close();
      yield headFromSidecar(key, opened.sidecar);
    }
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest> {
    assertFsKey(key);
    if (options.contentLength !== undefined) checkMaxBytes(options.contentLength);
    const grant: PresignedGrant = { method: 'PUT', key, expiresAt: presignExpiry(this.clock.now(), options.expiresInSeconds) };
    const headers: Record<string, string> = {};
    if (options.contentType !== undefined) {
      grant.contentType = options.contentType;
      headers['content-type'] = options.contentType;
    }
    if (options.contentLength !== undefined) grant.contentLength = options.contentLength;
    return { method: 'PUT', url: this.signer.sign(grant), headers, expiresAt: grant.expiresAt };
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    assertFsKey(key);
    const grant: PresignedGrant = { method: 'GET', key, expiresAt: presignExpiry(this.clock.now(), options.expiresInSeconds) };
    if (options.downloadFilename !== undefined) grant.downloadFilename = options.downloadFilename;
    return { method: 'GET', url: this.signer.sign(grant), headers: {}, expiresAt: grant.expiresAt };
  }

  /**
   * Removes temp files and multipart uploads untouched for `maxAgeSeconds` (default a day): what
   * a crash or an abandoned upload left behind. Returns how many entries were removed. Run it at
   * start-up and now and then.
   */
  async sweepTemporaryFiles(maxAgeSeconds = 24 * 60 * 60): Promise<number> {
    return this.layout.sweepTemp(maxAgeSeconds * 1000);
  }
}
