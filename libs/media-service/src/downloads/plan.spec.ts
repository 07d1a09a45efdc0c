import { renditionKey, type MediaItem, type Rendition, type RenditionFormat } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { archivability, chooseFile, EntryNames, fileName } from './plan.js';

function rendition(item: Pick<MediaItem, 'ownerId' | 'id'>, name: string, format: RenditionFormat, width?: number): Rendition {
  const ext = format === 'jpeg' ? 'jpg' : format;
  return {
    name,
    format,
    key: renditionKey(item.ownerId, item.id, name, ext),
    contentType: `image/${format}`,
    bytes: 100,
    ...(width === undefined ? {} : { width, height: Math.round(width * 0.75) }),
  };
}

function withRenditions(overrides: Partial<MediaItem>, make: (item: MediaItem) => Rendition[]): MediaItem {
  const item = makeMediaItem({ status: 'ready', ...overrides });
  return { ...item, renditions: make(item) };
}

describe('chooseFile', () => {
  const photo = withRenditions({ original: { key: 'originals/alice/x', size: 1, mime: 'image/heic', filename: 'IMG_1.HEIC' } }, (i) => [
    rendition(i, 'thumb', 'webp', 256),
    rendition(i, 'large', 'avif', 2048),
    rendition(i, 'large', 'webp', 2048),
    rendition(i, 'large', 'jpeg', 2048),
    rendition(i, 'medium', 'webp', 1280),
  ]);

  it('takes the original when asked for it', () => {
    expect(chooseFile(photo, 'original')).toEqual({ key: photo.original.key, rendition: 'original' });
  });

  it('takes the named rendition in its most widely readable format', () => {
    expect(chooseFile(photo, 'large')).toMatchObject({ rendition: 'large', format: 'jpeg', key: expect.stringMatching(/large\.jpg$/) });
    expect(chooseFile(photo, 'medium')).toMatchObject({ rendition: 'medium', format: 'webp' });
  });

  it('falls back to the largest image rendition of an image that lacks the name', () => {
    const small = withRenditions({}, (i) => [rendition(i, 'thumb', 'avif', 200), rendition(i, 'small', 'avif', 600), rendition(i, 'small', 'webp', 600)]);
    expect(chooseFile(small, 'large')).toMatchObject({ rendition: 'small', format: 'webp' });
  });

  it('falls back to the original of an image without renditions, and of anything that is not an image', () => {
    const unprocessed = makeMediaItem({ status: 'failed' });
    expect(chooseFile(unprocessed, 'large').rendition).toBe('original');
    const video = withRenditions({ kind: 'video' }, (i) => [
      rendition(i, 'poster', 'jpeg', 1920),
      { ...rendition(i, 'hls/master', 'm3u8'), contentType: 'application/vnd.apple.mpegurl' },
    ]);
    expect(chooseFile(video, 'large')).toEqual({ key: video.original.key, rendition: 'original' });
    expect(chooseFile(video, 'poster')).toMatchObject({ rendition: 'poster', format: 'jpeg' });
    // A playlist is part of a ladder, never a download of its own.
    expect(chooseFile(video, 'hls/master').rendition).toBe('original');
  });
});

describe('fileName', () => {
  const item = (filename: string) => makeMediaItem({ original: { key: 'originals/alice/x', size: 1, mime: 'image/jpeg', filename } });

  it('keeps the original’s name, or swaps in the rendition’s extension', () => {
    expect(fileName(item('IMG_1.HEIC'), {})).toBe('IMG_1.HEIC');
    expect(fileName(item('IMG_1.HEIC'), { format: 'jpeg' })).toBe('IMG_1.jpg');
    expect(fileName(item('scan'), { format: 'webp' })).toBe('scan.webp');
    expect(fileName(item('.hidden'), { format: 'png' })).toBe('hidden.png');
  });

  it('makes whatever the record holds one plain name, never a path', () => {
    expect(fileName(item('../../etc/passwd'), {})).toBe('passwd');
    expect(fileName(item('C:\\Users\\me\\photo.jpg'), {})).toBe('photo.jpg');
    expect(fileName(item('con.jpg'), {})).toBe('_con.jpg');
    expect(fileName(item('a\u202Egpj.exe'), {})).toBe('agpj.exe');
  });
});

describe('EntryNames', () => {
  it('numbers repeats, ignoring case and Unicode normalisation', () => {
    const names = new EntryNames(['manifest.json']);
    expect(['photo.jpg', 'photo.jpg', 'Photo.JPG', 'photo (2).jpg', 'manifest.json', 'Cafe\u0301.png', 'Café.png', 'README'].map((n) => names.take(n))).toEqual([
      'photo.jpg',
      'photo (2).jpg',
      'Photo (3).JPG',
      'photo (2) (2).jpg',
      'manifest (2).json',
      'Cafe\u0301.png',
      'Café (2).png',
      'README',
    ]);
  });
});

describe('archivability', () => {
  it.each([
    ['ready', undefined],
    ['uploaded', undefined],
    ['processing', undefined],
    ['failed', undefined],
    ['flagged', undefined],
    ['trashed', 'in_trash'],
    ['uploading', 'not_uploaded'],
    ['deleted', 'not_found'],
  ] as const)('says whether a %s item goes into an archive', (status, reason) => {
    expect(archivability(makeMediaItem({ status }))).toBe(reason);
  });

  it('leaves out a missing item', () => {
    expect(archivability(undefined)).toBe('not_found');
  });
});
