import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ConflictError, LimitExceededError, ValidationError, type ObjectHead } from '@mediaflow/domain';
import { collectBytes, ManualClock, objectStoreContract } from '@mediaflow/domain/testing';
import { FsObjectStore } from './fs-object-store.js';
import { verifyPresigned } from './presign.js';

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

objectStoreContract('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'mf-fs-store-'));
  const store = new FsObjectStore({ root, baseUrl: 'http://localhost:3000', secret: randomBytes(32) });
  return {
    store,
    close: async () => {
      // Whatever the test did, no temp file may outlive the call that made it.
      expect((await entries(join(root, '.tmp'))).filter((name) => name !== 'multipart')).toEqual([]);
      await rm(root, { recursive: true, force: true });
    },
  };
});

describe('FsObjectStore on a real directory', () => {
  let sandbox: string;
  let root: string;
  let store: FsObjectStore;
  const secret = randomBytes(32);

  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'mf-fs-sandbox-'));
    root = join(sandbox, 'objects');
    store = new FsObjectStore({ root, baseUrl: 'http://localhost:3000/', secret, clock: new ManualClock('2026-03-01T12:00:00Z') });
  });

  afterEach(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  it('hashes what it writes (SHA-256, hex), kept across reopen', async () => {
    const bytes = randomBytes(200_000);
    const put = await store.put('originals/alice/x', bytes);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(put.sha256).toBe(expected);
    const again = new FsObjectStore({ root, baseUrl: 'http://localhost:3000/', secret });
    expect((await again.head('originals/alice/x'))?.sha256).toBe(expected);
  });

  /** Every file under a directory, as relative paths (links listed, never followed). */
  async function filesUnder(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isDirectory()) out.push(relative(dir, join(entry.parentPath, entry.name)));
    }
    return out.sort();
  }

  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const read = async (key: string): Promise<string> => Buffer.from(await collectBytes((await store.get(key)).body)).toString('utf8');

  describe('keys', () => {
    const hostile = ['../x', 'a/../../x', '/etc/passwd', 'a\\b', 'a\u0000b', 'a//b', '', 'a/', './a', 'a/./b', '..', '.tmp/x', '.meta/x'];

    it.each(hostile)('refuses %j in every operation and writes nothing', async (key) => {
      await store.put('seed', text('seed'));
      await expect(store.put(key, text('pwned'))).rejects.toBeInstanceOf(ValidationError);
      await expect(store.get(key)).rejects.toBeInstanceOf(ValidationError);
      await expect(store.head(key)).rejects.toBeInstanceOf(ValidationError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(ValidationError);
      await expect(store.presignPut(key, { expiresInSeconds: 60 })).rejects.toBeInstanceOf(ValidationError);
      await expect(store.presignGet(key, { expiresInSeconds: 60 })).rejects.toBeInstanceOf(ValidationError);
      expect(await readdir(sandbox)).toEqual(['objects']);
      expect(await filesUnder(root)).toEqual(['.meta/seed', 'seed']);
    });

    it('refuses prefixes that climb out', async () => {
      await expect(store.deleteByPrefix('../')).rejects.toBeInstanceOf(ValidationError);
      await expect(store.deleteByPrefix('a/../../')).rejects.toBeInstanceOf(ValidationError);
      await expect(collectKeys(store.list('/etc/'))).rejects.toBeInstanceOf(ValidationError);
    });

    it('does not follow a link planted in the tree out of the root', async () => {
      const outside = join(sandbox, 'outside');
      await mkdir(outside);
      await writeFile(join(outside, 'secret'), 'top secret');
      await store.put('ok', text('x')); // creates the root
      await symlink(outside, join(root, 'link'));
      await symlink(join(sandbox, 'nowhere'), join(root, 'dangling'));
      await symlink(join(outside, 'secret'), join(root, 'file-link'));

      await expect(store.put('link/x', text('pwned'))).rejects.toBeInstanceOf(ValidationError);
      await expect(store.put('dangling/x', text('pwned'))).rejects.toBeInstanceOf(ValidationError);
      await expect(store.get('link/secret')).rejects.toBeInstanceOf(ValidationError);
      await expect(store.get('file-link')).rejects.toBeInstanceOf(ValidationError);
      await expect(store.delete('link/secret')).rejects.toBeInstanceOf(ValidationError);
      expect(await readdir(outside)).toEqual(['secret']);
      expect(await readdir(sandbox)).toEqual(['objects', 'outside']);
      expect(await readFile(join(outside, 'secret'), 'utf8')).toBe('top secret');
      expect(await collectKeys(store.list(''))).toEqual(['ok']);
      await expect(collectKeys(store.list('link/'))).rejects.toBeInstanceOf(ValidationError);
      await expect(store.deleteByPrefix('link/')).rejects.toBeInstanceOf(ValidationError);
      expect(await readdir(outside)).toEqual(['secret']);
    });

    it('cannot hold both a key and keys below it, and says so', async () => {
      await store.put('a/b', text('1'));
      await expect(store.put('a', text('2'))).rejects.toBeInstanceOf(ConflictError);
      await expect(store.put('a/b/c', text('3'))).rejects.toBeInstanceOf(ConflictError);
      expect(await store.head('a')).toBeUndefined();
      expect(await read('a/b')).toBe('1');
      await store.delete('a'); // a "directory", not an object: nothing to delete
      expect(await read('a/b')).toBe('1');
    });

    it('keeps keys with unusual but safe characters apart', async () => {
      const keys = ['a b/ü é', 'a b/%2e%2e', 'x/..y', 'x/y..', "q/it's (1)*"];
      for (const key of keys) await store.put(key, text(key));
      for (const key of keys) expect(await read(key)).toBe(key);
      expect(await collectKeys(store.list(''))).toEqual([...keys].sort());
    });
  });

  describe('atomic writes', () => {
    async function* failing(): AsyncIterable<Uint8Array> {
      yield text('new bytes that ');
      await new Promise((resolve) => setTimeout(resolve, 5));
      yield text('never finish');
      throw new Error('connection reset');
    }

    it('keeps the old object and leaves no file when the body stream fails midway', async () => {
      await store.put('k', text('old'), { contentType: 'text/plain' });
      await expect(store.put('k', failing(), { contentType: 'image/png' })).rejects.toThrow('connection reset');
      expect(await read('k')).toBe('old');
      expect((await store.head('k'))?.contentType).toBe('text/plain');
      await expect(store.put('fresh', failing())).rejects.toThrow('connection reset');
      expect(await store.head('fresh')).toBeUndefined();
      expect((await filesUnder(root)).filter((f) => !f.startsWith('.meta/'))).toEqual(['k']);
      expect(await readdir(join(root, '.tmp'))).toEqual(['multipart']);
    });

    it('leaves nothing behind when a stream passes maxBytes', async () => {
      const big = async function* (): AsyncIterable<Uint8Array> {
        for (let i = 0; i < 100; i += 1) yield new Uint8Array(1024);
      };
      await expect(store.put('big', big(), { maxBytes: 10_000 })).rejects.toBeInstanceOf(LimitExceededError);
      expect(await filesUnder(root)).toEqual([]);
    });

    it('refuses a stream of strings instead of writing them as text', async () => {
      const strings = async function* (): AsyncIterable<Uint8Array> {
        yield 'not bytes' as unknown as Uint8Array;
      };
      await expect(store.put('s', strings())).rejects.toBeInstanceOf(ValidationError);
      expect(await store.head('s')).toBeUndefined();
    });

    it('ends concurrent puts to one key with one complete object and its own metadata', async () => {
      const writers = Array.from({ length: 16 }, (_, i) => ({
        bytes: randomBytes(1000 + i * 7919),
        contentType: `application/x-writer-${i}`,
      }));
      async function* slowly(bytes: Uint8Array): AsyncIterable<Uint8Array> {
        for (let offset = 0; offset < bytes.byteLength; offset += 4096) {
          await new Promise((resolve) => setImmediate(resolve));
          yield bytes.subarray(offset, offset + 4096);
        }
      }
      const heads = await Promise.all(writers.map((w) => store.put('hot', slowly(w.bytes), { contentType: w.contentType })));
      const got = await store.get('hot');
      const bytes = Buffer.from(await collectBytes(got.body));
      const winner = writers.findIndex((w) => Buffer.from(w.bytes).equals(bytes));
      expect(winner).toBeGreaterThanOrEqual(0);
      expect(got.head.contentType).toBe(`application/x-writer-${winner}`);
      expect(got.head.size).toBe(bytes.byteLength);
      expect(got.head.etag).toBe(createHash('md5').update(bytes).digest('hex'));
      expect(heads[winner]?.etag).toBe(got.head.etag);
      expect(await readdir(join(root, '.tmp'))).toEqual(['multipart']);
    });

    it('lets a reader finish the version it opened while the key is overwritten', async () => {
      const first = randomBytes(300_000);
      await store.put('v', first);
      const reading = await store.get('v');
      await store.put('v', randomBytes(10));
      await store.delete('v');
      expect(Buffer.from(await collectBytes(reading.body)).equals(first)).toBe(true);
    });
  });

  describe('reads', () => {
    it('streams a large object in chunks instead of one buffer', async () => {
      const bytes = randomBytes(1_000_000);
      await store.put('large', bytes);
      const got = await store.get('large');
      let chunks = 0;
      const parts: Uint8Array[] = [];
      for await (const chunk of got.body) {
        chunks += 1;
        parts.push(chunk);
      }
      expect(chunks).toBeGreaterThan(1);
      expect(Buffer.concat(parts).equals(bytes)).toBe(true);
      const ranged = await store.get('large', { start: 999_000, end: 999_999 });
      expect(Buffer.from(await collectBytes(ranged.body)).equals(bytes.subarray(999_000))).toBe(true);
    });

    it('serves an empty object', async () => {
      await store.put('empty', new Uint8Array(0));
      expect((await store.head('empty'))?.size).toBe(0);
      expect((await collectBytes((await store.get('empty')).body)).byteLength).toBe(0);
      await expect(store.get('empty', { start: 0 })).rejects.toBeInstanceOf(ValidationError);
    });

    it('stamps lastModified from its clock and keeps the metadata in a sidecar', async () => {
      const head = await store.put('m', text('x'), { contentType: 'text/plain' });
      expect(head.lastModified.toISOString()).toBe('2026-03-01T12:00:00.000Z');
      expect(await readFile(join(root, 'm'), 'utf8')).toBe('x');
      expect(JSON.parse(await readFile(join(root, '.meta', 'm'), 'utf8'))).toMatchObject({ contentType: 'text/plain', size: 1 });
    });

    it('rebuilds a sidecar that no longer matches its file, never reusing another content type', async () => {
      await store.put('crashed', text('old'), { contentType: 'text/html' });
      // As if the process died between renaming the new data into place and renaming its sidecar.
      await writeFile(join(root, 'crashed.new'), 'new bytes');
      await rename(join(root, 'crashed.new'), join(root, 'crashed'));
      const head = await store.head('crashed');
      expect(head).toMatchObject({ size: 9, contentType: 'application/octet-stream', etag: createHash('md5').update('new bytes').digest('hex') });
      expect(await read('crashed')).toBe('new bytes');
    });

    it('keeps the metadata of objects copied to a new directory (a restored backup)', async () => {
      await store.put('photo', text('pixels'), { contentType: 'image/png', cacheControl: 'no-cache' });
      const copy = join(sandbox, 'restored');
      await cp(root, copy, { recursive: true });
      const restored = new FsObjectStore({ root: copy, baseUrl: 'http://localhost:3000', secret });
      expect(await restored.head('photo')).toMatchObject({ contentType: 'image/png', cacheControl: 'no-cache', size: 6 });
    });
  });

  describe('listing and deleting by prefix', () => {
    it('lists in key order, across directories, and skips the store\u2019s own files', async () => {
      for (const key of ['a/b', 'a-c', 'a/a/z', 'b', 'a.d']) await store.put(key, text(key));
      expect(await collectKeys(store.list(''))).toEqual(['a-c', 'a.d', 'a/a/z', 'a/b', 'b']);
      expect(await collectKeys(store.list('a'))).toEqual(['a-c', 'a.d', 'a/a/z', 'a/b']);
      expect(await collectKeys(store.list('a/'))).toEqual(['a/a/z', 'a/b']);
      expect(await collectKeys(store.list('a/a'))).toEqual(['a/a/z']);
      expect(await collectKeys(store.list('nothing/'))).toEqual([]);
      expect(await collectKeys(store.list('b/'))).toEqual([]); // b is an object, not a directory
    });

    it('deletes by prefix and removes the emptied directories', async () => {
      await store.put('renditions/alice/A/thumb.webp', text('1'));
      await store.put('renditions/alice/A/hls/720p.m3u8', text('2'));
      await store.put('renditions/alice/B/thumb.webp', text('3'));
      expect(await store.deleteByPrefix('renditions/alice/A')).toBe(2);
      expect(await filesUnder(root)).toEqual(['.meta/renditions/alice/B/thumb.webp', 'renditions/alice/B/thumb.webp']);
      expect(await readdir(join(root, 'renditions', 'alice'))).toEqual(['B']);
      expect(await store.deleteByPrefix('')).toBe(1);
      expect(await readdir(root)).toEqual(['.meta', '.tmp']);
    });
  });

  describe('presigned URLs', () => {
    it('signs a PUT the server can verify, with its content type and length', async () => {
      const put = await store.presignPut('originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV', {
        expiresInSeconds: 900,
        contentType: 'image/jpeg',
        contentLength: 1234,
      });
      expect(put.url.startsWith('http://localhost:3000/_local/objects/originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV?')).toBe(true);
      expect(put.headers).toEqual({ 'content-type': 'image/jpeg' });
      expect(put.expiresAt.toISOString()).toBe('2026-03-01T12:15:00.000Z');
      const grant = verifyPresigned({ url: put.url, method: 'PUT' }, secret, new Date('2026-03-01T12:14:59Z'));
      expect(grant).toEqual({
        method: 'PUT',
        key: 'originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV',
        expiresAt: put.expiresAt,
        contentType: 'image/jpeg',
        contentLength: 1234,
      });
      await expect(verifyAt(put.url, 'PUT', '2026-03-01T12:15:00Z')).rejects.toMatchObject({ details: { reason: 'expired' } });
      await expect(verifyAt(put.url, 'GET', '2026-03-01T12:00:00Z')).rejects.toMatchObject({ details: { reason: 'wrong method' } });
      const otherKey = put.url.replace('/alice/', '/mallory/');
      await expect(verifyAt(otherKey, 'PUT', '2026-03-01T12:00:00Z')).rejects.toMatchObject({ details: { reason: 'bad signature' } });
    });

    it('signs a GET that downloads under the asked file name', async () => {
      const get = await store.presignGet('a/b c', { expiresInSeconds: 60, downloadFilename: 'Beach day.jpg' });
      const grant = verifyPresigned(new URL(get.url).pathname + new URL(get.url).search, secret, new Date('2026-03-01T12:00:30Z'));
      expect(grant.key).toBe('a/b c');
      expect(grant.contentDisposition).toBe(`attachment; filename="Beach day.jpg"; filename*=UTF-8''Beach%20day.jpg`);
    });

    async function verifyAt(url: string, method: string, at: string): Promise<unknown> {
      return verifyPresigned({ url, method }, secret, new Date(at));
    }
  });

  it('sweeps temp files older than the limit', async () => {
    await store.put('k', text('x'));
    const stale = join(root, '.tmp', 'left-by-a-crash.part');
    await writeFile(stale, 'partial');
    const old = new Date('2026-02-01T00:00:00Z');
    await utimes(stale, old, old);
    await writeFile(join(root, '.tmp', 'in-progress.part'), 'partial');
    expect(await store.sweepTemporaryFiles(3600)).toBe(1);
    expect((await readdir(join(root, '.tmp'))).sort()).toEqual(['in-progress.part', 'multipart']);
  });
});

async function collectKeys(heads: AsyncIterable<ObjectHead>): Promise<string[]> {
  const keys: string[] = [];
  for await (const head of heads) keys.push(head.key);
  return keys;
}
