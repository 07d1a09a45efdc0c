// Live status in a real browser: the page's one event stream (`GET /api/v1/events`) brings an
// upload's status changes, so the page asks nothing about the item while it processes; a small
// picture then opens in the detail view at the largest rendition it has. Called by run.mjs's main()
// after the other steps, on the same server, page and library.
import { join } from 'node:path';
import sharp from 'sharp';

const EVENTS_PATH = '/api/v1/events';
/** `GET /api/v1/media/{id}` (a ULID), not the list or an item's sub-resources. */
const ITEM_PATH = /^\/api\/v1\/media\/[0-9A-HJKMNP-TV-Z]{26}$/;

/** A small picture (smaller than the `small` size, so its thumb is all it gets), distinct from any other. */
async function smallPicture(dir, name) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160">
    <rect width="240" height="160" fill="#2d5a7b"/>
    <circle cx="170" cy="60" r="34" fill="#ffd166"/>
    <path d="M0 130 L60 90 L120 120 L180 80 L240 115 V160 H0 Z" fill="#1b3a4b"/>
    <text x="12" y="26" font-size="14" fill="#fff">${Date.now()}</text>
  </svg>`;
  const path = join(dir, name);
  await sharp(Buffer.from(svg)).png().toFile(path);
  return path;
}

/**
 * The live-status steps, run with run.mjs's harness.
 * @param {object} o
 * @param {(name: string, fn: () => Promise<void>) => Promise<void>} o.step
 * @param {(condition: unknown, message: string) => void} o.assert
 * @param {import('playwright-core').Page} o.page the owner's page, signed in
 * @param {string} o.tmp a scratch directory for the picture made here
 * @param {string} o.outDir where screenshots go
 * @param {string[]} o.ownerProblems the owner page's errors, as run.mjs collects them
 * @param {(page: import('playwright-core').Page) => void} o.usePage the page a failed step's screenshot shows
 */
export async function liveSteps({ step, assert, page, tmp, outDir, ownerProblems, usePage }) {
  const seen = ownerProblems.length;
  const requests = [];
  const onRequest = (request) => {
    const url = new URL(request.url());
    requests.push({ method: request.method(), path: url.pathname, query: url.search, type: request.resourceType() });
  };
  const streams = () => requests.filter((r) => r.path === EVENTS_PATH);
  const itemReads = () => requests.filter((r) => r.method === 'GET' && ITEM_PATH.test(r.path));
  const name = 'live-small-picture.png';
  usePage(page);
  page.on('request', onRequest);

  try {
    await step('the page opens one event stream, authorised by the mf_token cookie on its path', async () => {
      const origin = new URL(page.url()).origin;
      await page.goto(`${origin}/`);
      await page.locator('.grid > li.tile').first().waitFor({ timeout: 20_000 });
      for (let i = 0; i < 50 && streams().length === 0; i += 1) await page.waitForTimeout(100);
      assert(streams().length === 1, `one request for the stream (${JSON.stringify(streams())})`);
      assert(streams()[0].type === 'eventsource', `made by an EventSource (${streams()[0].type})`);
      const cookies = await page.context().cookies(`${origin}${EVENTS_PATH}`);
      assert(cookies.some((c) => c.name === 'mf_token' && c.path === EVENTS_PATH && c.sameSite === 'Strict'), 'mf_token cookie on the stream’s path');
      // Whose stream it is, and nothing else: never a token.
      assert(/^\?owner=[^&]+$/.test(streams()[0].query), `only the owner in the stream’s URL (${streams()[0].query})`);
    });

    await step('an upload goes to ready over the stream: no GET /api/v1/media/{id} while it processes', async () => {
      const path = await smallPicture(tmp, name);
      const before = await page.locator('.grid > li.tile').count();
      requests.length = 0;
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Upload', exact: true }).click()]);
      await chooser.setFiles([path]);
      const row = page.locator('[data-testid="upload-row"]', { hasText: name });
      await row.waitFor({ timeout: 20_000 });
      await page.locator('[data-testid="upload-row"].phase-ready', { hasText: name }).waitFor({ timeout: 120_000 });
      // The grid learns of it from the same stream (at least one tile more: a next page may load meanwhile).
      await page.waitForFunction((n) => document.querySelectorAll('.grid > li.tile').length >= n, before + 1, { timeout: 20_000 });
      await page.getByRole('button', { name: new RegExp(`^${name.replace('.', '\\.')}`) }).waitFor({ timeout: 20_000 });
      assert(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/uploads'), 'the upload was started');
      assert(itemReads().length === 0, `no item reads while it processed: ${JSON.stringify(itemReads())}`);
      assert(streams().length === 0, `still the one stream, not a new one (${JSON.stringify(streams())})`);
      await page.screenshot({ path: join(outDir, 'live-upload.png') });
      await page.getByRole('button', { name: 'Clear', exact: true }).click();
    });

    await step('the small picture opens in the detail view at its thumb, with nothing said about versions', async () => {
      await page.getByRole('button', { name: new RegExp(`^${name.replace('.', '\\.')}`) }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      const img = dialog.locator('img.viewer-img:not(.viewer-placeholder)');
      await img.waitFor({ timeout: 15_000 });
      await page.waitForFunction(() => {
        const shown = document.querySelector('.detail img.viewer-img:not(.viewer-placeholder)');
        return shown instanceof HTMLImageElement && shown.complete && shown.naturalWidth > 0;
      }, null, { timeout: 15_000 });
      const shown = await img.evaluate((i) => ({ src: i.currentSrc, width: i.naturalWidth }));
      assert(/\/thumb\.(avif|webp|jpg|png)$/.test(shown.src), `the thumb is shown (${shown.src})`);
      assert(shown.width === 240, `at the picture's own size (${shown.width})`);
      const text = await dialog.innerText();
      assert(!/not made yet|still being made/.test(text), 'nothing said about versions of a ready item');
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(outDir, 'live-small-detail.png') });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert(streams().length === 0, 'the detail view shares the page’s stream');
    });

    await step('no CSP violations, page errors or console errors during live status', async () => {
      const problems = ownerProblems.slice(seen);
      assert(problems.length === 0, problems.join('\n'));
    });
  } finally {
    page.off('request', onRequest);
    usePage(page);
  }
}
