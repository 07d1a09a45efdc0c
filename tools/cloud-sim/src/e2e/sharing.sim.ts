import type { Stage } from '../stage/stage.js';
import { settled, signIn, upload, type MediaView, type StageUser } from './client.js';
import { jpeg, mp4 } from './media.js';
import { ALICE, BOB, bringUp, MIA } from './stage-harness.js';

// Albums, share links and the moderators' review on the simulated stage, through the distribution:
// the visitor routes have no authorizer (the link token is the credential), and a visitor's media
// load with CloudFront signed URLs scoped to exactly one item of what the link shows.

const ffmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg';

interface AlbumView {
  id: string;
  name: string;
  itemCount: number;
}
interface SharedPage {
  share: { type: string; allowDownload: boolean };
  album: { name: string; itemCount: number } | null;
  items: MediaView[];
}
interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

describe('albums, share links and review on the simulated stage', () => {
  let stage: Stage;
  let alice: StageUser;
  let bob: StageUser;
  let mia: StageUser;
  let photos: MediaView[];
  let video: MediaView;
  let album: AlbumView;
  let token: string;
  let unlock: string;

  /** A visitor: no token, no cookie, only the link (and the unlock header once a password was given). */
  async function visit<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(`${stage.siteUrl}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }
  const unlocked = (): Record<string, string> => ({ 'x-share-unlock': unlock });
  const open = (t = token, headers = unlocked()) => visit<SharedPage>('GET', `/api/v1/shared/${t}`, undefined, headers);
  const rendition = (view: MediaView, format: string): string => {
    const found = view.renditions.find((r) => r.format === format);
    if (!found) throw new Error(`${view.filename} has no ${format} rendition`);
    return stage.localUrl(found.url);
  };

  beforeAll(async () => {
    stage = await bringUp();
    [alice, bob, mia] = await Promise.all([signIn(stage, ALICE.username, ALICE.password), signIn(stage, BOB.username, BOB.password), signIn(stage, MIA.username, MIA.password)]);
    const ids = await Promise.all([
      ...[21, 22, 23].map(async (seed) => upload(alice, `photo-${seed}.jpg`, await jpeg(seed), 'image/jpeg')),
      upload(alice, 'clip.mp4', await mp4(ffmpeg, 2, 4), 'video/mp4'),
    ]);
    const views = await Promise.all(ids.map((id) => settled(alice, id)));
    expect(views.map((v) => v.status)).toEqual(['ready', 'ready', 'ready', 'ready']);
    photos = views.slice(0, 3);
    video = views[3] as MediaView;
  }, 400_000);

  afterAll(async () => {
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
  });

  it('makes an album of three photos and a video, which another owner can neither read, change nor share', async () => {
    const created = await alice.api<AlbumView>('POST', '/api/v1/albums', { name: 'Weekend', description: 'Three photos and a clip' });
    expect(created.status).toBe(201);
    album = created.body;
    expect(created.headers.get('location')).toBe(`/api/v1/albums/${album.id}`);
    const added = await alice.api<{ album: AlbumView; results: Array<{ id: string; outcome: string }> }>('POST', `/api/v1/albums/${album.id}/items`, {
      mediaIds: [...photos.map((p) => p.id), video.id],
    });
    expect(added.status).toBe(200);
    expect(added.body.results.map((r) => r.outcome)).toEqual(['added', 'added', 'added', 'added']);
    expect(added.body.album.itemCount).toBe(4);

    expect((await bob.api('GET', `/api/v1/albums/${album.id}`)).status).toBe(404);
    expect((await bob.api('POST', `/api/v1/albums/${album.id}/items`, { mediaIds: [video.id] })).status).toBe(404);
    expect((await bob.api('POST', '/api/v1/shares', { target: { type: 'album', albumId: album.id } })).status).toBe(404);
    expect(((await bob.api<{ items: unknown[] }>('GET', '/api/v1/albums')).body.items)).toEqual([]);
  });

  it('shares the album with a password: a visitor without an account unlocks it and sees the four items', async () => {
    const shared = await alice.api<{ token: string; path: string; share: { hasPassword: boolean; allowDownload: boolean } }>('POST', '/api/v1/shares', {
      target: { type: 'album', albumId: album.id },
      password: 'open sesame',
    });
    expect(shared.status).toBe(201);
    expect(shared.body.share).toMatchObject({ hasPassword: true, allowDownload: false });
    token = shared.body.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(shared.body.path).toBe(`/s/${token}`);

    const locked = await open(token, {});
    expect(locked.status).toBe(401);
    expect(locked.body).toMatchObject({ code: 'password_required' });
    expect((await visit('POST', `/api/v1/shared/${token}/unlock`, { password: 'guess' })).status).toBe(403);
    const opened = await visit<{ unlock: string }>('POST', `/api/v1/shared/${token}/unlock`, { password: 'open sesame' });
    expect(opened.status).toBe(200);
    unlock = opened.body.unlock;

    const page = await open();
    expect(page.status).toBe(200);
    expect(page.body.album).toMatchObject({ name: 'Weekend', itemCount: 4 });
    expect(page.body.items.map((i) => i.id).sort()).toEqual([...photos.map((p) => p.id), video.id].sort());
    // A random token of the same shape is a plain miss.
    expect((await open('A'.repeat(43), {})).status).toBe(404);
  });

  it('serves the visitor exactly the shared items\u2019 renditions, by signed URL', async () => {
    const page = (await open()).body;
    const photo = page.items.find((i) => i.kind === 'image') as MediaView;
    const photoUrl = rendition(photo, 'webp');
    expect(new URL(photoUrl).searchParams.get('Key-Pair-Id')).toBeTruthy();
    expect((await fetch(photoUrl)).status).toBe(200);
    // Without its signature the same object is refused at the edge.
    const bare = new URL(photoUrl);
    bare.search = '';
    expect((await fetch(bare)).status).toBe(403);
    // One item's signature opens nothing of another item.
    const other = page.items.find((i) => i.kind === 'image' && i.id !== photo.id) as MediaView;
    const borrowed = new URL(rendition(other, 'webp'));
    borrowed.search = new URL(photoUrl).search;
    expect((await fetch(borrowed)).status).toBe(403);

    // The video plays: the master playlist and what it names, each with the playlist's query.
    const shared = page.items.find((i) => i.id === video.id) as MediaView;
    const master = new URL(rendition(shared, 'm3u8'));
    const playlist = await fetch(master);
    expect(playlist.status).toBe(200);
    const variant = (await playlist.text()).split('\n').find((line) => line !== '' && !line.startsWith('#'));
    expect(variant).toBeDefined();
    const variantUrl = new URL(variant ?? '', master);
    variantUrl.search = master.search;
    expect((await fetch(variantUrl)).status).toBe(200);
  });

  it('offers originals only through a link that allows downloads', async () => {
    const photo = photos[0] as MediaView;
    const refused = await visit<{ code: string }>('GET', `/api/v1/shared/${token}/media/${photo.id}/original`, undefined, unlocked());
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('download_not_allowed');

    const withDownloads = await alice.api<{ token: string }>('POST', '/api/v1/shares', { target: { type: 'album', albumId: album.id }, allowDownload: true });
    const link = await visit<{ url: string }>('GET', `/api/v1/shared/${withDownloads.body.token}/media/${photo.id}/original`);
    expect(link.status).toBe(200);
    const original = await fetch(stage.localUrl(link.body.url));
    expect(original.status).toBe(200);
    expect(original.headers.get('content-disposition')).toContain('attachment');
  });

  it('hides a reported photo until a moderator approves it; only a moderator may', async () => {
    const photo = photos[1] as MediaView;
    expect((await visit('POST', `/api/v1/shared/${token}/media/${photo.id}/report`, { reason: 'not mine' }, unlocked())).status).toBe(202);
    expect((await open()).body.items.map((i) => i.id)).not.toContain(photo.id);

    expect((await alice.api('GET', '/api/v1/review')).status).toBe(403);
    expect((await alice.api('POST', `/api/v1/review/${encodeURIComponent(await ownerOf(alice))}/${photo.id}/approve`)).status).toBe(403);
    const queue = await mia.api<{ items: Array<MediaView & { ownerId: string }> }>('GET', '/api/v1/review');
    expect(queue.status).toBe(200);
    const held = queue.body.items.find((i) => i.id === photo.id);
    expect(held).toBeDefined();
    // The moderator sees the held photo itself, with a grant for that one item.
    expect((await fetch(rendition(held as MediaView, 'webp'))).status).toBe(200);
    const approved = await mia.api<MediaView>('POST', `/api/v1/review/${held?.ownerId}/${photo.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('ready');
    expect((await open()).body.items.map((i) => i.id)).toContain(photo.id);
  });

  it('answers 410 once the link is revoked', async () => {
    const links = await alice.api<{ items: Array<{ id: string; state: string }> }>('GET', `/api/v1/shares?albumId=${album.id}`);
    expect(links.body.items.map((l) => l.state)).toEqual(['active', 'active']);
    const passworded = links.body.items[links.body.items.length - 1] as { id: string };
    expect((await alice.api('DELETE', `/api/v1/shares/${passworded.id}`)).status).toBe(204);
    const gone = await open();
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ code: 'link_revoked' });
  });

  it('refused no AWS call of any function', async () => {
    await stage.idle();
    const denied = stage.permissionsReport().flatMap((role) => role.denied.map((d) => `${role.roleName}: ${d.action} ${d.resource}`));
    expect(denied).toEqual([]);
  });
});

/** The caller's owner id, as `GET /api/v1/me` says. */
async function ownerOf(user: StageUser): Promise<string> {
  return (await user.api<{ ownerId: string }>('GET', '/api/v1/me')).body.ownerId;
}
