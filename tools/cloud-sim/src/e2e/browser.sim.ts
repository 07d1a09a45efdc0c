import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stage } from '../stage/stage.js';
import { jpeg, mp4, pdf, wav } from './media.js';
import { launchStageBrowser, signInAs, watchPage } from './stage-browser.js';
import { ALICE, BOB, bringUp } from './stage-harness.js';

// The gallery in Debian's Chromium against the simulated stage, every URL the one AWS would use:
// the page at https://d….cloudfront.net under the distribution's CSP, sign-in on the hosted
// domain, uploads straight to https://bucket.s3.region.amazonaws.com with the presigned URLs the
// API function made. The stage's HTTPS edge answers for those names; Chromium reaches it through
// --host-resolver-rules and accepts exactly its certificate (by public key).
const ffmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg';
const TAG = 'sim holiday';
const READY_MS = 240_000;

describe('the gallery in a browser against the simulated stage', () => {
  let stage: Stage;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'mf-sim-browser-'));
  const files: Record<string, string> = {};

  const tiles = (): ReturnType<Page['locator']> => page.locator('.grid > li.tile');
  const tileCount = (n: number): Promise<unknown> =>
    page.waitForFunction((count) => document.querySelectorAll('.grid > li.tile').length === count, n, { timeout: 30_000 });
  const tileNamed = (name: string): ReturnType<Page['locator']> => tiles().filter({ has: page.getByRole('button', { name: new RegExp(`^${name.replace('.', '\\.')}`) }) });

  beforeAll(async () => {
    files['photo.jpg'] = join(dir, 'photo.jpg');
    writeFileSync(files['photo.jpg'], await jpeg(7, 1280, 860));
    files['clip.mp4'] = join(dir, 'clip.mp4');
    writeFileSync(files['clip.mp4'], await mp4(ffmpeg, 3, 5));
    files['tone.wav'] = join(dir, 'tone.wav');
    writeFileSync(files['tone.wav'], await wav(ffmpeg));
    files['notes.pdf'] = join(dir, 'notes.pdf');
    writeFileSync(files['notes.pdf'], pdf('Notes from the browser'));
    // Past the 64 MiB single-PUT limit: the gallery sends it in parts, each to its own presigned URL.
    files['archive.bin'] = join(dir, 'archive.bin');
    writeFileSync(files['archive.bin'], Buffer.concat([Buffer.from('MFSIM'), Buffer.alloc(65 * 1024 * 1024, 9)]));

    stage = await bringUp(undefined, { https: true });
    const edge = stage.edge;
    if (!edge) throw new Error('the stage has no HTTPS edge');
    browser = await launchStageBrowser(edge);
    context = await browser.newContext({ viewport: { width: 1360, height: 860 }, acceptDownloads: true });
    page = await context.newPage();
    watchPage(page, problems);
  }, 600_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the gallery at the distribution name under its CSP and signs in on the hosted domain', async () => {
    const response = await page.goto(`${stage.publicSiteUrl}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/connect-src 'self' https:\/\/\S+\.amazoncognito\.com https:\/\/\S+\.s3\.us-east-1\.amazonaws\.com/);
    expect(response?.headers()['strict-transport-security']).toContain('max-age=');
    await signInAs(page, stage, ALICE);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor({ timeout: 30_000 });
  });

  it('uploads an image, a video, an audio file, a PDF and a 65 MiB file straight to the bucket; all become ready', async () => {
    const bucketCalls: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.hostname.endsWith('.amazonaws.com')) bucketCalls.push(`${request.method()} ${url.hostname} ${url.searchParams.has('partNumber') ? 'part' : 'object'}`);
    });
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload' }).click();
    await (await chooser).setFiles(Object.values(files));
    await page.waitForFunction(
      (count) => {
        const rows = [...document.querySelectorAll('[data-testid="upload-row"]')];
        return rows.length === count && rows.every((row) => row.classList.contains('phase-ready'));
      },
      Object.keys(files).length,
      { timeout: READY_MS },
    );
    await tileCount(5);
    expect(bucketCalls.filter((c) => c.startsWith('PUT')).length).toBeGreaterThanOrEqual(6);
    expect(bucketCalls.some((c) => c.endsWith('part'))).toBe(true);
    expect(new Set(bucketCalls.map((c) => c.split(' ')[1])).size).toBe(1);
    expect(bucketCalls[0]).toMatch(/\.s3\.us-east-1\.amazonaws\.com/);
    await page.getByRole('button', { name: 'Clear' }).click();
  });

  it('shows the photo and its renditions from /media, with AI tags', async () => {
    await page.waitForFunction(() => [...document.querySelectorAll('.grid img')].every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0), null, { timeout: 30_000 });
    await tileNamed('photo.jpg').getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('.viewer-img:not(.viewer-placeholder)') as HTMLImageElement | null;
      return img !== null && img.complete && img.naturalWidth > 0;
    }, null, { timeout: 30_000 });
    const source = await page.locator('.viewer-img:not(.viewer-placeholder)').evaluate((img) => (img as HTMLImageElement).currentSrc);
    expect(new URL(source).origin).toBe(stage.publicSiteUrl);
    expect(new URL(source).pathname).toMatch(/^\/media\/renditions\//);
    await dialog.getByRole('heading', { name: /Suggested by AI/ }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('plays the video as HLS through CloudFront', async () => {
    await tileNamed('clip.mp4').getByRole('button').click();
    const video = page.getByRole('dialog').locator('video');
    await video.waitFor();
    await video.evaluate((v) => {
      const element = v as HTMLVideoElement;
      element.muted = true;
      return element.play();
    });
    await page.waitForFunction(() => ((document.querySelector('.detail video') as HTMLVideoElement | null)?.readyState ?? 0) >= 2, null, { timeout: 30_000 });
    const state = await video.evaluate((v) => ({ source: (v as HTMLVideoElement).currentSrc, width: (v as HTMLVideoElement).videoWidth }));
    expect(state.width).toBeGreaterThan(0);
    expect(state.source.startsWith('blob:') || state.source.endsWith('.m3u8')).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('downloads every original from the bucket by presigned link, byte for byte, under its name', async () => {
    for (const [name, label] of [
      ['photo.jpg', 'Original'],
      ['clip.mp4', 'Original'],
      ['tone.wav', 'Original'],
      ['notes.pdf', 'Download'],
      ['archive.bin', 'Download'],
    ] as const) {
      await tileNamed(name).getByRole('button').click();
      const dialog = page.getByRole('dialog');
      const link = dialog.getByRole('link', { name: label, exact: true });
      await link.waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(new URL(download.url()).hostname).toMatch(/\.s3\.us-east-1\.amazonaws\.com$/);
      expect(download.suggestedFilename()).toBe(name);
      const path = await download.path();
      expect(readFileSync(path).equals(readFileSync(files[name] ?? ''))).toBe(true);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
  });

  it('tags an item, filters by the tag, and deletes the PDF', async () => {
    await tileNamed('photo.jpg').getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Add a tag').fill(TAG);
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByText('Saved', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('group', { name: 'Tags' }).getByRole('button', { name: new RegExp(`^${TAG} 1$`) }).click();
    await tileCount(1);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await tileCount(5);

    await tileNamed('notes.pdf').getByRole('button').click();
    await dialog.getByRole('link', { name: 'Download' }).waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Move to trash' }).click();
    await tileCount(4);
    // The detail view closes on Escape; a key pressed while the confirmation is still closing goes to
    // that, so press again until no dialog is left over the page.
    for (let attempt = 0; attempt < 3 && (await page.getByRole('dialog').count()) > 0; attempt += 1) {
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
    }
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('shows another user, signed in on the same browser, none of it', async () => {
    // Sign-out revokes the refresh token before it leaves for the hosted /logout: wait for the way back.
    const back = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().redirectedFrom() !== null && new URL(r.url()).origin === stage.publicSiteUrl, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await back;
    // Back on the gallery, signed out and settled: a navigation started before would interrupt the next one.
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Sign in' }).first().waitFor({ timeout: 30_000 });
    await signInAs(page, stage, BOB);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor({ timeout: 30_000 });
  });

  it('ran with no CSP violation, page error or console error, and no call the roles refused', () => {
    expect(problems).toEqual([]);
    expect(stage.events.filter((e) => e.kind === 'denied' || e.kind === 'dead-letter')).toEqual([]);
  });
});
