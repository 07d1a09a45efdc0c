/**
 * What the browser keeps of a multipart upload so that it can be resumed after a reload: enough to
 * recognise the same file again (size, date modified and the SHA-256 of its first and last parts; a
 * browser cannot keep a handle on a file the person chose) and to carry on with the server's
 * multipart upload.
 */
export interface PendingUpload {
  mediaId: string;
  /** Whose upload it is: only the signed-in owner's are offered. */
  ownerId: string;
  uploadId: string;
  name: string;
  size: number;
  lastModified: number;
  type: string;
  partSize: number;
  partCount: number;
  /** SHA-256 (hex) of the first part's bytes. */
  firstPartSha256: string;
  /** SHA-256 (hex) of the last part's bytes: an edit after the first part changes it (or the size). */
  lastPartSha256: string;
  /** ISO date-times. */
  startedAt: string;
  resumableUntil: string;
}

/** Where pending uploads are kept (IndexedDB in the browser, a map in tests). */
export interface PendingUploadStore {
  put(record: PendingUpload): Promise<void>;
  /** The owner's records, oldest first. */
  list(ownerId: string): Promise<PendingUpload[]>;
  remove(mediaId: string): Promise<void>;
  /** Removes every owner's records whose resume window ended by `now` (ms since the epoch). */
  removeExpired(now: number): Promise<void>;
  /** Removes every record of the owner (signed out, or the account deleted). */
  removeOwner(ownerId: string): Promise<void>;
}

/** Whether a record's resume window ended by `now` (an unreadable date counts as ended). */
export function isExpired(record: Pick<PendingUpload, 'resumableUntil'>, now: number): boolean {
  const until = Date.parse(record.resumableUntil);
  return !Number.isFinite(until) || until <= now;
}

/** A store in memory: for tests, and where the browser has no IndexedDB. */
export function memoryUploadStore(): PendingUploadStore & { readonly records: Map<string, PendingUpload> } {
  const records = new Map<string, PendingUpload>();
  return {
    records,
    put: async (record) => void records.set(record.mediaId, { ...record }),
    list: async (ownerId) =>
      [...records.values()].filter((r) => r.ownerId === ownerId).sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map((r) => ({ ...r })),
    remove: async (mediaId) => void records.delete(mediaId),
    removeExpired: async (now) => {
      for (const [mediaId, record] of records) if (isExpired(record, now)) records.delete(mediaId);
    },
    removeOwner: async (ownerId) => {
      for (const [mediaId, record] of records) if (record.ownerId === ownerId) records.delete(mediaId);
    },
  };
}

export const UPLOADS_DB = 'mediaflow-uploads';
const STORE = 'uploads';
const BY_OWNER = 'ownerId';

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Deletes the records a cursor walks over that `doomed` picks, in the cursor's transaction. The
 * cursor's request succeeds once per record (and is pending again after `continue()`, so nothing
 * else may read it): the promise settles with the walk's end.
 */
function deleteWhere(request: IDBRequest<IDBCursorWithValue | null>, doomed: (record: PendingUpload) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve();
      if (doomed(cursor.value as PendingUpload)) cursor.delete();
      cursor.continue();
    };
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Pending uploads in IndexedDB (database `mediaflow-uploads`, one object store keyed by media id,
 * indexed by owner). The database opens on first use; a browser that refuses it (a private window
 * of some browsers) makes every call reject, which the queue takes as "nothing kept".
 */
export function indexedDbUploadStore(factory: IDBFactory, name = UPLOADS_DB): PendingUploadStore {
  let opened: Promise<IDBDatabase> | null = null;
  const open = (): Promise<IDBDatabase> => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: 'mediaId' });
        store.createIndex(BY_OWNER, 'ownerId', { unique: false });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
      request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    }).catch((error: unknown) => {
      opened = null;
      throw error;
    });
    return opened;
  };
  const inStore = async <T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => Promise<T>): Promise<T> => {
    const db = await open();
    const transaction = db.transaction(STORE, mode);
    const committed = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
    const [result] = await Promise.all([act(transaction.objectStore(STORE)), committed]);
    return result;
  };
  return {
    put: async (record) => void (await inStore('readwrite', (store) => done(store.put(record)))),
    list: async (ownerId) => {
      const records = (await inStore('readonly', (store) => done(store.index(BY_OWNER).getAll(ownerId)))) as PendingUpload[];
      return records.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    },
    remove: async (mediaId) => void (await inStore('readwrite', (store) => done(store.delete(mediaId)))),
    removeExpired: async (now) => void (await inStore('readwrite', (store) => deleteWhere(store.openCursor(), (record) => isExpired(record, now)))),
    removeOwner: async (ownerId) => void (await inStore('readwrite', (store) => deleteWhere(store.index(BY_OWNER).openCursor(IDBKeyRange.only(ownerId)), () => true))),
  };
}

/** The browser's store, or one in memory where there is no IndexedDB. */
export function browserUploadStore(): PendingUploadStore {
  return typeof indexedDB === 'undefined' ? memoryUploadStore() : indexedDbUploadStore(indexedDB);
}
