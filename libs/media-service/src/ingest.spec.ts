import { ServiceConfigSchema } from './context.js';
import { ingestObject } from './ingest.js';
import { inMemoryDeps, type InMemoryDeps } from './testing/index.js';
import { startUpload } from './uploads.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PDF_SIGNATURE = Buffer.from('%PDF-1.7\n');

/** `size` bytes that start with `head`. */
const padded = (head: Buffer, size: number): Buffer => {
  const bytes = Buffer.alloc(size, 0x20);
  head.copy(bytes);
  return bytes;
};

/** Records whether anything read a whole object (hashing does; sniffing reads a range). */
function watchWholeReads(deps: InMemoryDeps): string[] {
  const whole: string[] = [];
  const get = deps.store.get.bind(deps.store);
  deps.store.get = async (key, range) => {
    if (range === undefined) whole.push(key);
    return get(key, range);
  };
  return whole;
}

async function upload(deps: InMemoryDeps, bytes: Uint8Array, filename: string): Promise<string> {
  const started = await startUpload(deps, 'alice', { filename, size: bytes.length });
  if (started.duplicate) throw new Error('unexpected duplicate');
  await deps.store.put(`originals/alice/${started.id}`, bytes);
  return started.id;
}

describe('ingestObject: limits per kind', () => {
  it('limits images to 200 MiB unless configured, and other kinds to the upload limit only', () => {
    const config = ServiceConfigSchema.parse({});
    expect(config.maxBytesByKind).toEqual({ image: 200 * 1024 ** 2 });
    expect(ServiceConfigSchema.parse({ maxBytesByKind: { video: 5000 } }).maxBytesByKind).toEqual({ image: 200 * 1024 ** 2, video: 5000 });
  });

  it('refuses an image over the image limit before reading it whole, deletes its bytes and says why', async () => {
    const deps = inMemoryDeps({}, { config: { maxUploadBytes: 1000, maxBytesByKind: { image: 100 } } });
    const whole = watchWholeReads(deps);
    const id = await upload(deps, padded(PNG_SIGNATURE, 200), 'big.png');
    const result = await ingestObject(deps, { key: `originals/alice/${id}` });
    expect(result.outcome).toBe('rejected');
    const item = await deps.repo.get('alice', id);
    expect(item?.status).toBe('failed');
    expect(item?.failure).toEqual({ code: 'limit_exceeded', reason: 'the file is 200 bytes; the limit for image files is 100', stage: 'ingest' });
    expect(deps.store.size).toBe(0);
    expect(whole).toEqual([]);
    expect(deps.bus.published.map((e) => e.type)).toEqual(['media.upload_started', 'media.failed']);
  });

  it('accepts an image at the limit, and a file of another kind over it', async () => {
    const deps = inMemoryDeps({}, { config: { maxUploadBytes: 1000, maxBytesByKind: { image: 100 } } });
    const image = await upload(deps, padded(PNG_SIGNATURE, 100), 'at-limit.png');
    expect((await ingestObject(deps, { key: `originals/alice/${image}` })).outcome).toBe('uploaded');
    const pdf = await upload(deps, padded(PDF_SIGNATURE, 200), 'big.pdf');
    expect((await ingestObject(deps, { key: `originals/alice/${pdf}` })).outcome).toBe('uploaded');
  });

  it('applies a limit set for another kind', async () => {
    const deps = inMemoryDeps({}, { config: { maxUploadBytes: 1000, maxBytesByKind: { document: 150 } } });
    const pdf = await upload(deps, padded(PDF_SIGNATURE, 200), 'big.pdf');
    expect(await ingestObject(deps, { key: `originals/alice/${pdf}` })).toMatchObject({
      outcome: 'rejected',
      failure: { code: 'limit_exceeded', reason: 'the file is 200 bytes; the limit for document files is 150' },
    });
  });

  it('refuses a 300 MB fake JPEG under the default settings without reading it', async () => {
    const deps = inMemoryDeps();
    const whole = watchWholeReads(deps);
    // The store holds only the first bytes; its head says what a real 300 MB upload would.
    const id = await upload(deps, padded(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 4096), 'fake.jpg');
    const head = deps.store.head.bind(deps.store);
    deps.store.head = async (key) => {
      const found = await head(key);
      if (!found) return found;
      const { sha256: _unknown, ...rest } = found;
      return { ...rest, size: 300_000_000 };
    };
    const result = await ingestObject(deps, { key: `originals/alice/${id}` });
    expect(result).toMatchObject({ outcome: 'rejected', failure: { code: 'limit_exceeded' } });
    expect((await deps.repo.get('alice', id))?.failure?.reason).toBe('the file is 300000000 bytes; the limit for image files is 209715200');
    expect(whole).toEqual([]);
    expect(await head(`originals/alice/${id}`)).toBeUndefined();
  });
});

describe('ingestObject: server-side scripts', () => {
  it('refuses a PHP web shell named like a photo, deletes its bytes and says why', async () => {
    const deps = inMemoryDeps();
    const id = await upload(deps, Buffer.from('<?php system($_GET["c"]); ?>\n'), 'shell.php.jpg');
    expect((await ingestObject(deps, { key: `originals/alice/${id}` })).outcome).toBe('rejected');
    const item = await deps.repo.get('alice', id);
    expect(item?.status).toBe('failed');
    expect(item?.failure).toEqual({ code: 'unsupported', reason: 'server-side scripts (PHP, ASP, JSP and the like) are not accepted', stage: 'ingest' });
    expect(deps.store.size).toBe(0);
  });
});
