import { monotonicFactory, ulid } from 'ulid';
import type { Clock, IdGenerator } from '../ids.js';
import type { MediaItem } from '../media.js';
import { originalKey } from '../keys.js';
import { readBody } from './memory-object-store.js';

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
}

/** Real ULIDs whose time part follows a clock; ids made in the same millisecond still increase. */
export class ClockedIds implements IdGenerator {
  private readonly factory = monotonicFactory();

  constructor(private readonly clock: Clock) {}

  next(): string {
    return this.factory(this.clock.now().getTime());
  }
}

let counter = 0;

/**
 * A valid item with sensible defaults, for tests. Ids increase with each call so that
 * "newest first" is predictable.
 */
export function makeMediaItem(overrides: Partial<MediaItem> = {}): MediaItem {
  counter += 1;
  const ownerId = overrides.ownerId ?? 'alice';
  const id = overrides.id ?? ulid(Date.UTC(2026, 0, 1) + counter);
  const at = new Date(Date.UTC(2026, 0, 1) + counter).toISOString();
  return {
    id,
    ownerId,
    kind: 'image',
    status: 'uploading',
    original: { key: originalKey(ownerId, id), size: 1024, mime: 'application/octet-stream', filename: 'photo.jpg' },
    facts: {},
    renditions: [],
    tags: [],
    moderation: { verdict: 'pending', labels: [] },
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

/** Collects an async iterable of chunks into one buffer. */
export function collectBytes(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  return readBody(body);
}

/**
 * The error a promise rejects with, for assertions on its class and fields; throws when it
 * resolves instead.
 */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** True once no process has this id (a killed child has been reaped). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
