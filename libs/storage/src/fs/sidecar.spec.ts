import { headFromSidecar, parseSidecar, sameFile, type Sidecar } from './sidecar.js';

describe('sidecars', () => {
  const sidecar: Sidecar = {
    v: 1,
    size: 3,
    etag: 'abc',
    contentType: 'text/plain',
    lastModified: '2026-03-01T12:00:00.000Z',
    cacheControl: 'no-cache',
    file: { ino: 42, size: 3, mtimeMs: 1700000000000.5 },
  };

  it('round-trips through JSON', () => {
    expect(parseSidecar(JSON.stringify(sidecar))).toEqual(sidecar);
    expect(parseSidecar(JSON.stringify({ ...sidecar, partSize: 5 }))).toEqual({ ...sidecar, partSize: 5 });
  });

  it.each(['', '{', 'null', '[]', JSON.stringify({ ...sidecar, v: 2 }), JSON.stringify({ ...sidecar, file: { ino: 1 } }), JSON.stringify({ ...sidecar, lastModified: 'yesterday' }), JSON.stringify({ ...sidecar, cacheControl: 5 })])(
    'treats %j as missing',
    (text) => {
      expect(parseSidecar(text)).toBeUndefined();
    },
  );

  it('makes a head with only the options that were set', () => {
    expect(headFromSidecar('k', sidecar)).toEqual({
      key: 'k',
      size: 3,
      etag: 'abc',
      contentType: 'text/plain',
      lastModified: new Date('2026-03-01T12:00:00.000Z'),
      cacheControl: 'no-cache',
    });
    expect('contentDisposition' in headFromSidecar('k', sidecar)).toBe(false);
  });

  it('compares file identities by inode, size and mtime', () => {
    expect(sameFile(sidecar.file, { ...sidecar.file })).toBe(true);
    expect(sameFile(sidecar.file, { ...sidecar.file, ino: 43 })).toBe(false);
    expect(sameFile(sidecar.file, { ...sidecar.file, mtimeMs: 1 })).toBe(false);
  });
});
