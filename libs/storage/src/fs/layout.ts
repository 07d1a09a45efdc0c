import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BodyInput, Clock } from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import { assertSafeKeyPrefix } from '../object-key.js';
import { errorCode, MISSING, moveInto, pruneEmptyParents, removeQuietly, syncDirectory } from './file-ops.js';
import { etagOfFile, sha256OfFile, writeChunks } from './hashing.js';
import { processLocks } from './keyed-lock.js';
import { assertFsKey, assertInsideRoot, META_DIR, MULTIPART_DIR, RESERVED_NAMES, TEMP_DIR, walkKeys, type ObjectPaths } from './key-paths.js';
import { identityOf, type FileIdentity, type Sidecar } from './sidecar.js';
import { openWithSidecar, readSidecarFile } from './sidecar-file.js';

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
    await assertInsideRoot(root, data);
    await assertInsideRoot(root, meta);
    return { key, data, meta };
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
      if (mkdirs) await moveInto(temp, target);
      else await rename(temp, target);
    } finally {
      await removeQuietly(temp);
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
      await moveInto(temp.path, paths.data);
      await this.writeSmallFile(paths.meta, JSON.stringify(sidecar), true);
    });
    if (this.durable) {
      await syncDirectory(dirname(paths.data));
      await syncDirectory(dirname(paths.meta));
    }
    return sidecar;
  }

  /**
   * Opens an object for reading with the sidecar that belongs to it, or `undefined` when there is
   * none. The caller owns (and must close) the returned handle.
   */
  async open(paths: ObjectPaths): Promise<{ handle: FileHandle; sidecar: Sidecar } | undefined> {
    const first = await openWithSidecar(paths);
    if (first !== 'mismatch') return first;
    // Out of step: a writer may be between its two renames. Once we hold the key's lock no writer
    // in this process is, so a mismatch that persists is left over from a crash.
    return processLocks.run(paths.data, async () => {
      const second = await openWithSidecar(paths);
      if (second !== 'mismatch') return second;
      await this.rebuildSidecar(paths);
      const third = await openWithSidecar(paths);
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
      const old = await readSidecarFile(paths.meta);
      const etag = await etagOfFile(handle, old?.partSize);
      const sidecar: Sidecar =
        old !== undefined && old.etag === etag && old.size === stats.size
          ? { ...old, file: identityOf(stats) }
          : {
              v: 1,
              size: stats.size,
              etag: await etagOfFile(handle, undefined),
              // An original whose write was cut off before its metadata keeps its checksum: uploads are create-only, so it is not sent again.
              sha256: await sha256OfFile(handle),
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
      await pruneEmptyParents(paths.data, root);
      await pruneEmptyParents(paths.meta, join(root, META_DIR));
    }
    return existed;
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
      await assertInsideRoot(root, dir);
      try {
        // Not a real directory (missing, a file, a link): nothing is listed under it.
        if (!(await lstat(dir)).isDirectory()) return;
      } catch (error) {
        if (MISSING.has(errorCode(error) ?? '')) return;
        throw error;
      }
    }
    yield* walkKeys(dir, dirKey === '' ? '' : `${dirKey}/`, namePrefix, dirKey === '');
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
