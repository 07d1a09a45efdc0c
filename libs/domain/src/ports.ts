import type { DomainEvent } from './events.js';
import type { ListQuery, Page } from './query.js';
import type { TrashQuery } from './trash.js';
import type { StorageUsage } from './usage.js';
import type { MediaItem, MediaStatus } from './media.js';

/** Bytes in: a whole buffer or a stream of chunks (a Node `Readable` is one). */
export type BodyInput = Uint8Array | AsyncIterable<Uint8Array>;

// ---------------------------------------------------------------------------------------------
// Object storage
// ---------------------------------------------------------------------------------------------

export interface PutOptions {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  /** Reject the write when the body is larger (the stream is cut off, nothing is stored). */
  maxBytes?: number;
}

export interface ObjectHead {
  key: string;
  size: number;
  contentType: string;
  etag: string;
  lastModified: Date;
  cacheControl?: string;
  contentDisposition?: string;
  /**
   * SHA-256 of the content (hex) when the store computed or verified it on write: the filesystem
   * store always does; S3 when the upload carried a checksum. Saves ingest a second full read.
   */
  sha256?: string;
}

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  /** Inclusive; omitted means "to the end". */
  end?: number;
}

export interface GetResult {
  head: ObjectHead;
  body: AsyncIterable<Uint8Array>;
  /** The range actually served (clamped to the object), when one was asked for. */
  range?: { start: number; end: number };
}

export interface PresignedRequest {
  method: 'PUT' | 'GET' | 'POST';
  url: string;
  /** Headers the client must send with the request. */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface PresignPutOptions {
  expiresInSeconds: number;
  contentType?: string;
  contentLength?: number;
  /**
   * Hex SHA-256 the client declared for the bytes it will send. A store that can verify it (S3,
   * with `x-amz-checksum-sha256` in the returned headers) refuses any other body and keeps the
   * checksum, so `head` reports it and ingest need not read the object; others hash it themselves.
   */
  sha256?: string;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Served as an attachment with this file name. */
  downloadFilename?: string;
}

/**
 * Port: a flat key -> bytes store (S3, a directory). Keys come from `keys.ts`, never from
 * user input. Implementations must make a put atomic: a reader sees the old object or the whole
 * new one, never a partial write.
 */
export interface ObjectStore {
  put(key: string, body: BodyInput, options?: PutOptions): Promise<ObjectHead>;
  /** Throws `NotFoundError` when the key does not exist. A range past the end throws `ValidationError`. */
  get(key: string, range?: ByteRange): Promise<GetResult>;
  /** `undefined` when the key does not exist. */
  head(key: string): Promise<ObjectHead | undefined>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix`; returns how many were deleted. */
  deleteByPrefix(prefix: string): Promise<number>;
  /**
   * Deletes every version of every object under `prefix` (delete markers too): a delete for good in
   * a versioned store, where `delete` leaves the old bytes behind as a noncurrent version. Returns
   * how many versions went. Optional: a store without versions (a directory) does not offer it,
   * and `delete`/`deleteByPrefix` already remove everything there.
   */
  deleteAllVersions?(prefix: string): Promise<number>;
  /** Every object under `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ObjectHead>;
  presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest>;
  presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest>;
}

/** A multipart upload as `start` created it: the parts are presigned on demand (`presignParts`). */
export interface MultipartPlan {
  uploadId: string;
  partSize: number;
  partCount: number;
}

/** Presigned PUT URLs for some parts of a multipart upload, all lapsing at `expiresAt`. */
export interface PresignedParts {
  parts: { number: number; url: string }[];
  expiresAt: Date;
}

/** A part the store holds: its number, etag (as its PUT answered it, no quotes) and size. */
export interface ReceivedPart {
  number: number;
  etag: string;
  size: number;
}

/**
 * Port: resumable uploads of large originals in presigned parts (S3 multipart semantics).
 *
 * @example
 * const plan = await uploads.start(key, size, { partSize: 16 * MiB });
 * const { parts } = await uploads.presignParts(key, plan.uploadId, { size, partSize: plan.partSize }, [1, 2], { expiresInSeconds: 900 });
 * // ...the client PUTs them, pauses, comes back:
 * const received = await uploads.listParts(key, plan.uploadId);
 */
export interface MultipartUploads {
  /** Creates the upload and plans its parts; no URL is signed yet. */
  start(key: string, size: number, options: { partSize: number; contentType?: string }): Promise<MultipartPlan>;
  /**
   * One PUT URL per part number (1-based, within the plan), each signed with that part's exact
   * Content-Length, so a part of another size is refused by the store itself.
   */
  presignParts(
    key: string,
    uploadId: string,
    plan: { size: number; partSize: number },
    numbers: readonly number[],
    options: { expiresInSeconds: number },
  ): Promise<PresignedParts>;
  /** The parts received so far, by number; `NotFoundError` when the store has no such upload (finished, aborted, expired). */
  listParts(key: string, uploadId: string): Promise<ReceivedPart[]>;
  complete(key: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<ObjectHead>;
  abort(key: string, uploadId: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Media repository
// ---------------------------------------------------------------------------------------------

export interface TagCount {
  name: string;
  count: number;
}

/**
 * Port: media items, owner-scoped in every method. An item of another owner is indistinguishable
 * from a missing one.
 */
export interface MediaRepository {
  /**
   * Stores a new item (version 1). When the item has `original.sha256`, the (owner, sha256) pair is
   * claimed atomically with it: a second item with the same hash for the same owner throws
   * `ConflictError` with `details.existingId`. An existing id also throws `ConflictError`.
   */
  create(item: MediaItem): Promise<MediaItem>;
  get(ownerId: string, id: string): Promise<MediaItem | undefined>;
  /**
   * Replaces the item when its stored version equals `expectedVersion`; the stored version becomes
   * `next.version`, which must be `expectedVersion + 1`. Otherwise throws `ConflictError`
   * (`NotFoundError` when it does not exist). Keeps the tag index and the hash claim in step.
   */
  update(next: MediaItem, expectedVersion: number): Promise<MediaItem>;
  /** Newest first, filtered by kind, status and tag; `deleted` items are never listed. */
  list(ownerId: string, query: ListQuery): Promise<Page<MediaItem>>;
  findByHash(ownerId: string, sha256: string): Promise<MediaItem | undefined>;
  /** Tag names with the number of listed (not deleted) items carrying them, most used first. */
  tagCounts(ownerId: string): Promise<TagCount[]>;
  /** Removes the item, its tag index entries and its hash claim. Idempotent. */
  delete(ownerId: string, id: string): Promise<void>;
  /**
   * An opaque token that changes whenever any of the owner's items is created, updated or deleted,
   * by this process or another one sharing the store. Callers may cache the owner's list pages and
   * tag counts under it. Optional: without it, callers do not cache.
   */
  revision?(ownerId: string): Promise<string>;
  /**
   * Up to `limit` items of any owner in `status` whose `updatedAt` is before `before`, oldest
   * first: housekeeping's view across owners (uploads nobody finished, deletes a crash cut short).
   * Optional: a store that expires such items by itself (DynamoDB's TTL) need not offer it.
   */
  listStale?(status: MediaStatus, before: Date, limit: number): Promise<MediaItem[]>;
  /**
   * The owner's trash (items in status `trashed`), most recently trashed first (by `updatedAt`,
   * which is when an item went to the trash: nothing edits a trashed item), then by id.
   */
  listTrash(ownerId: string, query: TrashQuery): Promise<Page<MediaItem>>;
  /**
   * Up to `limit` trashed items of any owner that went to the trash before `before`, oldest first:
   * what the trash's retention removes for good. A store may look back a bounded time before
   * `before` (DynamoDB reads one partition per day): a purge runs far more often than that.
   */
  listTrashedBefore(before: Date, limit: number): Promise<MediaItem[]>;
  /**
   * What the owner's items take up ({@link storedBytes} summed over every item not deleted, the
   * trash included). Optional: a store that does not keep the sum (DynamoDB, not yet) does not
   * offer it, and no storage quota can be enforced over it.
   */
  usage?(ownerId: string): Promise<StorageUsage>;
}

/**
 * Port: every record of one owner, whatever it is, for deleting an account. The media store's own
 * view of its owner-keyed rows: `MediaRepository.list` leaves out items in the trash, uploads and
 * deleted items, this does not.
 */
export interface OwnerRecords {
  /**
   * Up to `limit` (1 to 1000) of the owner's items in any status (`uploading`, `trashed` and
   * `deleted` included), in id order, after `cursor` (an opaque value a previous page handed out).
   * `ValidationError` for a bad limit or cursor.
   */
  listOwnerMedia(ownerId: string, cursor: string | undefined, limit: number): Promise<Page<MediaItem>>;
  /**
   * Removes every row of the owner the store keeps beside its items, albums and share links (what
   * they take up, the change log, counters and revisions), and whatever of those an interrupted
   * delete left. Called once the owner has no item, album or link left. Idempotent.
   *
   * Leaves a tombstone of the owner for good ({@link OwnerRecords.isDeleted}): a token issued
   * before the deletion may still pass its issuer's checks (an access token of Cognito stays
   * valid until it expires), and the API refuses it by this.
   */
  forgetOwner(ownerId: string): Promise<void>;
  /** Whether {@link OwnerRecords.forgetOwner} ran for the owner: their account was deleted. */
  isDeleted(ownerId: string): Promise<boolean>;
}

/**
 * Port: the directory users sign in through: the user pool in AWS (Cognito), the data directory's
 * token generations locally. Deleting an account ends there, once nothing of the owner is left.
 */
export interface AccountDirectory {
  /** Ends the user's sign-in for good: no token issued to them is accepted after. Idempotent. */
  deleteUser(ownerId: string): Promise<void>;
}

/**
 * Port: the moderators' queue of items held for review, across owners: every item whose status is
 * `flagged` and whose verdict is `flagged` (not yet decided; a rejected item stays held but leaves
 * the queue). Oldest first, by media id. Only a moderator's request may read it.
 */
export interface ReviewQueue {
  listForReview(query: { cursor?: string | undefined; limit: number }): Promise<Page<MediaItem>>;
}

// ---------------------------------------------------------------------------------------------
// Messaging
// ---------------------------------------------------------------------------------------------

/** String attributes used for routing (SNS message attributes, filter policies). */
export type MessageAttributes = Record<string, string>;

/** Port: publish domain events; subscribers receive them through queues. */
export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
}

export interface SendOptions {
  delaySeconds?: number;
  attributes?: MessageAttributes;
}

export interface ReceivedMessage {
  id: string;
  body: string;
  attributes: MessageAttributes;
  /** Opaque; valid until the visibility timeout runs out. */
  receiptHandle: string;
  /** 1 on the first delivery. */
  receiveCount: number;
  sentAt: Date;
}

export interface ReceiveOptions {
  maxMessages?: number;
  /** Long poll: wait up to this long for a first message. */
  waitTimeSeconds?: number;
  visibilityTimeoutSeconds?: number;
}

/**
 * Port: a queue with SQS semantics: at-least-once delivery, a visibility timeout after each
 * receive, a receive count, and redrive to a dead-letter queue after too many receives.
 */
export interface MessageQueue {
  readonly name: string;
  send(body: string, options?: SendOptions): Promise<string>;
  receive(options?: ReceiveOptions): Promise<ReceivedMessage[]>;
  /** Deletes a received message. A stale receipt handle throws `ConflictError`. */
  ack(receiptHandle: string): Promise<void>;
  /** Makes a received message visible again after `delaySeconds` (0 = now). */
  release(receiptHandle: string, delaySeconds?: number): Promise<void>;
  /** Messages waiting (visible or delayed) and in flight. */
  depth(): Promise<{ visible: number; inFlight: number; delayed: number }>;
}

export type MessageHandler = (message: ReceivedMessage) => Promise<void>;

/** Port: runs a handler over a queue with bounded concurrency until stopped. */
export interface QueueConsumer {
  start(handler: MessageHandler): void;
  /** Stops receiving; in-flight messages finish (or return to the queue) before it resolves. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Cache
// ---------------------------------------------------------------------------------------------

/** Port: a small key -> JSON cache for hot queries (in memory, or ElastiCache in AWS). */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes every key starting with `prefix` (e.g. an owner's list pages after a write). */
  deleteByPrefix(prefix: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Rate limiting
// ---------------------------------------------------------------------------------------------

/** How many requests one caller may make: `burst` at once, and `perSecond` on average over time. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Port: counts each caller's requests against a {@link RateLimit}. In memory where one process
 * serves every request (the local server); on shared state (a table) where several instances serve
 * the same callers, as Lambda does: a count per instance would admit a caller's burst once per instance.
 */
export interface RateLimiter {
  /** The limit it counts against (what the HTTP layer states in `RateLimit-Policy`). */
  readonly limit: RateLimit;
  /** Counts a request of `caller` and says whether it may go ahead, and what is left. */
  take(caller: string): Promise<RateDecision>;
}

/** What counting one request came to. */
export interface RateDecision {
  /** `0` when the request may go ahead, else the whole seconds (at least 1) to wait before trying again. */
  wait: number;
  /** Requests the caller may still make at once after this one (0 when refused). */
  remaining: number;
  /** Whole seconds until the caller's full burst is available again (at least 1 when anything is used). */
  resetSeconds: number;
}

// ---------------------------------------------------------------------------------------------
// Media change feed
// ---------------------------------------------------------------------------------------------

/** What happened to an item: made, changed (its status or version moved), or removed for good. */
export type MediaChangeType = 'created' | 'updated' | 'deleted';

/** One entry of the store's change log. */
export interface MediaChange {
  /** The entry's place in the log: increasing across every owner, never reused. */
  sequence: number;
  ownerId: string;
  mediaId: string;
  type: MediaChangeType;
}

/** What {@link MediaChangeFeed.changesAfter} answers. */
export interface MediaChangePage {
  /** The owner's changes after the asked sequence, oldest first. */
  changes: MediaChange[];
  /**
   * The sequence to ask after next time: the last change's when the page is full, else the newest
   * sequence of the whole log when it was read (so another owner's changes are not scanned again).
   */
  next: number;
  /**
   * The log no longer holds every change after the asked sequence (older entries were pruned, or
   * the sequence is newer than anything in the log: another store's). The reader cannot catch up
   * by resuming: it reads the items again and goes on from `next`.
   */
  expired: boolean;
}

/**
 * Port: the changes of an owner's items in the order the store made them, whichever process wrote
 * them, kept for a bounded time or number (the adapter says which). What the local server's
 * `GET /api/v1/events` streams; a store that offers none (the cloud) leaves clients polling.
 */
export interface MediaChangeFeed {
  /** The newest sequence in the log (any owner's), 0 when it is empty: where a new reader starts. */
  head(): Promise<number>;
  /**
   * Up to `limit` (1 to 1000) changes of `ownerId` with a sequence above `after` (a non-negative
   * integer), oldest first. `ValidationError` for a bad `after` or `limit`.
   */
  changesAfter(ownerId: string, after: number, limit: number): Promise<MediaChangePage>;
}

// ---------------------------------------------------------------------------------------------
// Archives (zips of a selection, exports of a library: `downloads.ts`)
// ---------------------------------------------------------------------------------------------

/**
 * Port: has an archive built away from the request that asked for it (a queue in AWS, whose
 * function writes the zip to the object store), where a request cannot stream hundreds of
 * megabytes back (API Gateway and Lambda cannot). Absent where the server streams archives itself.
 */
export interface ArchiveJobQueue {
  /** Asks for the archive recorded at `archiveKeys(ownerId, archiveId).request`. */
  enqueue(job: { ownerId: string; archiveId: string }): Promise<void>;
}

/** How {@link StreamedObjectWriter.write} stores an object. */
export interface StreamedWriteOptions {
  /** About how many bytes the body has: the parts are sized so that a body of this size fits. */
  expectedBytes: number;
  contentType: string;
  contentDisposition?: string;
}

/**
 * Port: stores one large object from a stream as it is produced (an S3 multipart upload whose
 * parts are sized from `expectedBytes`), holding a few parts in memory at most. Atomic like
 * `ObjectStore.put`: the object appears once the whole body was written, or not at all.
 */
export interface StreamedObjectWriter {
  write(key: string, body: AsyncIterable<Uint8Array>, options: StreamedWriteOptions): Promise<ObjectHead>;
}
