// The gallery on a phone: a 390x844 touch viewport (an iPhone 12-14's CSS size) with the same
// server, library and strict CSP. Every view is checked for sideways overflow (the page wider than
// the screen, or anything cut off at its edges outside a scrolling strip), the detail view is
// swiped between items with real touch events, and the views pass axe at that size too.
import { join } from 'node:path';
import { assertAccessible } from './axe.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** What sticks out sideways on the page as it is now: empty when nothing does. */
async function overflowOf(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > width) out.push(`the page is ${document.documentElement.scrollWidth} px wide on a ${width} px screen`);
    // Only strips meant to scroll sideways (the kind tabs, wide tables) may hold what is past the
    // edge. Any other box that scrolls (a dialog's body, the detail pane: overflow-y auto makes
    // overflow-x auto too) must not be wider inside than it is.
    const SIDEWAYS = '.segmented, .table-wrap';
    const name = (el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const inStrip = (el) => el.parentElement?.closest(SIDEWAYS) != null;
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width < 2 || r.height < 2 || style.visibility === 'hidden') continue;
      if ((r.right > width + 1 || r.left < -1) && !inStrip(el)) out.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
      if (/auto|scroll/.test(style.overflowX) && !el.matches(SIDEWAYS) && el.scrollWidth > el.clientWidth + 1) out.push(`${name(el)} scrolls sideways (${el.scrollWidth} px in ${el.clientWidth})`);
    }
    return out.slice(0, 8);
  });
}

/** A horizontal swipe with touch events, through the browser's input pipeline. */
async function swipe(cdp, from, to) {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from.x, y: from.y }] });
  // Few moves: the gesture must end within the detail view's swipe time (800 ms) on a busy machine.
  for (let i = 1; i <= 3; i += 1) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: from.x + ((to.x - from.x) * i) / 3, y: from.y + ((to.y - from.y) * i) / 3 }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

/**
 * The phone steps, run with run.mjs's harness after the desktop ones (the library has photos, a
 * video, an album and items in the trash by then).
 * @param {object} o
 * @param {(name: string, fn: () => Promise<void>) => Promise<void>} o.step
 * @param {(condition: unknown, message: string) => void} o.assert
 * @param {import('playwright-core').Browser} o.browser
 * @param {string} o.baseUrl
 * @param {string} o.token the owner's bearer token
 * @param {string} o.csp the policy every document gets
 * @param {string} o.outDir where screenshots go
 * @param {(page: import('playwright-core').Page) => void} o.usePage the page a failed step's screenshot shows
 */
export async function phoneSteps({ step, assert, browser, baseUrl, token, csp, outDir, usePage }) {
  const context = await browser.newContext({ ...PHONE, colorScheme: 'light' });
  await context.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.fallback();
    const response = await route.fetch();
    return route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`phone: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) problems.push(`phone: console: ${m.text()}`);
  });
  usePage(page);
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const fits = async (view) => {
    const out = await overflowOf(page);
    assert(out.length === 0, `${view} overflows sideways on a phone:\n        ${out.join('\n        ')}`);
  };

  try {
    await step('phone (390x844, touch): the library, its tabs, filters and header fit the width', async () => {
      await page.goto(`${baseUrl}/#token=${token}`);
      await page.locator('.grid > li.tile').first().waitFor({ timeout: 15_000 });
      await fits('the library');
      await assertAccessible(page, 'phone: library', assert);
      await page.screenshot({ path: join(outDir, 'phone-library.png') });
    });

    await step('phone: the detail view fits, and a swipe left and right steps between items', async () => {
      await page.locator('.grid > li.tile').first().getByRole('button').first().click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await page.waitForTimeout(300);
      await fits('the detail view');
      const title = () => dialog.locator('#detail-title').innerText();
      const first = await title();
      const stage = await dialog.locator('[data-testid="detail-stage"]').boundingBox();
      assert(stage !== null, 'the detail view has a stage to swipe on');
      const cdp = await context.newCDPSession(page);
      const y = stage.y + stage.height / 2;
      await swipe(cdp, { x: stage.x + stage.width * 0.85, y }, { x: stage.x + stage.width * 0.15, y });
      await page.waitForFunction((t) => document.querySelector('#detail-title')?.textContent !== t, first, { timeout: 5_000 });
      const second = await title();
      await fits('the detail view after a swipe');
      await assertAccessible(page, 'phone: detail view', assert);
      await page.screenshot({ path: join(outDir, 'phone-detail.png') });
      await swipe(cdp, { x: stage.x + stage.width * 0.15, y }, { x: stage.x + stage.width * 0.85, y });
      await page.waitForFunction((t) => document.querySelector('#detail-title')?.textContent === t, first, { timeout: 5_000 });
      // A mostly vertical drag is a scroll, not a swipe: the item stays.
      await swipe(cdp, { x: stage.x + stage.width * 0.5, y: stage.y + stage.height * 0.8 }, { x: stage.x + stage.width * 0.4, y: stage.y + stage.height * 0.2 });
      await page.waitForTimeout(400);
      assert((await title()) === first, `a vertical drag left the item as it was (went from ${first} to ${await title()}; a swipe went to ${second})`);
      await dialog.getByRole('button', { name: /close/i }).first().click();
      await dialog.waitFor({ state: 'detached' });
    });

    await step('phone: the upload tray fits and leaves most of the screen to the grid', async () => {
      // Together: a failed click must not leave the chooser's wait to reject after the context closes.
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Upload', exact: true }).click()]);
      await chooser.setFiles([{ name: 'phone-note.txt', mimeType: 'text/plain', buffer: Buffer.from('notes taken on a phone\n') }]);
      const tray = page.getByRole('region', { name: 'Uploads' });
      await tray.waitFor();
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="upload-row"]')].every((r) => r.classList.contains('phase-ready')), null, { timeout: 60_000 });
      await fits('the upload tray');
      const box = await tray.boundingBox();
      assert(box !== null && box.height <= 844 * 0.5, `the tray takes at most half the screen (${box?.height} px)`);
      await assertAccessible(page, 'phone: upload tray', assert);
      await page.screenshot({ path: join(outDir, 'phone-tray.png') });
      await tray.getByRole('button', { name: 'Clear' }).click();
    });

    await step('phone: albums, an album, its share dialog, the trash, search and the cost page fit the width', async () => {
      await nav('Albums').click();
      const card = page.getByRole('list', { name: 'Your albums' }).getByRole('link').first();
      await card.waitFor({ timeout: 15_000 });
      await fits('the albums page');
      await card.click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.locator('.grid > li.tile').first().waitFor({ timeout: 15_000 });
      await fits('an album');
      await page.getByRole('button', { name: 'Share' }).click();
      const share = page.getByRole('dialog');
      await share.waitFor();
      await fits('the share dialog');
      await assertAccessible(page, 'phone: share dialog', assert);
      await page.keyboard.press('Escape');
      await share.waitFor({ state: 'detached' });
      await nav('Trash').click();
      await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
      await fits('the trash');
      await nav('Library').click();
      await page.getByRole('combobox', { name: 'Search your library' }).fill('meadow ');
      await page.waitForFunction(() => new URLSearchParams(location.search).get('q') !== null, null, { timeout: 10_000 });
      await page.waitForTimeout(500);
      await fits('search results');
      await nav('Cost').click();
      await page.getByRole('heading', { name: 'What it costs on AWS' }).waitFor();
      await fits('the cost page');
      await page.screenshot({ path: join(outDir, 'phone-cost.png'), fullPage: true });
    });

    await step('phone: the account dialog fits the width', async () => {
      await nav('Library').click();
      await page.getByRole('button', { name: 'Account' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await fits('the account dialog');
      await assertAccessible(page, 'phone: account dialog', assert);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    await step('no page errors or console errors on the phone', async () => {
      assert(problems.length === 0, problems.join('\n'));
    });
  } finally {
    await context.close().catch(() => undefined);
  }
}
