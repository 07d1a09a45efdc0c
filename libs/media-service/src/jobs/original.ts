import { createHash, type Hash } from 'node:crypto';
import { LimitExceededError, type MediaItem } from '@mediaflow/domain';
import type { CoreDeps } from '../context.js';
import { OriginalChangedError } from '../errors.js';

/**
 * Hashes an original as a step reads it (one pass) and compares the result with the SHA-256 that
 * ingest recorded on the item, so that bytes written to the key after ingest (a replayed upload URL)
 * are never rendered. Items ingested before hashes were recorded have none and are read as before.
 */
export class OriginalCheck {
  private readonly hash: Hash | undefined;

  constructor(private readonly item: MediaItem) {
    this.hash = item.original.sha256 === undefined ? undefined : createHash('sha256');
  }

  update(chunk: Uint8Array): void {
    this.hash?.update(chunk);
  }

  /** Call once every byte went through `update`. @throws OriginalChangedError on a mismatch. */
  verify(): void {
    const expected = this.item.original.sha256;
    if (this.hash === undefined || expected === undefined) return;
    const actual = this.hash.digest('hex');
    if (actual !== expected) {
      throw new OriginalChangedError('the original changed after it was uploaded (its SHA-256 no longer matches)', {
        details: { expected, actual },
      });
    }
  }
}

/**
 * The item's original in memory, for steps that decode it whole (images). Reading stops as soon as
 * the bytes exceed `maxBytes`, so an oversized object (ingested before its kind had a limit, or
 * written after ingest) costs at most `maxBytes` and one chunk of memory, never the whole object;
 * the bytes are checked against the hash recorded at ingest.
 *
 * @throws LimitExceededError past `maxBytes`; OriginalChangedError when the bytes changed since ingest.
 */
export async function readOriginal(deps: Pick<CoreDeps, 'store'>, item: MediaItem, maxBytes: number): Promise<Uint8Array> {
  const { body } = await deps.store.get(item.original.key);
  const check = new OriginalCheck(item);
  const chunks: Uint8Array[] = [];
  let length = 0;
  // Leaving the loop early (the throw) closes the body, so nothing more is pulled from the store.
  for await (const chunk of body) {
    length += chunk.byteLength;
    if (length > maxBytes) {
      throw new LimitExceededError(`the file is larger than ${maxBytes} bytes, the limit for ${item.kind} files`, {
        details: { limit: `maxBytesByKind.${item.kind}`, max: maxBytes },
      });
    }
    check.update(chunk);
    chunks.push(chunk);
  }
  check.verify();
  return Buffer.concat(chunks, length);
}
