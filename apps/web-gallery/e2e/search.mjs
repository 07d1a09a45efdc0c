// Search and the timeline in a real browser. Called by run.mjs's main() after the sharing steps, on
// the same server and library (by then: nine photos, one of them titled "Golden hour" and tagged
// "e2e holiday", and the test-pattern video). These steps add photos with EXIF capture dates in
// older months (made here with sharp), so the timeline has somewhere to jump to.
import { join } from 'node:path';
import sharp from 'sharp';
import { assertAccessible } from './axe.mjs';

/** Photos taken long before the run: three in March 2019, one in July 2021 (EXIF DateTimeOriginal). */
const OLD_PHOTOS = [
  { name: 'pier-morning-2019.jpg', taken: '2019:03:14 09:12:00', colors: ['#355c7d', '#c06c84'] },
  { name: 'market-noon-2019.jpg', taken: '2019:03:09 12:30:00', colors: ['#f2994a', '#f2c94c'] },
  { name: 'harbour-night-2019.jpg', taken: '2019:03:02 21:45:00', colors: ['#141e30', '#243b55'] },
  { name: 'meadow-july-2021.jpg', taken: '2021:07:14 16:05:00', colors: ['#56ab2f', '#a8e063'] },
];
const SEARCH_URL = '/api/v1/search';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const named = (name) => new RegExp(`^${escape(name)}`);

/** A plain picture (a gradient and a disc) with a capture date and a camera in its EXIF. */
async function photo(dir, { name, taken, colors }, seed) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colors[0]}"/><stop offset="1" stop-color="${colors[1]}"/></linearGradient></defs>
    <rect width="1200" height="800" fill="url(#g)"/>
    <circle cx="${300 + seed * 180}" cy="${250 + seed * 60}" r="${110 + seed * 15}" fill="#fff6d5" opacity="0.85"/>
  </svg>`;
  const path = join(dir, name);
  await sharp(Buffer.from(svg))
    .jpeg({ quality: 85 })
    .withExif({ IFD0: { Make: 'Canon', Model: 'EOS 5D Mark IV' }, IFD2: { DateTimeOriginal: taken, OffsetTimeOriginal: '+00:00' } })
    .toFile(path);
  return path;
}

/**
 * The search and timeline steps, run with run.mjs's harness.
 * @param {object} o
 * @param {(name: string, fn: () => Promise<void>) => Promise<void>} o.step
 * @param {(condition: unknown, message: string) => void} o.assert
 * @param {import('playwright-core').Page} o.page the owner's page, signed in
 * @param {string} o.tmp a scratch directory for the photos made here
 * @param {string} o.outDir where screenshots go
 * @param {string[]} o.ownerProblems the owner page's errors, as run.mjs collects them
 * @param {(page: import('playwright-core').Page) => void} o.usePage the page a failed step's screenshot shows
 */
export async function searchSteps({ step, assert, page, tmp, outDir, ownerProblems, usePage }) {
  const seen = ownerProblems.length;
  const box = page.getByRole('combobox', { name: 'Search your library' });
  const tiles = page.locator('.grid > li.tile');
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const searches = [];
  const onRequest = (request) => {
    if (new URL(request.url()).pathname === SEARCH_URL) searches.push(request.url());
  };
  usePage(page);
  page.on('request', onRequest);

  try {
    await step('upload photos taken in 2019 and 2021 (EXIF dates): the grid files them under those months, by date taken', async () => {
      await nav('Library').click();
      await tiles.first().waitFor();
      const before = await tiles.count();
      const files = [];
      for (const [i, p] of OLD_PHOTOS.entries()) files.push(await photo(tmp, p, i));
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Upload', exact: true }).click()]);
      await chooser.setFiles(files);
      await page.waitForFunction((n) => {
        const rows = [...document.querySelectorAll('[data-testid="upload-row"]')];
        return rows.length === n && rows.every((r) => r.classList.contains('phase-ready'));
      }, OLD_PHOTOS.length, { timeout: 120_000 });
      await page.getByRole('button', { name: 'Clear', exact: true }).click();
      await page.waitForFunction((n) => document.querySelectorAll('.grid > li.tile').length === n, before + OLD_PHOTOS.length, { timeout: 20_000 });
      // Newest taken first: this month's uploads on top, the old photos under their own months.
      const months = await page.locator('.month-heading').allInnerTexts();
      assert(months.length >= 3 && /2019/.test(months.at(-1) ?? ''), `month headers newest first, 2019 last (${months.join(' | ')})`);
      const march = page.locator('.month-group', { has: page.locator('.month-heading', { hasText: /2019/ }) });
      assert((await march.locator('.day-heading').count()) === 3, 'three day headers in March 2019');
      assert((await march.locator('li.tile').count()) === 3, 'the three March 2019 photos are there');
    });

    await step('type four letters of a file name: the item is found as you type, "in file name", and a reload keeps the search', async () => {
      searches.length = 0;
      await box.click();
      await box.pressSequentially('alpi', { delay: 60 });
      const hit = page.getByRole('button', { name: named('alpine-meadow.jpg') });
      await hit.waitFor({ timeout: 15_000 });
      await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'alpi');
      // The photo is in the whole library too: wait for the search's own answer, which says where it matched.
      const tile = tiles.filter({ has: hit }).filter({ hasText: /in file name/ });
      await tile.waitFor({ timeout: 15_000 });
      // Debounced: one search for the word, not one per key.
      const asked = searches.map((u) => new URL(u).searchParams.get('q')).filter(Boolean);
      assert(asked.includes('alpi') && asked.length <= 2, `searched once typing paused (${asked.join(', ')})`);
      assert((await tiles.count()) === 1, `only the matching item (${await tiles.count()})`);
      await page.mouse.move(0, 0);
      await assertAccessible(page, 'search results', assert);
      await page.screenshot({ path: join(outDir, 'search-filename.png') });
      await page.reload();
      await hit.waitFor({ timeout: 15_000 });
      assert((await box.inputValue()) === 'alpi', 'the search box shows the words again after a reload');
    });

    await step('search a plural of a tag ("holidays"): the server folds it and finds the tagged item', async () => {
      await box.fill('');
      await box.click();
      await box.pressSequentially('holidays', { delay: 40 });
      // The whole library shows while the box is empty: wait for the search's own answer.
      await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'holidays');
      const golden = tiles.filter({ has: page.getByRole('button', { name: /^Golden hour/ }) }).filter({ hasText: /in tag/ });
      await golden.waitFor({ timeout: 15_000 });
      assert((await tiles.count()) === 1, `only the tagged item (${await tiles.count()})`);
    });

    await step('search a synonym ("kitty" for a photo its owner tagged "cat"): found through the canonical word', async () => {
      // The tag is set through the API, as the detail view's editor would; AI labels fold the same way.
      const tagged = await page.evaluate(async () => {
        const auth = { authorization: `Bearer ${localStorage.getItem('mediaflow.token')}` };
        const found = await (await fetch('/api/v1/search?q=pier%20morning%20', { headers: auth })).json();
        const item = found.items[0];
        const res = await fetch(`/api/v1/media/${item.id}`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ tags: ['cat'] }) });
        return { filename: item.filename, status: res.status };
      });
      assert(tagged.status === 200 && tagged.filename === 'pier-morning-2019.jpg', `the photo was tagged (${JSON.stringify(tagged)})`);
      await page.getByRole('button', { name: 'Clear search' }).click();
      await box.click();
      await box.pressSequentially('kitty ', { delay: 40 });
      await page.waitForFunction(() => (new URLSearchParams(location.search).get('q') ?? '').startsWith('kitty'));
      const pier = tiles.filter({ has: page.getByRole('button', { name: named('pier-morning-2019.jpg') }) }).filter({ hasText: /in tag/ });
      await pier.waitFor({ timeout: 15_000 });
      assert((await tiles.count()) === 1, `only the tagged photo (${await tiles.count()})`);
    });

    await step('the search box suggests the tag as you type; arrow down and Enter choose it as a filter chip', async () => {
      await page.getByRole('button', { name: 'Clear search' }).click();
      await page.waitForFunction(() => !new URLSearchParams(location.search).has('q'));
      await box.pressSequentially('holid', { delay: 40 });
      const option = page.getByRole('option', { name: /e2e holiday/ });
      await option.waitFor();
      assert((await box.getAttribute('aria-expanded')) === 'true', 'the list is expanded');
      await page.keyboard.press('ArrowDown');
      const activeId = await box.getAttribute('aria-activedescendant');
      assert(activeId && (await option.getAttribute('id')) === activeId, 'the tag is the active option');
      assert((await option.getAttribute('aria-selected')) === 'true', 'and is selected');
      await page.keyboard.press('Enter');
      await page.getByRole('group', { name: 'Active filters' }).getByRole('button', { name: 'Remove filter Tag: e2e holiday' }).waitFor();
      assert((await box.inputValue()) === '', 'the words are cleared');
      await page.waitForFunction(() => document.querySelectorAll('.grid > li.tile').length === 1, null, { timeout: 15_000 });
      assert((await tiles.first().getByRole('button').getAttribute('aria-label'))?.startsWith('Golden hour'), 'the tagged item is shown');
      await page.getByRole('button', { name: 'Clear filters' }).first().click();
      await page.waitForFunction(() => location.search === '');
    });

    await step('jump the timeline to March 2019: the list reloads from there (to=, no paging), that month at the top', async () => {
      await tiles.first().waitFor();
      // From the bottom of the page, as after scrolling.
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      searches.length = 0;
      const rail = page.getByRole('navigation', { name: 'Timeline' });
      const march = rail.getByRole('button', { name: /^March 2019, 3 items$/ });
      await march.click();
      await page.waitForFunction(() => new URLSearchParams(location.search).get('at') === '2019-03');
      await page.waitForFunction(() => document.querySelector('.month-heading')?.textContent === 'March 2019', null, { timeout: 15_000 });
      const jump = searches.map((u) => new URL(u)).find((u) => u.searchParams.has('to'));
      assert(jump, `a search was sent with to= (${searches.join(', ')})`);
      assert(jump.searchParams.get('to') === '2019-03-31T23:59:59.999Z' && jump.searchParams.get('order') === 'taken-desc', `to the month's last instant, newest first (${jump})`);
      assert(searches.every((u) => !new URL(u).searchParams.has('cursor')), 'no newer page was loaded to get there');
      const first = await tiles.first().getByRole('button').getAttribute('aria-label');
      assert(/2019\.jpg$/.test(first ?? ''), `a March 2019 photo is first (${first})`);
      assert((await page.getByRole('button', { name: named('meadow-july-2021.jpg') }).count()) === 0, 'nothing newer is loaded');
      // The month's header is in view under the top bar, has the focus, and is the rail's current month.
      const place = await page.evaluate(() => {
        const heading = document.querySelector('.month-heading');
        const bar = document.querySelector('.topbar');
        return { top: heading?.getBoundingClientRect().top ?? -1, bar: bar?.getBoundingClientRect().bottom ?? 0, height: innerHeight, focused: document.activeElement === heading };
      });
      assert(place.top >= place.bar - 2 && place.top < place.height / 2, `the month is at the top of the screen (${JSON.stringify(place)})`);
      assert(place.focused, 'the month header has the focus');
      // Its name is its hidden text (no aria-label: the name must contain the "Mar 3" it shows).
      await page.waitForFunction(() => document.querySelector('.scrubber-month[aria-current="true"] .visually-hidden')?.textContent?.startsWith('March 2019'));
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(outDir, 'timeline-jump.png') });
      await page.getByRole('button', { name: 'Back to the newest' }).first().click();
      await page.getByRole('button', { name: named('meadow-july-2021.jpg') }).waitFor({ timeout: 15_000 });
    });

    await step('on a narrow screen the timeline is a month menu, and nothing overflows sideways', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        const select = page.getByLabel('Jump to');
        await select.waitFor();
        assert(!(await page.locator('.scrubber-rail').isVisible()), 'the rail is folded away');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
        searches.length = 0;
        await select.selectOption('2021-07');
        await page.waitForFunction(() => document.querySelector('.month-heading')?.textContent === 'July 2021', null, { timeout: 15_000 });
        assert(searches.some((u) => new URL(u).searchParams.get('to') === '2021-07-31T23:59:59.999Z'), 'the menu jumps the same way');
        assert((await select.inputValue()) === '2021-07', 'the menu shows the month in view');
        await page.screenshot({ path: join(outDir, 'timeline-narrow.png') });
      } finally {
        await page.setViewportSize({ width: 1360, height: 860 });
      }
      await nav('Library').click();
    });

    await step('no CSP violations, page errors or console errors during search', async () => {
      const problems = ownerProblems.slice(seen);
      assert(problems.length === 0, problems.join('\n'));
    });
  } finally {
    page.off('request', onRequest);
    usePage(page);
  }
}
