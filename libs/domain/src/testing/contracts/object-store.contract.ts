import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LimitExceededError, NotFoundError, ValidationError } from '../../errors.js';
import type { ObjectStore } from '../../ports.js';
import { collectBytes } from '../fixtures.js';

export interface ObjectStoreHarness {
  store: ObjectStore;
  /** Frees whatever the adapter holds (temp dirs, emulators). */
  close?: () => Promise<void>;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield text(p);
}

/**
 * The behaviour every ObjectStore adapter must have. Call it from the adapter's test file:
 *
 * @example
 * objectStoreContract('filesystem', async () => ({ store: new FsObjectStore(await mkdtemp(...)) }));
 */
export function objectStoreContract(name: string, create: () => Promise<ObjectStoreHarness>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let harness: ObjectStoreHarness;
    let store: ObjectStore;

    beforeEach(async () => {
      harness = await create();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.close?.();
    });

    it('stores a buffer and reads back the same bytes with its head', async () => {
      const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256);
      const put = await store.put('originals/alice/a', bytes, { contentType: 'image/png' });
      expect(put.size).toBe(70_000);
      expect(put.etag.length).toBeGreaterThan(0);
      const got = await store.get('originals/alice/a');
      expect(got.head.contentType).toBe('image/png');
      expect(got.head.size).toBe(70_000);
      expect(Buffer.from(await collectBytes(got.body)).equals(Buffer.from(bytes))).toBe(true);
    });

    it('reports a SHA-256, when it has one, that matches the content', async () => {
      const bytes = text('the same bytes every time');
      const expected = createHash('sha256').update(bytes).digest('hex');
      const put = await store.put('originals/alice/h', chunks('the same ', 'bytes every time'));
      const head = await store.head('originals/alice/h');
      for (const reported of [put.sha256, head?.sha256]) if (reported !== undefined) expect(reported).toBe(expected);
    });

    it('stores a stream of chunks', async () => {
      await store.put('k/stream', chunks('hello ', 'streamed ', 'world'));
      expect(decode(await collectBytes((await store.get('k/stream')).body))).toBe('hello streamed world');
    });

    it('keeps cache control and content disposition', async () => {
      await store.put('k/meta', text('x'), {
        contentType: 'text/plain',
        cacheControl: 'public, max-age=31536000, immutable',
        contentDisposition: 'attachment; filename="x.txt"',
      });
      const head = await store.head('k/meta');
      expect(head?.cacheControl).toBe('public, max-age=31536000, immutable');
      expect(head?.contentDisposition).toBe('attachment; filename="x.txt"');
    });

    it('overwrites a key with the new content', async () => {
      await store.put('k/over', text('first version'));
      await store.put('k/over', text('second'));
      expect(decode(await collectBytes((await store.get('k/over')).body))).toBe('second');
      expect((await store.head('k/over'))?.size).toBe(6);
    });

    it('heads a missing key as undefined and gets it as NotFoundError', async () => {
      expect(await store.head('k/missing')).toBeUndefined();
      await expect(store.get('k/missing')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('serves inclusive byte ranges, clamped to the end', async () => {
      await store.put('k/range', text('0123456789'));
      const mid = await store.get('k/range', { start: 2, end: 5 });
      expect(decode(await collectBytes(mid.body))).toBe('2345');
      expect(mid.range).toEqual({ start: 2, end: 5 });
      const open = await store.get('k/range', { start: 7 });
      expect(decode(await collectBytes(open.body))).toBe('789');
      const clamped = await store.get('k/range', { start: 8, end: 100 });
      expect(decode(await collectBytes(clamped.body))).toBe('89');
      expect(clamped.range).toEqual({ start: 8, end: 9 });
    });

    it('refuses a range that starts past the end', async () => {
      await store.put('k/short', text('abc'));
      await expect(store.get('k/short', { start: 3 })).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses a body over maxBytes and stores nothing', async () => {
      await expect(store.put('k/big', chunks('12345', '67890', 'x'), { maxBytes: 10 })).rejects.toBeInstanceOf(LimitExceededError);
      expect(await store.head('k/big')).toBeUndefined();
    });

    it('keeps the old object when an oversized overwrite is refused', async () => {
      await store.put('k/keep', text('old'));
      await expect(store.put('k/keep', text('far too long'), { maxBytes: 4 })).rejects.toBeInstanceOf(LimitExceededError);
      expect(decode(await collectBytes((await store.get('k/keep')).body))).toBe('old');
    });

    it('deletes idempotently', async () => {
      await store.put('k/del', text('x'));
      await store.delete('k/del');
      await store.delete('k/del');
      expect(await store.head('k/del')).toBeUndefined();
    });

    it('deletes by prefix without touching keys that only share a leading string', async () => {
      await store.put('renditions/alice/A/thumb.webp', text('1'));
      await store.put('renditions/alice/A/hls/720p.m3u8', text('2'));
      await store.put('renditions/alice/AB/thumb.webp', text('3'));
      await store.put('renditions/bob/A/thumb.webp', text('4'));
      expect(await store.deleteByPrefix('renditions/alice/A/')).toBe(2);
      expect(await store.head('renditions/alice/AB/thumb.webp')).toBeDefined();
      expect(await store.head('renditions/bob/A/thumb.webp')).toBeDefined();
      expect(await store.deleteByPrefix('renditions/nobody/')).toBe(0);
    });

    it('lists keys under a prefix in key order', async () => {
      for (const k of ['p/b', 'p/a', 'p/c/d', 'q/a']) await store.put(k, text(k));
      const keys: string[] = [];
      for await (const head of store.list('p/')) keys.push(head.key);
      expect(keys).toEqual(['p/a', 'p/b', 'p/c/d']);
    });

    it('presigns a PUT and a GET that expire in the future', async () => {
      const before = Date.now();
      const put = await store.presignPut('originals/alice/x', { expiresInSeconds: 900, contentType: 'image/jpeg' });
      expect(put.method).toBe('PUT');
      expect(put.url.length).toBeGreaterThan(0);
      expect(put.expiresAt.getTime()).toBeGreaterThan(before);
      const get = await store.presignGet('originals/alice/x', { expiresInSeconds: 60, downloadFilename: 'x.jpg' });
      expect(get.method).toBe('GET');
      expect(get.url).not.toBe(put.url);
    });
  });
}
