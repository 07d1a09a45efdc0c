// Issue 22 in a real browser: albums, share links (password, downloads, report, revoke) and the
// moderators' review queue. Called by run.mjs's main() after its own steps, on the same server and
// library (nine photos and the test-pattern video by then): the owner works in `page`; a visitor
// and a moderator each get a fresh browser context of their own, with no token.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { assertAccessible } from './axe.mjs';

const ALBUM = 'E2E trip';
const PHOTOS = ['harbour-dawn.jpg', 'alpine-meadow.jpg', 'desert-dusk.jpg'];
const VIDEO = 'test-pattern.mp4';
const REPORTED = 'desert-dusk.jpg';
const PASSWORD = 'sesame-e2e';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const named = (name) => new RegExp(`^${escape(name)}`);

/** The `sub` of a JWT, as the gallery reads it (unverified: only to know whose items these are). */
function subjectOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).sub;
}

/**
 * A browser context like a new person's browser: no storage, no token, the strict CSP on every
 * page, and page errors and console errors collected (expected HTTP answers left out: 401 for a
 * password, 403 for a wrong one, 404/410 for dead links).
 */
async function freshContext(browser, csp, problems, who) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: 'light' });
  await context.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.fallback();
    const response = await route.fetch();
    return route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4(01|03|04|10)/.test(m.text())) problems.push(`${who}: console: ${m.text()} @ ${m.location()?.url ?? ''}`);
  });
  return { context, page };
}

/**
 * The sharing steps, run with run.mjs's harness.
 * @param {object} o
 * @param {(name: string, fn: () => Promise<void>) => Promise<void>} o.step
 * @param {(condition: unknown, message: string) => void} o.assert
 * @param {import('playwright-core').Page} o.page the owner's page, signed in
 * @param {import('playwright-core').Browser} o.browser for the visitor's and the moderator's fresh contexts
 * @param {string} o.baseUrl where `mediaflow serve` runs
 * @param {string} o.token the owner's bearer token
 * @param {string[]} o.files the files run.mjs made (for their bytes)
 * @param {string} o.cli apps/cli/dist/mediaflow.js
 * @param {string} o.dataDir the server's data directory (for `mediaflow token`)
 * @param {string} o.csp the Content-Security-Policy every page is served with
 * @param {string} o.outDir where screenshots go
 * @param {(page: import('playwright-core').Page, tile: import('playwright-core').Locator) => Promise<{ source: string }>} o.playVideo
 * @param {(name: string) => string} o.makeVideo makes a short clip, when the library has none yet
 * @param {string[]} o.ownerProblems the owner page's errors, as run.mjs collects them
 * @param {(page: import('playwright-core').Page) => void} o.usePage the page a failed step's screenshot shows
 */
export async function sharingSteps({ step, assert, page, browser, baseUrl, token, cli, dataDir, csp, outDir, playVideo, makeVideo, ownerProblems, usePage }) {
  const problems = [];
  const ownerSeen = ownerProblems.length;
  const contexts = [];
  const links = { password: '', downloads: '' };
  let visitor;
  const tiles = (p) => p.locator('.grid > li.tile');
  const nav = (p, name) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  try {
    await step('select three photos and the video in the library and add them to a new album', async () => {
      usePage(page);
      await nav(page, 'Library').click();
      await tiles(page).first().waitFor();
      if ((await page.getByRole('button', { name: named(VIDEO) }).count()) === 0) {
        // The video step of run.mjs did not get that far: one of our own.
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Upload', exact: true }).click()]);
        await chooser.setFiles([makeVideo(VIDEO)]);
        await page.getByRole('button', { name: named(VIDEO) }).waitFor({ timeout: 120_000 });
        await page.waitForFunction((n) => document.querySelector(`.tile-button[aria-label="${n}"]`) !== null, VIDEO, { timeout: 120_000 });
      }
      await page.getByRole('button', { name: 'Select', exact: true }).click();
      for (const name of [...PHOTOS, VIDEO]) await page.getByRole('checkbox', { name: named(name) }).click();
      const bar = page.getByRole('toolbar', { name: 'Selection' });
      assert(/4 selected/.test(await bar.innerText()), 'the bar counts four');
      await page.screenshot({ path: join(outDir, 'select.png') });
      await bar.getByRole('button', { name: 'Add to album' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add to album' });
      await dialog.getByLabel('New album name').fill(ALBUM);
      await dialog.getByRole('button', { name: 'Create and add' }).click();
      const done = page.getByRole('dialog', { name: `Added to “${ALBUM}”` });
      await done.waitFor();
      assert((await done.getByRole('status').innerText()).startsWith('4 added'), 'each of the four was added');
      await done.getByRole('button', { name: 'Done' }).click();
      // Added: the selection is cleared. One of them again is reported as already there.
      assert(/0 selected/.test(await bar.innerText()), 'the selection is cleared once added');
      await page.getByRole('checkbox', { name: named(PHOTOS[0]) }).click();
      await bar.getByRole('button', { name: 'Add to album' }).click();
      await page.getByRole('dialog', { name: 'Add to album' }).getByRole('button', { name: new RegExp(escape(ALBUM)) }).click();
      const again = page.getByRole('dialog', { name: `Added to “${ALBUM}”` });
      assert(/already there/.test(await again.getByRole('status').innerText()), 'a second add says already there');
      await again.getByRole('button', { name: 'Done' }).click();
      await bar.getByRole('button', { name: 'Done' }).click();
    });

    await step('the album is listed with its cover and count, and its page shows the four items', async () => {
      await nav(page, 'Albums').click();
      const card = page.getByRole('list', { name: 'Your albums' }).getByRole('link', { name: new RegExp(escape(ALBUM)) });
      await card.waitFor();
      assert(/4 items/.test(await card.innerText()), 'four items on the card');
      await card.locator('.album-cover img').first().waitFor();
      await assertAccessible(page, 'albums', assert);
      await page.screenshot({ path: join(outDir, 'albums.png') });
      await card.click();
      await page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.grid > li.tile').length === 4, null, { timeout: 15_000 });
      await assertAccessible(page, 'album', assert);
    });

    await step('share the album: a link with a password, and one that allows downloads', async () => {
      await page.getByRole('button', { name: 'Share' }).click();
      const dialog = page.getByRole('dialog', { name: `Share “${ALBUM}”` });
      await dialog.getByText('No links yet.').waitFor();
      await dialog.getByLabel('Password (optional)').fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Create link' }).click();
      links.password = await dialog.getByLabel('Link', { exact: true }).inputValue();
      assert(links.password.startsWith(`${baseUrl}/s/`), `the full URL is shown (${links.password})`);
      await dialog.getByRole('button', { name: 'Make another link' }).click();
      await dialog.getByLabel('Allow downloads of the originals').check();
      await dialog.getByLabel('Link expires').selectOption('7d');
      await dialog.getByRole('button', { name: 'Create link' }).click();
      await page.waitForFunction((first) => {
        const value = document.querySelector('[data-testid="share-url"]')?.value;
        return value && value !== first;
      }, links.password);
      links.downloads = await dialog.getByLabel('Link', { exact: true }).inputValue();
      assert(links.downloads !== links.password, 'a second, different link');
      assert((await dialog.locator('.share-link .badge', { hasText: 'Active' }).count()) === 2, 'two active links listed');
      await assertAccessible(page, 'share dialog', assert);
      await page.screenshot({ path: join(outDir, 'share-dialog.png') });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    await step('a visitor in a fresh browser (no token, no sign-in) unlocks the link and sees the album', async () => {
      visitor = await freshContext(browser, csp, problems, 'visitor');
      contexts.push(visitor.context);
      const v = visitor.page;
      usePage(v);
      await v.goto(links.password);
      await v.getByRole('heading', { name: 'This link is protected' }).waitFor({ timeout: 15_000 });
      assert((await v.getByLabel('Access token').count()) === 0, 'no sign-in form');
      await assertAccessible(v, 'share link password', assert);
      await v.getByLabel('Password').fill('not-the-password');
      await v.getByRole('button', { name: 'Unlock' }).click();
      await v.getByText('That password is not right. Try again.').waitFor();
      await v.getByLabel('Password').fill(PASSWORD);
      await v.getByRole('button', { name: 'Unlock' }).click();
      await v.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
      await v.waitForFunction(() => document.querySelectorAll('.grid > li.tile').length === 4, null, { timeout: 15_000 });
      assert((await v.evaluate(() => localStorage.getItem('mediaflow.token'))) === null, 'the visitor holds no token');
      assert(await v.evaluate(() => Object.keys(sessionStorage).some((k) => k.startsWith('mediaflow.share-unlock.'))), 'the unlock is kept for this tab');
      // Kept: a reload does not ask again.
      await v.reload();
      await v.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
      await v.waitForFunction(() => [...document.querySelectorAll('.grid img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 15_000 });
      await assertAccessible(v, 'shared album', assert);
      await v.screenshot({ path: join(outDir, 'shared-album.png') });
    });

    await step('the visitor plays the video through hls.js with the grant on every request, and has no Download button', async () => {
      const v = visitor.page;
      const media = [];
      const onRequest = (request) => {
        if (new URL(request.url()).pathname.startsWith('/media/')) media.push(request.url());
      };
      v.on('request', onRequest);
      const state = await playVideo(v, tiles(v).filter({ has: v.getByRole('button', { name: named(VIDEO) }) }));
      v.off('request', onRequest);
      assert(state.source.startsWith('blob:'), `hls.js plays the granted stream (${state.source})`);
      const streamed = media.filter((u) => /\.(m3u8|ts|m4s|mp4)(\?|$)/.test(u));
      assert(streamed.some((u) => !/master\.m3u8/.test(u)), `variant playlists or segments were fetched (${streamed.length})`);
      const bare = media.filter((u) => !new URL(u).search);
      assert(bare.length === 0, `every media request carries the grant; without: ${bare.join(', ')}`);
      const dialog = v.getByRole('dialog');
      assert((await dialog.getByRole('link', { name: /Download/ }).count()) === 0, 'no Download button on a link without downloads');
      await v.screenshot({ path: join(outDir, 'shared-video.png') });
      await v.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    await step('the link that allows downloads shows a Download button, which downloads the original', async () => {
      const v = visitor.page;
      await v.goto(links.downloads);
      await v.getByRole('heading', { name: ALBUM, level: 1 }).waitFor({ timeout: 15_000 });
      await v.getByRole('button', { name: named(PHOTOS[0]) }).click();
      const dialog = v.getByRole('dialog');
      const link = dialog.getByRole('link', { name: 'Download', exact: true });
      await link.waitFor();
      const [download] = await Promise.all([v.waitForEvent('download'), link.click()]);
      assert(download.suggestedFilename() === PHOTOS[0], `the original downloads under its name (${download.suggestedFilename()})`);
      await v.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    await step('the visitor reports a photo: it disappears from the link', async () => {
      const v = visitor.page;
      await v.getByRole('button', { name: named(REPORTED) }).click();
      const dialog = v.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Report' }).click();
      await dialog.getByLabel('What is wrong with it? (optional)').fill('e2e: this should not be here');
      await dialog.getByRole('button', { name: 'Send report' }).click();
      await dialog.waitFor({ state: 'detached' });
      await v.getByText('The item is hidden while a moderator looks at it.', { exact: false }).waitFor();
      await v.waitForFunction(() => document.querySelectorAll('.grid > li.tile').length === 3);
      // The server agrees: not in the link any more, from either link.
      await v.reload();
      await v.waitForFunction(() => document.querySelectorAll('.grid > li.tile').length === 3, null, { timeout: 15_000 });
      assert((await v.getByRole('button', { name: named(REPORTED) }).count()) === 0, 'the reported photo is gone');
    });

    await step('the owner revokes the first link; the visitor reloading it gets "This link was revoked"', async () => {
      usePage(page);
      await page.getByRole('button', { name: 'Share' }).click();
      const dialog = page.getByRole('dialog', { name: `Share “${ALBUM}”` });
      const row = dialog.locator('.share-link', { hasText: 'Password' });
      await row.waitFor();
      await row.getByRole('button', { name: /^Revoke/ }).click();
      await row.locator('.badge', { hasText: 'Revoked' }).waitFor();
      assert((await dialog.locator('.share-link .badge', { hasText: 'Active' }).count()) === 1, 'the other link stays active');
      await page.keyboard.press('Escape');
      const v = visitor.page;
      usePage(v);
      await v.goto(links.password);
      await v.getByRole('heading', { name: 'This link was revoked' }).waitFor({ timeout: 15_000 });
      await v.screenshot({ path: join(outDir, 'shared-revoked.png') });
    });

    await step('a moderator signs in with a link in a fresh browser and approves the reported photo', async () => {
      const modToken = execFileSync(process.execPath, [cli, 'token', '--user', 'mod', '--role', 'moderator', '--data-dir', dataDir], { encoding: 'utf8', timeout: 30_000 })
        .trim()
        .split(/\s+/)
        .pop();
      assert(modToken && modToken.split('.').length === 3, 'mediaflow token printed a token');
      const moderator = await freshContext(browser, csp, problems, 'moderator');
      contexts.push(moderator.context);
      const m = moderator.page;
      usePage(m);
      await m.goto(`${baseUrl}/#token=${modToken}`);
      await nav(m, 'Review').click();
      const entry = m.getByRole('list', { name: 'Held for review' }).getByRole('listitem').filter({ has: m.getByRole('heading', { name: REPORTED }) });
      await entry.waitFor({ timeout: 15_000 });
      assert(/reported by a visitor/.test(await entry.innerText()), 'it is held because a visitor reported it');
      assert((await entry.locator('.review-owner').innerText()) === subjectOf(token), 'the owner is named');
      await entry.locator('img').first().waitFor();
      await assertAccessible(m, 'review', assert);
      await m.screenshot({ path: join(outDir, 'review.png') });
      await entry.getByRole('button', { name: `Approve ${REPORTED}` }).click();
      await m.getByText(`Approved “${REPORTED}”.`).waitFor();
      assert((await m.getByRole('heading', { name: REPORTED }).count()) === 0, 'it left the queue');
    });

    await step('the visitor sees the approved photo again through the link that still works', async () => {
      const v = visitor.page;
      usePage(v);
      await v.goto(links.downloads);
      await v.getByRole('button', { name: named(REPORTED) }).waitFor({ timeout: 15_000 });
      assert((await tiles(v).count()) === 4, 'four items again');
    });

    await step('no CSP violations, page errors or console errors for the owner, the visitor and the moderator', async () => {
      const all = [...ownerProblems.slice(ownerSeen).map((p) => `owner: ${p}`), ...problems];
      assert(all.length === 0, all.join('\n'));
    });
  } finally {
    usePage(page);
    for (const context of contexts) await context.close().catch(() => undefined);
  }
}
