import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { ApiClient, VisitorApi } from '../api/client';
import type { AlbumView, MediaView, ReviewItemView, SearchField, SearchHitView, SharedMediaView, ShareView } from '../api/types';
import type { BulkItemResult, BulkResult, TrashItemView } from '../api/types';
import { MediaEvents, ServicesProvider, type Services } from '../app/services';
import { Session } from '../auth/session';
import { UploadQueue } from '../upload/queue';

/** A JWT-shaped token (unsigned: the gallery never verifies) for `sub`. */
export function fakeToken(sub = 'alice', exp = Math.floor(Date.now() / 1000) + 3600): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, exp })}.c2lnbmF0dXJl`;
}

// A real ThumbHash (of a 30×20 gradient), as the image pipeline stores it.
export const THUMBHASH = 'IhUKNZhwd3d3eIiHiIiHh4CHCIeI';

let seq = 0;

export function mediaItem(overrides: Partial<MediaView> = {}): MediaView {
  seq += 1;
  const id = overrides.id ?? `01J${String(seq).padStart(23, '0')}`;
  const r = (name: string, format: string, width: number) => ({
    name,
    format,
    width,
    height: Math.round((width * 2) / 3),
    bytes: width * 10,
    url: `/media/renditions/alice/${id}/${name}.${format === 'jpeg' ? 'jpg' : format}`,
  });
  return {
    id,
    kind: 'image',
    status: 'ready',
    title: null,
    description: null,
    filename: `photo-${seq}.jpg`,
    original: { size: 123_456, mime: 'image/jpeg', sha256: null },
    facts: { width: 3000, height: 2000, format: 'jpeg' },
    renditions: [
      r('thumb', 'avif', 256), r('thumb', 'webp', 256), r('thumb', 'jpeg', 256),
      r('small', 'avif', 640), r('small', 'webp', 640),
      r('medium', 'avif', 1280), r('medium', 'webp', 1280), r('medium', 'jpeg', 1280),
      r('large', 'webp', 2048),
    ],
    tags: [
      { name: 'beach', confidence: 0.93, source: 'ai' },
      { name: 'holiday', confidence: 1, source: 'user' },
    ],
    moderation: { verdict: 'safe', labels: [] },
    placeholder: { thumbhash: THUMBHASH, dominantColor: '#336699' },
    failure: null,
    progress: null,
    favourite: false,
    trashedAt: null,
    faces: null,
    text: null,
    takenAt: '2026-11-01T10:00:00.000Z',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}

/** A search result: an item and the fields the words matched in. */
export function searchHit(overrides: Partial<MediaView> = {}, matched: SearchField[] = []): SearchHitView {
  return { ...mediaItem(overrides), matched };
}

/** An item in the trash: trashed on 1 December 2026, removed for good 30 days later unless said. */
export function trashItem(overrides: Partial<MediaView> = {}, purgeAt = '2026-12-31T09:00:00.000Z'): TrashItemView {
  return { ...mediaItem({ status: 'trashed', trashedAt: '2026-12-01T09:00:00.000Z', ...overrides }), purgeAt };
}

/** A bulk answer where every id worked except those in `failures` (id -> reason, as a 404). */
export function bulkAnswer(ids: readonly string[], failures: Readonly<Record<string, string>> = {}): BulkResult {
  const results = ids.map((id): BulkItemResult => (failures[id] ? { id, ok: false, status: 404, code: 'not_found', reason: failures[id] } : { id, ok: true }));
  const succeeded = results.filter((r) => r.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}

/** An ApiClient whose every method is a jest mock; pass the ones a test needs. */
export function fakeApi(overrides: Partial<ApiClient> = {}): jest.Mocked<ApiClient> {
  const fail = (name: string) => jest.fn(async () => {
    throw new Error(`unexpected api.${name}()`);
  });
  return {
    startUpload: fail('startUpload'),
    completeUpload: fail('completeUpload'),
    getMedia: fail('getMedia'),
    listMedia: jest.fn(async () => ({ items: [], nextCursor: null })),
    updateMedia: fail('updateMedia'),
    setFavourite: fail('setFavourite'),
    deleteMedia: fail('deleteMedia'),
    restoreMedia: fail('restoreMedia'),
    listTrash: jest.fn(async () => ({ items: [], nextCursor: null, retentionDays: 30 })),
    emptyTrash: fail('emptyTrash'),
    bulkMedia: fail('bulkMedia'),
    requestReview: fail('requestReview'),
    listTags: jest.fn(async () => []),
    search: jest.fn(async () => ({ items: [], nextCursor: null })),
    timeline: jest.fn(async () => []),
    mediaAccess: jest.fn(async () => ({ expiresAt: null })),
    originalDownload: jest.fn(async (id: string) => ({ url: `https://downloads.test/originals/${id}?signature=x`, expiresAt: new Date(Date.now() + 900_000).toISOString() })),
    getMe: jest.fn(async () => ({ ownerId: 'alice', roles: [], storage: null })),
    listAlbums: jest.fn(async () => ({ items: [], nextCursor: null })),
    getAlbum: fail('getAlbum'),
    createAlbum: fail('createAlbum'),
    updateAlbum: fail('updateAlbum'),
    deleteAlbum: fail('deleteAlbum'),
    listAlbumItems: jest.fn(async () => ({ items: [], nextCursor: null })),
    addAlbumItems: fail('addAlbumItems'),
    removeAlbumItems: fail('removeAlbumItems'),
    createShare: fail('createShare'),
    listShares: jest.fn(async () => []),
    revokeShare: fail('revokeShare'),
    listReview: jest.fn(async () => ({ items: [], nextCursor: null })),
    approveMedia: fail('approveMedia'),
    rejectMedia: fail('rejectMedia'),
    ...overrides,
  } as jest.Mocked<ApiClient>;
}

/** A VisitorApi whose every method is a jest mock; pass the ones a test needs. */
export function fakeVisitor(overrides: Partial<VisitorApi> = {}): jest.Mocked<VisitorApi> {
  const fail = (name: string) => jest.fn(async () => {
    throw new Error(`unexpected visitor.${name}()`);
  });
  return {
    openShare: fail('openShare'),
    unlockShare: fail('unlockShare'),
    openSharedMedia: fail('openSharedMedia'),
    downloadSharedOriginal: fail('downloadSharedOriginal'),
    reportSharedMedia: fail('reportSharedMedia'),
    ...overrides,
  } as jest.Mocked<VisitorApi>;
}

export function albumView(overrides: Partial<AlbumView> = {}): AlbumView {
  seq += 1;
  return {
    id: `01JALBUM${String(seq).padStart(18, '0')}`,
    name: `Album ${seq}`,
    description: null,
    coverMediaId: null,
    cover: null,
    itemCount: 0,
    newestTakenAt: null,
    createdAt: '2026-11-02T10:00:00.000Z',
    updatedAt: '2026-11-02T10:00:00.000Z',
    ...overrides,
  };
}

export function shareView(overrides: Partial<ShareView> = {}): ShareView {
  seq += 1;
  return {
    id: `01JSHARE${String(seq).padStart(18, '0')}`,
    target: { type: 'album', albumId: '01JALBUM000000000000000001' },
    allowDownload: false,
    expiresAt: null,
    hasPassword: false,
    revokedAt: null,
    lastOpenedAt: null,
    createdAt: '2026-11-03T10:00:00.000Z',
    state: 'active',
    ...overrides,
  };
}

/** An item as a share link's visitor gets it: renditions with a grant in their query. */
export function sharedItem(overrides: Partial<MediaView> = {}): SharedMediaView {
  const { moderation: _m, failure: _f, progress: _p, original, ...rest } = mediaItem(overrides);
  return {
    ...rest,
    original: { size: original.size, mime: original.mime },
    renditions: rest.renditions.map((r) => ({ ...r, url: `${r.url}?grant=g1` })),
  };
}

export function reviewItem(overrides: Partial<MediaView> = {}, ownerId = 'bob'): ReviewItemView {
  return { ...mediaItem({ status: 'flagged', moderation: { verdict: 'flagged', labels: [{ name: 'violence', confidence: 0.8 }] }, ...overrides }), ownerId };
}

export function testServices(api: ApiClient = fakeApi(), visitor: VisitorApi = fakeVisitor()): Services {
  const storage = new Map<string, string>();
  const session = new Session({
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
    setCookie: () => undefined,
    secure: false,
  });
  session.signIn(fakeToken());
  return { api, visitor, session, events: new MediaEvents(), uploads: new UploadQueue({ api, put: async () => ({ etag: null }) }) };
}

export function renderWith(ui: ReactElement, services: Services = testServices()): RenderResult & { services: Services } {
  return { ...render(<ServicesProvider services={services}>{ui}</ServicesProvider>), services };
}
