import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { ConflictError, LimitExceededError, ValidationError, type BodyInput, type Clock } from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import { assertSafeKeyPrefix, assertSafeObjectKey } from '../object-key.js';
import { processLocks } from './keyed-lock.js';
import { identityOf, parseSidecar, sameFile, type FileIdentity, type Sidecar } from './sidecar.js';

/** Bytes being written before they become an object (puts, multipart parts). */
export const TEMP_DIR = '.tmp';
/** The metadata sidecars, in a tree that mirrors the objects' own. */
export const META_DIR = '.meta';
const MULTIPART_DIR = 'multipart';
const RESERVED_NAMES: ReadonlySet<string> = new Set([TEMP_DIR, META_DIR]);
/** NAME_MAX on Linux and macOS filesystems. */
const MAX_SEGMENT_BYTES = 255;

/** Where one object lives on disk. Only made by {@link FsLayout.paths}, after every check. */
export interface ObjectPaths {
  readonly key: string;
  readonly data: string;
  readonly meta: string;
}

/** A finished temp file: its bytes are on disk (and synced when the layout is durable). */
export interface WrittenTemp {
  path: string;
  size: number;
  /** MD5 of the whole file (the single-part etag). */
  md5: Buffer;
  /** SHA-256 of the whole file, hex (what ingest de-duplicates on). */
  sha256: string;
  identity: FileIdentity;
}

export interface CommitMetadata {
  etag: string;
  contentType: string;
  cacheControl?: string | undefined;
  contentDisposition?: string | undefined;
  partSize?: number | undefined;
  sha256?: string | undefined;
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR']);

/** Unlinks a file, treating "already gone" as success. */
export async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!MISSING.has(errorCode(error) ?? '')) throw error;
  }
}

/**
 * Throws `ValidationError` unless `key` is a safe object key that can also be a path here: the
 * checks of `assertSafeObjectKey`, segments no longer than a file name may be, and a first segment
 * that is not one of the store's own directories.
 */
export function assertFsKey(key: string): void {
  assertSafeObjectKey(key);
  const segments = key.split('/');
  if (RESERVED_NAMES.has(segments[0] ?? '')) {
    throw new ValidationError(`object key may not start with "${segments[0]}/": it is reserved by the filesystem store`, [
      { path: 'key', message: 'reserved first segment' },
    ]);
  }
  if (segments.some((s) => Buffer.byteLength(s, 'utf8') > MAX_SEGMENT_BYTES)) {
    throw new ValidationError(`object key has a segment longer than ${MAX_SEGMENT_BYTES} bytes`, [
      { path: 'key', message: 'segment too long' },
    ]);
  }
}

/**
 * Streams an iterable of chunks into an open file, counting and hashing as it goes. Stops with
 * `LimitExceededError` as soon as the total passes `maxBytes`.
 */
async function writeChunks(handle: FileHandle, body: BodyInput, maxBytes: number): Promise<{ size: number; md5: Buffer; sha256: string }> {
  const hash = createHash('md5');
  const sha = createHash('sha256');
  let size = 0;
  const write = async (chunk: Uint8Array): Promise<void> => {
    size += chunk.byteLength;
    if (size > maxBytes) throw new LimitExceededError(`object is larger than ${maxBytes} bytes`, { details: { maxBytes } });
    hash.update(chunk);
    sha.update(chunk);
    let offset = 0;
    while (offset < chunk.byteLength) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
      offset += bytesWritten;
    }
  };
  if (body instanceof Uint8Array) {
    await write(body);
  } else {
    for await (const chunk of body) {
      // A stream in object or string mode would otherwise be written as "[object Object]".
      if (!(chunk instanceof Uint8Array)) throw new ValidationError('a body stream must yield bytes');
      await write(chunk);
    }
  }
  return { size, md5: hash.digest(), sha256: sha.digest('hex') };
}

/**
 * The etag a file would have been given: MD5 hex, or for multipart objects S3's
 * `md5(concat(part md5s))-N` over parts of `partSize` bytes.
 */
async function etagOfFile(handle: FileHandle, partSize: number | undefined): Promise<string> {
  const whole = createHash('md5');
  const partDigests: Buffer[] = [];
  let part = createHash('md5');
  let inPart = 0;
  for await (const chunk of handle.createReadStream({ autoClose: false, start: 0 }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    if (partSize === undefined) continue;
    let offset = 0;
    while (offset < chunk.byteLength) {
      const take = Math.min(partSize - inPart, chunk.byteLength - offset);
      part.update(chunk.subarray(offset, offset + take));
      offset += take;
      inPart += take;
      if (inPart === partSize) {
        partDigests.push(part.digest());
        part = createHash('md5');
        inPart = 0;
      }
    }
  }
  if (partSize === undefined) return whole.digest('hex');
  if (inPart > 0) partDigests.push(part.digest());
  return `${createHash('md5').update(Buffer.concat(partDigests)).digest('hex')}-${partDigests.length}`;
}

/**
 * The on-disk layout of a filesystem object store, shared by `FsObjectStore` and
 * `FsMultipartUploads`:
 *
 * ```
 * {root}/{key}            the object's bytes, replaced only by rename (readers never see a partial file)
 * {root}/.meta/{key}      its metadata sidecar (JSON), also replaced by rename
 * {root}/.tmp/            temp files being written, and multipart uploads in progress
 * ```
 *
 * Data and sidecar are two renames, so the sidecar records the identity (inode, size, mtime) of
 * the data file it describes. A reader that finds them out of step (a writer between its renames,
 * or a crash there) checks again under the key's lock and, if they still differ, rebuilds the
 * sidecar from the data file. Writers of one key take the same lock for their two renames.
 */
export class FsLayout {
  private rootReal: Promise<string> | undefined;

  constructor(
    private readonly root: string,
    private readonly clock: Clock,
    private readonly durable: boolean,
  ) {}

  /** The real path of the root; creates the root and its private directories on first use. */
  ready(): Promise<string> {
    this.rootReal ??= (async () => {
      await mkdir(this.root, { recursive: true });
      const real = await realpath(this.root);
      await mkdir(join(real, TEMP_DIR, MULTIPART_DIR), { recursive: true });
      await mkdir(join(real, META_DIR), { recursive: true });
      return real;
    })().catch((error: unknown) => {
      this.rootReal = undefined;
      throw error;
    });
    return this.rootReal;
  }

  /**
   * Validates a key and resolves where its data and sidecar live. Besides the lexical checks, the
   * deepest part of each path that already exists is resolved through any symbolic links, and must
   * still be inside the root: a link planted in the tree cannot redirect a write elsewhere.
   */
  async paths(key: string): Promise<ObjectPaths> {
    assertFsKey(key);
    const root = await this.ready();
    const segments = key.split('/');
    const data = join(root, ...segments);
    const meta = join(root, META_DIR, ...segments);
    await this.assertInsideRoot(root, data);
    await this.assertInsideRoot(root, meta);
    return { key, data, meta };
  }

  private async assertInsideRoot(root: string, path: string): Promise<void> {
    const inside = (p: string): boolean => p === root || p.startsWith(root + sep);
    const refuse = (): never => {
      throw new ValidationError('object key (or prefix) resolves outside the store', [{ path: 'key', message: 'outside the store' }]);
    };
    if (!inside(path)) refuse();
    let current = path;
    while (current !== root) {
      try {
        await lstat(current);
      } catch (error) {
        if (!MISSING.has(errorCode(error) ?? '')) throw error;
        current = dirname(current);
        continue;
      }
      let real: string;
      try {
        real = await realpath(current);
      } catch (error) {
        // It exists but does not resolve: a dangling link, which a write would follow.
        if (MISSING.has(errorCode(error) ?? '') || errorCode(error) === 'ELOOP') refuse();
        throw error;
      }
      if (!inside(real)) refuse();
      return;
    }
  }

  /** Where an in-progress multipart upload keeps its plan and parts. */
  async uploadDir(uploadId: string): Promise<string> {
    return join(await this.ready(), TEMP_DIR, MULTIPART_DIR, uploadId);
  }

  /** A fresh, unique path in the temp directory. */
  async tempPath(suffix: string): Promise<string> {
    return join(await this.ready(), TEMP_DIR, `${randomUUID()}.${suffix}`);
  }

  /**
   * Streams a body into a new temp file. On any failure (the source throws, the limit is passed,
   * the disk is full) the temp file is removed before the error propagates.
   */
  async writeTemp(body: BodyInput, maxBytes = Number.POSITIVE_INFINITY): Promise<WrittenTemp> {
    const path = await this.tempPath('part');
    const handle = await open(path, 'wx');
    let written: WrittenTemp | undefined;
    try {
      const { size, md5, sha256 } = await writeChunks(handle, body, maxBytes);
      if (this.durable) await handle.datasync();
      written = { path, size, md5, sha256, identity: identityOf(await handle.stat()) };
      return written;
    } finally {
      await handle.close();
      if (written === undefined) await removeQuietly(path);
    }
  }

  /** Writes a small file atomically (temp file, sync, rename). */
  async writeSmallFile(target: string, content: string, mkdirs: boolean): Promise<void> {
    const temp = await this.tempPath('json');
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(content, 'utf8');
        if (this.durable) await handle.datasync();
      } finally {
        await handle.close();
      }
      if (mkdirs) await this.moveInto(temp, target);
      else await rename(temp, target);
    } finally {
      await removeQuietly(temp);
    }
  }

  /**
   * Renames a file into the tree, creating parent directories. A concurrent delete may prune an
   * empty parent between the mkdir and the rename, hence the retries.
   */
  private async moveInto(from: string, to: string): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await mkdir(dirname(to), { recursive: true });
        await rename(from, to);
        return;
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT' && attempt < 5) continue;
        if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
          // A directory tree cannot hold both `a` and `a/b`; S3 can. The key layout never needs both.
          throw new ConflictError('the key collides with another key: one of them would be a directory of the other', {
            cause: error,
          });
        }
        throw error;
      }
    }
  }

  private async syncDirectory(path: string): Promise<void> {
    if (!this.durable) return;
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Makes a written temp file the object at `paths`, with a new sidecar. The caller removes the
   * temp file if this throws.
   */
  async commit(paths: ObjectPaths, temp: WrittenTemp, metadata: CommitMetadata): Promise<Sidecar> {
    const sidecar: Sidecar = {
      v: 1,
      size: temp.size,
      etag: metadata.etag,
      contentType: metadata.contentType,
      lastModified: this.clock.now().toISOString(),
      file: temp.identity,
    };
    if (metadata.cacheControl !== undefined) sidecar.cacheControl = metadata.cacheControl;
    if (metadata.contentDisposition !== undefined) sidecar.contentDisposition = metadata.contentDisposition;
    if (metadata.partSize !== undefined) sidecar.partSize = metadata.partSize;
    if (metadata.sha256 !== undefined) sidecar.sha256 = metadata.sha256;
    await processLocks.run(paths.data, async () => {
      await this.moveInto(temp.path, paths.data);
      await this.writeSmallFile(paths.meta, JSON.stringify(sidecar), true);
    });
    await this.syncDirectory(dirname(paths.data));
    await this.syncDirectory(dirname(paths.meta));
    return sidecar;
  }

  private async readSidecar(path: string): Promise<Sidecar | undefined> {
    try {
      return parseSidecar(await readFile(path, 'utf8'));
    } catch (error) {
      const code = errorCode(error);
      if (code !== undefined && (MISSING.has(code) || code === 'EISDIR')) return undefined;
      throw error;
    }
  }

  /** Opens the data file and reads its sidecar: the pair, nothing, or "out of step". */
  private async tryOpen(paths: ObjectPaths): Promise<{ handle: FileHandle; sidecar: Sidecar } | undefined | 'mismatch'> {
    let handle: FileHandle;
    try {
      // O_NOFOLLOW: even a link swapped in after the path checks is not followed.
      handle = await open(paths.data, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = errorCode(error);
      if (code !== undefined && MISSING.has(code)) return undefined;
      if (code === 'ELOOP') throw new ValidationError('object key resolves to a link', [], { cause: error });
      throw error;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        return undefined;
      }
      const sidecar = await this.readSidecar(paths.meta);
      if (sidecar !== undefined && sameFile(sidecar.file, identityOf(stats))) return { handle, sidecar };
    } catch (error) {
      await handle.close();
      throw error;
    }
    await handle.close();
    return 'mismatch';
  }

  /**
   * Opens an object for reading with the sidecar that belongs to it, or `undefined` when there is
   * none. The caller owns (and must close) the returned handle.
   */
  async open(paths: ObjectPaths): Promise<{ handle: FileHandle; sidecar: Sidecar } | undefined> {
    const first = await this.tryOpen(paths);
    if (first !== 'mismatch') return first;
    // Out of step: a writer may be between its two renames. Once we hold the key's lock no writer
    // in this process is, so a mismatch that persists is left over from a crash.
    return processLocks.run(paths.data, async () => {
      const second = await this.tryOpen(paths);
      if (second !== 'mismatch') return second;
      await this.rebuildSidecar(paths);
      const third = await this.tryOpen(paths);
      if (third === 'mismatch') throw new StorageError(`the metadata of ${paths.key} keeps changing under the store`);
      return third;
    });
  }

  /**
   * Writes a sidecar that matches the data file. The old sidecar's metadata is kept when the bytes
   * are the ones it describes (same etag): a restored backup keeps its content types. Otherwise
   * the bytes are served as `application/octet-stream`, never with a type meant for other bytes.
   */
  private async rebuildSidecar(paths: ObjectPaths): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(paths.data, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if (MISSING.has(errorCode(error) ?? '')) return;
      throw error;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return;
      const old = await this.readSidecar(paths.meta);
      const etag = await etagOfFile(handle, old?.partSize);
      const sidecar: Sidecar =
        old !== undefined && old.etag === etag && old.size === stats.size
          ? { ...old, file: identityOf(stats) }
          : {
              v: 1,
              size: stats.size,
              etag: await etagOfFile(handle, undefined),
              contentType: 'application/octet-stream',
              lastModified: stats.mtime.toISOString(),
              file: identityOf(stats),
            };
      await this.writeSmallFile(paths.meta, JSON.stringify(sidecar), true);
    } finally {
      await handle.close();
    }
  }

  /** Removes an object and its sidecar; `true` when there was an object. */
  async remove(paths: ObjectPaths): Promise<boolean> {
    const root = await this.ready();
    const existed = await processLocks.run(paths.data, async () => {
      let found = true;
      try {
        await unlink(paths.data);
      } catch (error) {
        const code = errorCode(error) ?? '';
        // EISDIR/EPERM: the key names a "directory" of other keys, not an object.
        if (!MISSING.has(code) && code !== 'EISDIR' && code !== 'EPERM') throw error;
        found = false;
      }
      if (found) await removeQuietly(paths.meta);
      return found;
    });
    if (existed) {
      await this.pruneEmptyParents(paths.data, root);
      await this.pruneEmptyParents(paths.meta, join(root, META_DIR));
    }
    return existed;
  }

  /** Removes directories left empty by a delete, up to (not including) `stopAt`. */
  private async pruneEmptyParents(path: string, stopAt: string): Promise<void> {
    for (let dir = dirname(path); dir !== stopAt && dir.startsWith(stopAt + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone): nothing above it can be empty either
      }
    }
  }

  /**
   * Every key under `prefix`, in key order, found by walking the tree (never following links, and
   * skipping the store's own directories). Keys are compared as JavaScript strings, like the
   * in-memory reference store; a directory sorts as its name plus `/`, which is where its keys fall.
   */
  async *keys(prefix: string): AsyncGenerator<string> {
    assertSafeKeyPrefix(prefix);
    const root = await this.ready();
    const cut = prefix.lastIndexOf('/');
    const dirKey = cut < 0 ? '' : prefix.slice(0, cut);
    const namePrefix = prefix.slice(cut + 1);
    if (dirKey !== '' && RESERVED_NAMES.has(dirKey.split('/')[0] ?? '')) return;
    const dir = dirKey === '' ? root : join(root, ...dirKey.split('/'));
    if (dirKey !== '') {
      await this.assertInsideRoot(root, dir);
      try {
        // Not a real directory (missing, a file, a link): nothing is listed under it.
        if (!(await lstat(dir)).isDirectory()) return;
      } catch (error) {
        if (MISSING.has(errorCode(error) ?? '')) return;
        throw error;
      }
    }
    yield* this.walk(dir, dirKey === '' ? '' : `${dirKey}/`, namePrefix, dirKey === '');
  }

  private async *walk(dir: string, keyPrefix: string, namePrefix: string, atRoot: boolean): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (MISSING.has(errorCode(error) ?? '')) return;
      throw error;
    }
    const children = entries
      .filter((e) => (e.isFile() || e.isDirectory()) && e.name.startsWith(namePrefix) && !(atRoot && RESERVED_NAMES.has(e.name)))
      .map((e) => ({ name: e.name, isDirectory: e.isDirectory(), order: e.isDirectory() ? `${e.name}/` : e.name }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    for (const child of children) {
      if (child.isDirectory) yield* this.walk(join(dir, child.name), `${keyPrefix}${child.name}/`, '', false);
      else yield `${keyPrefix}${child.name}`;
    }
  }

  /**
   * Removes temp files and multipart uploads older than `maxAgeMs` (left by crashes or abandoned
   * uploads, like S3's "abort incomplete multipart uploads" lifecycle rule). Returns how many.
   */
  async sweepTemp(maxAgeMs: number): Promise<number> {
    const root = await this.ready();
    const cutoff = this.clock.now().getTime() - maxAgeMs;
    let removed = 0;
    const sweep = async (dir: string, recursive: boolean): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.name === MULTIPART_DIR && !recursive && entry.isDirectory()) {
          await sweep(path, true);
          continue;
        }
        try {
          if ((await lstat(path)).mtimeMs >= cutoff) continue;
          await rm(path, { recursive: true, force: true });
          removed += 1;
        } catch (error) {
          if (!MISSING.has(errorCode(error) ?? '')) throw error;
        }
      }
    };
    await sweep(join(root, TEMP_DIR), false);
    return removed;
  }
}
