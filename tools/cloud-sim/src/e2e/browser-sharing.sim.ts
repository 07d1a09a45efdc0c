import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import type { Stage } from '../stage/stage.js';
import { settled, signIn, upload, type MediaView, type StageUser } from './client.js';
import { jpeg, mp4 } from './media.js';
import { launchStageBrowser, signInAs, watchPage } from './stage-browser.js';
import { ALICE, bringUp, MIA, throughEdge } from './stage-harness.js';

// The share-link flow of the gallery in Debian's Chromium against the simulated stage, at the
// stage's own HTTPS names (as browser.sim.ts): Alice sets up an album and its links through the API;
// a visitor with no account opens them in a fresh browser context, unlocks one with its password,
// sees the photos and plays the video from CloudFront with per-item signed URLs, is told when the
// link is revoked, and reports a photo on another link; Mia, a moderator, approves it on the
// Review page and the visitor sees it again.
const ffmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg';
const ALBUM = 'Weekend in the hills';
const PASSWORD = 'open sesame';
const PHOTOS = ['hills-1.jpg', 'hills-2.jpg', 'hills-3.jpg'] as const;
const CLIP = 'hills.mp4';
const REPORTED = 'hills-2.jpg';

interface ShareCreated {
  share: { id: string; allowDownload: boolean; hasPassword: boolean };
  token: string;
  path: string;
}
/** A request the page made for `/media/*` at the distribution, and what it was answered. */
interface MediaRequest {
  url: URL;
  status: number | null;
}
/** A failed API call the test causes on purpose: Chromium logs it as a console error. */
interface ExpectedFailure {
  status: number;
  url: string;
}

describe('share links of the gallery in a browser against the simulated stage', () => {
  let stage: Stage;
  let browser: Browser;
  let alice: StageUser;
  let albumId: string;
  let passworded: ShareCreated;
  let downloadable: ShareCreated;
  let visitor: Page;
  let moderator: Page;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const expectedFailures: ExpectedFailure[] = [];
  /** The expected failures that were logged, as `status url`. */
  const seenExpected: string[] = [];
  const media: MediaRequest[] = [];
  const mediaByRequest = new Map<Request, MediaRequest>();

  const failedLoad = /^Failed to load resource: the server responded with a status of (\d{3}) \(.*\)$/;
  /** Whether a console error is one of the expected failures (then noted in `seenExpected`). */
  function expectedFailure(text: string, url: string): boolean {
    const status = failedLoad.exec(text)?.[1];
    if (!status || !expectedFailures.some((f) => String(f.status) === status && f.url === url)) return false;
    seenExpected.push(`${status} ${url}`);
    return true;
  }

  /** A fresh context (no token, no cookie, no storage) with one page whose problems are collected. */
  async function freshPage(who: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, acceptDownloads: true });
    contexts.push(context);
    await context.exposeFunction('mfCspViolation', (detail: string) => problems.push(`${who}: CSP violation: ${detail}`));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { mfCspViolation: (detail: string) => void }).mfCspViolation;
        void report(`${event.effectiveDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`);
      });
    });
    const page = await context.newPage();
    watchPage(page, problems, { who, expected: expectedFailure });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== stage.publicSiteUrl || !url.pathname.startsWith('/media/')) return;
      const entry: MediaRequest = { url, status: null };
      media.push(entry);
      mediaByRequest.set(request, entry);
    });
    page.on('response', (response) => {
      const entry = mediaByRequest.get(response.request());
      if (entry) entry.status = response.status();
    });
    page.on('requestfailed', (request) => {
      // A request the page itself cancelled (a player destroyed, a page reloaded) is not a failure.
      const error = request.failure()?.errorText;
      if (new URL(request.url()).pathname.startsWith('/media/') && error !== 'net::ERR_ABORTED') problems.push(`${who}: ${request.url()} failed: ${error}`);
    });
    return page;
  }

  const tiles = (page: Page): Locator => page.locator('.grid > li.tile');
  // A tile is named by its caption, then what its badges say ("hills.mp4, video 0:04").
  const tileNamed = (page: Page, name: string): Locator => tiles(page).getByRole('button', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(,|$)`) });
  const tileCount = (page: Page, n: number): Promise<unknown> =>
    page.waitForFunction((count) => document.querySelectorAll('.grid > li.tile').length === count, n, { timeout: 30_000 });
  /** Resolves when every image under `selector` has loaded (decoded, with a width), and there are `count` of them. */
  const imagesLoaded = (page: Page, selector: string, count: number): Promise<unknown> =>
    page.waitForFunction(
      ([css, n]) => {
        const images = [...document.querySelectorAll<HTMLImageElement>(css)];
        return images.length === n && images.every((i) => i.complete && i.naturalWidth > 0);
      },
      [selector, count] as const,
      { timeout: 30_000 },
    );
  const signed = (url: string): boolean => ['Policy', 'Signature', 'Key-Pair-Id'].every((p) => new URL(url).searchParams.has(p));
  const openLink = (page: Page, share: ShareCreated) => page.goto(`${stage.publicSiteUrl}${share.path}`);
  const sharedApi = (share: ShareCreated): string => `${stage.publicSiteUrl}/api/v1/shared/${share.token}`;
  async function closeDialog(page: Page): Promise<void> {
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  }

  beforeAll(async () => {
    stage = await bringUp(undefined, { https: true });
    const edge = stage.edge;
    if (!edge) throw new Error('the stage has no HTTPS edge');
    browser = await launchStageBrowser(edge, ['--autoplay-policy=no-user-gesture-required']);

    alice = await signIn(stage, ALICE.username, ALICE.password);
    const [images, clip] = await Promise.all([Promise.all(PHOTOS.map((_, i) => jpeg(31 + i, 1280, 860))), mp4(ffmpeg, 4, 7)]);
    const ids = await throughEdge(edge, () =>
      Promise.all([...PHOTOS.map((name, i) => upload(alice, name, images[i] ?? Buffer.alloc(0), 'image/jpeg')), upload(alice, CLIP, clip, 'video/mp4')]),
    );
    const views: MediaView[] = await Promise.all(ids.map((id) => settled(alice, id, 300_000)));
    expect(views.map((v) => `${v.filename} ${v.status}`)).toEqual([...PHOTOS, CLIP].map((name) => `${name} ready`));

    const album = await alice.api<{ id: string }>('POST', '/api/v1/albums', { name: ALBUM });
    expect(album.status).toBe(201);
    albumId = album.body.id;
    const added = await alice.api<{ album: { itemCount: number } }>('POST', `/api/v1/albums/${albumId}/items`, { mediaIds: ids });
    expect(added.status).toBe(200);
    expect(added.body.album.itemCount).toBe(4);
    const shared = await alice.api<ShareCreated>('POST', '/api/v1/shares', { target: { type: 'album', albumId }, password: PASSWORD });
    expect(shared.status).toBe(201);
    expect(shared.body.share).toMatchObject({ hasPassword: true, allowDownload: false });
    passworded = shared.body;

    visitor = await freshPage('visitor');
  }, 400_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
  });

  it('asks a visitor with no account for the password, then shows the album with its four tiles loaded from signed URLs', async () => {
    expect(await visitor.context().cookies()).toEqual([]);
    // Without the password the API says 401 password_required; the page asks for it.
    expectedFailures.push({ status: 401, url: sharedApi(passworded) });
    const locked = visitor.waitForResponse((r) => r.url() === sharedApi(passworded));
    const response = await openLink(visitor, passworded);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("connect-src 'self'");
    expect((await locked).status()).toBe(401);
    await visitor.getByRole('heading', { name: 'This link is protected' }).waitFor({ timeout: 30_000 });
    await visitor.getByLabel('Password').fill(PASSWORD);
    await visitor.getByRole('button', { name: 'Unlock' }).click();

    await visitor.getByRole('heading', { level: 1, name: ALBUM }).waitFor({ timeout: 30_000 });
    await tileCount(visitor, 4);
    await visitor.getByText('4 items', { exact: true }).waitFor();
    expect(await visitor.getByText(/downloads allowed/).count()).toBe(0);
    await imagesLoaded(visitor, '.grid > li.tile img', 4);
    const sources = await visitor.locator('.grid > li.tile img').evaluateAll((images) => images.map((i) => (i as HTMLImageElement).currentSrc));
    for (const source of sources) {
      expect(new URL(source).origin).toBe(stage.publicSiteUrl);
      expect(new URL(source).pathname).toMatch(/^\/media\/renditions\//);
      expect(signed(source)).toBe(true);
    }
    // Each item has its own grant.
    expect(new Set(sources.map((s) => new URL(s).searchParams.get('Signature'))).size).toBe(4);
  });

  it('shows a photo large with no Download button (the link allows none)', async () => {
    await tileNamed(visitor, PHOTOS[0]).click();
    const dialog = visitor.getByRole('dialog');
    await dialog.getByRole('heading', { name: PHOTOS[0] }).waitFor();
    await imagesLoaded(visitor, '.viewer-img:not(.viewer-placeholder)', 1);
    expect(signed(await visitor.locator('.viewer-img:not(.viewer-placeholder)').evaluate((i) => (i as HTMLImageElement).currentSrc))).toBe(true);
    await dialog.getByRole('button', { name: 'Report' }).waitFor();
    expect(await dialog.getByRole('link', { name: /Download/ }).count()).toBe(0);
    await closeDialog(visitor);
  });

  it('plays the video as HLS through hls.js, the grant carried to every playlist and segment', async () => {
    await tileNamed(visitor, CLIP).click();
    const dialog = visitor.getByRole('dialog');
    const video = dialog.locator('video');
    await video.waitFor();
    await visitor.waitForFunction(() => ((document.querySelector('.detail video') as HTMLVideoElement | null)?.readyState ?? 0) >= 2, null, { timeout: 30_000 });
    await video.evaluate((v) => {
      const element = v as HTMLVideoElement;
      element.muted = true;
      return element.play();
    });
    await visitor.waitForFunction(() => ((document.querySelector('.detail video') as HTMLVideoElement | null)?.currentTime ?? 0) > 1, null, { timeout: 30_000 });
    const state = await video.evaluate((v) => ({ source: (v as HTMLVideoElement).currentSrc, width: (v as HTMLVideoElement).videoWidth, paused: (v as HTMLVideoElement).paused }));
    expect(state.width).toBeGreaterThan(0);
    // Media Source Extensions: hls.js, not a native player (which would drop the grant).
    expect(state.source).toMatch(/^blob:/);
    expect(await dialog.getByRole('link', { name: /Download/ }).count()).toBe(0);

    const hls = media.filter((m) => /\.(m3u8|ts)$/.test(m.url.pathname));
    expect(hls.filter((m) => m.url.pathname.endsWith('/master.m3u8')).length).toBeGreaterThanOrEqual(1);
    expect(hls.filter((m) => m.url.pathname.endsWith('.m3u8') && !m.url.pathname.endsWith('/master.m3u8')).length).toBeGreaterThanOrEqual(1);
    expect(hls.filter((m) => m.url.pathname.endsWith('.ts')).length).toBeGreaterThanOrEqual(1);
    expect(hls.filter((m) => !m.url.searchParams.has('Key-Pair-Id') || m.status !== 200).map((m) => `${m.status} ${m.url.pathname}`)).toEqual([]);
    await closeDialog(visitor);
    // Every rendition the page asked for so far went with a grant, and none was refused.
    expect(media.filter((m) => !m.url.searchParams.has('Key-Pair-Id')).map((m) => m.url.pathname)).toEqual([]);
    expect(media.filter((m) => m.status === 403).map((m) => m.url.pathname)).toEqual([]);
  });

  it('tells the visitor the link was revoked once Alice revokes it (the API answers 410)', async () => {
    expect((await alice.api('DELETE', `/api/v1/shares/${passworded.share.id}`)).status).toBe(204);
    expectedFailures.push({ status: 410, url: sharedApi(passworded) });
    const gone = visitor.waitForResponse((r) => r.url() === sharedApi(passworded));
    await visitor.reload();
    const answer = await gone;
    expect(answer.status()).toBe(410);
    expect(await answer.json()).toMatchObject({ code: 'link_revoked' });
    const alert = visitor.getByRole('alert');
    await alert.getByRole('heading', { name: 'This link was revoked' }).waitFor({ timeout: 30_000 });
    await alert.getByText('The person who shared it has turned it off. Ask them for a new link.').waitFor();
    expect(await tiles(visitor).count()).toBe(0);
  });

  it('hides a photo the visitor reports on another link of the album', async () => {
    const shared = await alice.api<ShareCreated>('POST', '/api/v1/shares', { target: { type: 'album', albumId }, allowDownload: true });
    expect(shared.status).toBe(201);
    downloadable = shared.body;
    await openLink(visitor, downloadable);
    await visitor.getByRole('heading', { level: 1, name: ALBUM }).waitFor({ timeout: 30_000 });
    await tileCount(visitor, 4);
    await visitor.getByText('4 items · downloads allowed', { exact: true }).waitFor();

    await tileNamed(visitor, REPORTED).click();
    const dialog = visitor.getByRole('dialog');
    await dialog.getByRole('heading', { name: REPORTED }).waitFor();
    await dialog.getByRole('button', { name: 'Report' }).click();
    const form = dialog.getByRole('form', { name: 'Report this item' });
    await form.getByLabel('What is wrong with it? (optional)').fill('I am in this photo and did not agree to it being shared');
    const reported = visitor.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/report`));
    await form.getByRole('button', { name: 'Send report' }).click();
    expect((await reported).status()).toBe(202);
    await visitor.getByRole('status').getByText('Thank you. The item is hidden while a moderator looks at it.').waitFor();
    await dialog.waitFor({ state: 'detached' });
    await tileCount(visitor, 3);

    await visitor.reload();
    await visitor.getByRole('heading', { level: 1, name: ALBUM }).waitFor({ timeout: 30_000 });
    await tileCount(visitor, 3);
    expect(await tileNamed(visitor, REPORTED).count()).toBe(0);
    await imagesLoaded(visitor, '.grid > li.tile img', 3);
  });

  it('shows Mia, a moderator, the held photo of another owner on the Review page; she approves it', async () => {
    moderator = await freshPage('moderator');
    await signInAs(moderator, stage, MIA);
    await moderator.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review' }).click();
    await moderator.waitForURL((url) => url.pathname === '/review');
    await moderator.getByRole('heading', { level: 1, name: 'Review' }).waitFor();
    const held = moderator.getByRole('list', { name: 'Held for review' }).getByRole('listitem').filter({ has: moderator.getByRole('heading', { name: REPORTED }) });
    await held.waitFor({ timeout: 30_000 });
    await held.getByText('Reported by visitors of a share link once.').waitFor();
    await imagesLoaded(moderator, '.review-item img', 1);
    // Alice's photo, by a grant in its URL: Mia's own media cookies cover only her own items.
    const thumb = new URL(await held.locator('img').evaluate((i) => (i as HTMLImageElement).currentSrc));
    expect(signed(thumb.href)).toBe(true);
    const aliceId = (await alice.api<{ ownerId: string }>('GET', '/api/v1/me')).body.ownerId;
    expect(await held.locator('.review-owner').textContent()).toBe(aliceId);
    expect(thumb.pathname.startsWith(`/media/renditions/${aliceId}/`)).toBe(true);

    // Large, in the dialog: the same grant opens the bigger renditions.
    await held.getByRole('button', { name: `Show ${REPORTED} large` }).click();
    const dialog = moderator.getByRole('dialog');
    await dialog.getByRole('heading', { name: REPORTED }).waitFor();
    await imagesLoaded(moderator, '.viewer-img:not(.viewer-placeholder)', 1);
    const approved = moderator.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/approve'));
    await dialog.getByRole('button', { name: `Approve ${REPORTED}` }).click();
    expect((await approved).status()).toBe(200);
    await dialog.waitFor({ state: 'detached' });
    await moderator.getByRole('status').getByText(`Approved “${REPORTED}”.`).waitFor();
    await moderator.getByRole('heading', { name: 'Nothing to review' }).waitFor();
  });

  it('shows the visitor the approved photo again, with a Download button on this link', async () => {
    await visitor.reload();
    await visitor.getByRole('heading', { level: 1, name: ALBUM }).waitFor({ timeout: 30_000 });
    await tileCount(visitor, 4);
    await imagesLoaded(visitor, '.grid > li.tile img', 4);
    await tileNamed(visitor, REPORTED).click();
    const dialog = visitor.getByRole('dialog');
    await dialog.getByRole('heading', { name: REPORTED }).waitFor();
    await imagesLoaded(visitor, '.viewer-img:not(.viewer-placeholder)', 1);
    const download = dialog.getByRole('link', { name: 'Download' });
    await download.waitFor({ timeout: 30_000 });
    const href = await download.getAttribute('href');
    expect(new URL(href ?? '').hostname).toMatch(/\.s3\.us-east-1\.amazonaws\.com$/);
    await closeDialog(visitor);
  });

  it('loaded every rendition with a grant, had no problem but the failures it caused, and no call was refused', async () => {
    expect(media.length).toBeGreaterThan(0);
    expect(media.filter((m) => !m.url.searchParams.has('Key-Pair-Id') || m.status === 403).map((m) => `${m.status} ${m.url.pathname}`)).toEqual([]);
    expect(problems).toEqual([]);
    // The two failures it caused, each logged once: the locked link before the password, the revoked one.
    expect(seenExpected).toEqual([`401 ${sharedApi(passworded)}`, `410 ${sharedApi(passworded)}`]);
    await stage.idle();
    const denied = stage.permissionsReport().flatMap((role) => role.denied.map((d) => `${role.roleName}: ${d.action} ${d.resource}`));
    expect(denied).toEqual([]);
    expect(stage.events.filter((e) => e.kind === 'denied' || e.kind === 'dead-letter')).toEqual([]);
  });
});
