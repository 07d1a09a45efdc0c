import { createHash } from 'node:crypto';
import {
  applyAction,
  ConflictError,
  createEvent,
  type Failure,
  type MediaItem,
  parseKey,
} from '@mediaflow/domain';
import { z } from 'zod';
import type { CoreDeps } from './context.js';
import { restoreForReupload } from './trash.js';
import { failItem } from './jobs/failure.js';
import { sniff, SNIFF_BYTES } from './sniff.js';

/** What an object store says when an original is complete (an S3 `ObjectCreated` record, locally a queue message). */
export const ObjectCreatedSchema = z.object({ key: z.string().min(1).max(1024), size: z.number().int().nonnegative().optional() });
export type ObjectCreated = z.infer<typeof ObjectCreatedSchema>;

export type IngestOutcome =
  | { outcome: 'uploaded'; item: MediaItem }
  | { outcome: 'duplicate'; item: MediaItem; existingId: string }
  | { outcome: 'rejected'; item: MediaItem; failure: Failure }
  | { outcome: 'ignored'; reason: string };

async function readHead(deps: CoreDeps, key: string, size: number): Promise<Uint8Array> {
  if (size === 0) return new Uint8Array(0);
  const { body } = await deps.store.get(key, { start: 0, end: Math.min(size, SNIFF_BYTES) - 1 });
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function hashObject(deps: CoreDeps, key: string): Promise<string> {
  const hash = createHash('sha256');
  const { body } = await deps.store.get(key);
  for await (const chunk of body) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * The ingest step (DESIGN.md lifecycle step 2): when an original is complete, sniff its real type
 * from the bytes, enforce the size limits (all uploads', then its kind's), compute its SHA-256 for per-owner de-duplication, record
 * the facts and publish `media.uploaded` with its `kind`. Safe to run twice for the same object:
 * anything but an `uploading` item is left alone.
 */
export async function ingestObject(deps: CoreDeps, message: ObjectCreated): Promise<IngestOutcome> {
  const parsed = parseKey(message.key);
  if (!parsed || parsed.type !== 'original') return { outcome: 'ignored', reason: 'not an original' };
  const item = await deps.repo.get(parsed.ownerId, parsed.mediaId);
  if (!item) {
    // An object without an item (the upload was deleted meanwhile): remove the bytes.
    await deps.store.delete(message.key);
    return { outcome: 'ignored', reason: 'no item for this object' };
  }
  if (item.status !== 'uploading') return { outcome: 'ignored', reason: `item is already ${item.status}` };

  const head = await deps.store.head(message.key);
  if (!head) return { outcome: 'ignored', reason: 'the object is gone' };

  if (head.size > deps.config.maxUploadBytes) {
    return reject(deps, item, { code: 'limit_exceeded', reason: `the file is ${head.size} bytes; the limit is ${deps.config.maxUploadBytes}` });
  }
  const sniffed = sniff(await readHead(deps, message.key, head.size));
  if (sniffed.rejected) return reject(deps, item, { code: 'unsupported', reason: sniffed.rejected });
  // Before the hash reads it all, and before a step decodes it (images are decoded in memory).
  const kindLimit = deps.config.maxBytesByKind[sniffed.kind];
  if (kindLimit !== undefined && head.size > kindLimit) {
    return reject(deps, item, { code: 'limit_exceeded', reason: `the file is ${head.size} bytes; the limit for ${sniffed.kind} files is ${kindLimit}` });
  }

  // Stores that hashed the bytes on the way in say so; otherwise read them all once more.
  const sha256 = head.sha256 ?? (await hashObject(deps, message.key));
  const duplicate = await deps.repo.findByHash(item.ownerId, sha256);
  if (duplicate && duplicate.id !== item.id) {
    // Its copy is in the trash: uploading it again brings that one back (with its tags and albums).
    if (duplicate.status === 'trashed') await restoreForReupload(deps, item.ownerId, duplicate.id);
    return markDuplicate(deps, item, duplicate.id);
  }

  const next = applyAction(item, 'upload.completed', deps.clock.now(), {
    kind: sniffed.kind,
    original: { ...item.original, size: head.size, mime: sniffed.mime, sha256 },
  });
  try {
    await deps.repo.update(next, item.version);
  } catch (error) {
    const existingId = error instanceof ConflictError ? error.details?.['existingId'] : undefined;
    if (typeof existingId === 'string') return markDuplicate(deps, item, existingId);
    // Two deliveries for one object side by side (a resumed upload and its retried PUT): the one
    // that moved the item on publishes, and this one has nothing left to do.
    if (error instanceof ConflictError && (await deps.repo.get(item.ownerId, item.id))?.status !== 'uploading') {
      return { outcome: 'ignored', reason: 'another delivery ingested it' };
    }
    throw error;
  }
  await deps.bus.publish(
    createEvent('media.uploaded', {
      id: deps.ids.next(),
      occurredAt: deps.clock.now(),
      ownerId: item.ownerId,
      mediaId: item.id,
      data: { kind: sniffed.kind, mime: sniffed.mime, size: head.size, sha256, key: message.key },
    }),
  );
  return { outcome: 'uploaded', item: next };
}

/** Refused content: the bytes are deleted (never served, never parsed again), the item says why. */
async function reject(deps: CoreDeps, item: MediaItem, failure: Failure): Promise<IngestOutcome> {
  const failed = await failItem(deps, item, { ...failure, stage: 'ingest' });
  await deps.store.delete(item.original.key);
  return { outcome: 'rejected', item: failed ?? item, failure };
}

/** The owner already has this content: keep one copy, and point this item at the other one. */
async function markDuplicate(deps: CoreDeps, item: MediaItem, existingId: string): Promise<IngestOutcome> {
  const failed = await failItem(deps, item, {
    code: 'duplicate',
    reason: `the same file is already in the library as ${existingId}`,
    stage: 'ingest',
  });
  await deps.store.delete(item.original.key);
  return { outcome: 'duplicate', item: failed ?? item, existingId };
}
