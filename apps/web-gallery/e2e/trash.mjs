// Multi-select, bulk actions and the trash in a real browser. Called by run.mjs's main() after the
// search steps, on the same server and library (by then a dozen photos and the test-pattern
// video). Five items are selected with the keyboard alone, tagged and moved to the trash in bulk,
// then restored from the Trash page; they are back in the library with their new tag. A heart is
// toggled with F (it is no Tab stop); what else is in the trash is deleted for good, and the
// header's storage figure follows the API's.
import { join } from 'node:path';
import { assertAccessible } from './axe.mjs';

const TAG = 'e2e bulk';
const FIVE = 5;

/** The header's storage line for `GET /api/v1/me`'s `storage`, as the gallery writes it (decimal units, no ".0"). */
function storageText(storage) {
  const size = (bytes) => {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit += 1;
    }
    return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`.replace(/\.0 /, ' ');
  };
  return storage.quotaBytes === null ? `${size(storage.usedBytes)} used` : `${size(storage.usedBytes)} of ${size(storage.quotaBytes)} used`;
}

/** What the API says, with the page's own token. */
async function apiGet(page, path) {
  return page.evaluate(async (url) => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${localStorage.getItem('mediaflow.token')}` } });
    return { status: res.status, body: await res.json() };
  }, path);
}

/**
 * The trash steps, run with run.mjs's harness.
 * @param {object} o
 * @param {(name: string, fn: () => Promise<void>) => Promise<void>} o.step
 * @param {(condition: unknown, message: string) => void} o.assert
 * @param {import('playwright-core').Page} o.page the owner's page, signed in
 * @param {string} o.outDir where screenshots go
 * @param {string[]} o.ownerProblems the owner page's errors, as run.mjs collects them
 * @param {(page: import('playwright-core').Page) => void} o.usePage the page a failed step's screenshot shows
 */
export async function trashSteps({ step, assert, page, outDir, ownerProblems, usePage }) {
  const seen = ownerProblems.length;
  const tiles = page.locator('.grid > li.tile');
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const bar = page.getByRole('toolbar', { name: 'Selection' });
  // A selected tile says so on its checkbox (its row carries no aria-selected).
  const selectedRows = page.locator('.grid > li.tile:has(> .tile-cell > .tile-button[aria-checked="true"])');
  const selectedNames = () => selectedRows.locator('.tile-button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
  let names = [];
  let ids = [];
  let before = 0;
  usePage(page);

  await step('select five items with the keyboard alone: Space on the first, Shift+Right four times', async () => {
    await nav('Library').click();
    await tiles.first().waitFor();
    before = await tiles.count();
    assert(before > FIVE, `more than five items to choose from (${before})`);
    assert((await page.locator('.library [role="grid"]').count()) === 1, 'the library is one grid');
    assert((await page.locator('.library [aria-selected]').count()) === 0, 'no row repeats the checkbox\u2019s state');
    await tiles.first().locator('.tile-button').focus();
    await page.keyboard.press('Space');
    await bar.waitFor();
    for (let i = 1; i < FIVE; i += 1) await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction((n) => document.querySelectorAll('.grid > li.tile .tile-button[aria-checked="true"]').length === n, FIVE, { timeout: 5_000 });
    assert(/5 selected/.test(await bar.innerText()), `the bar counts five (${await bar.innerText()})`);
    // Space toggled, never opened: no detail view.
    assert((await page.locator('.detail').count()) === 0, 'no item was opened');
    names = await selectedNames();
    ids = await selectedRows.locator('.tile-button').evaluateAll((buttons) => buttons.map((b) => b.dataset.id));
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    assert(focused === names.at(-1), `the focus is on the fifth (${focused})`);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(outDir, 'bulk-selected.png') });
  });

  await step(`tag the five in bulk with "${TAG}" from the selection bar`, async () => {
    await bar.getByRole('button', { name: 'Add tags' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add tags' });
    await dialog.getByLabel('Tags to add').fill(TAG);
    await page.keyboard.press('Enter');
    await page.getByText(`5 items tagged “${TAG}”.`).waitFor({ timeout: 15_000 });
    await dialog.waitFor({ state: 'detached' });
    const found = await apiGet(page, `/api/v1/search?tags=${encodeURIComponent(TAG)}&limit=20`);
    const tagged = found.body.items.map((i) => i.id).sort();
    assert(JSON.stringify(tagged) === JSON.stringify([...ids].sort()), `the API finds exactly the five by the tag (${tagged.length})`);
    assert(/5 selected/.test(await bar.innerText()), 'the selection stays for the next action');
  });

  await step('move the five to the trash in bulk: they leave the grid and the API\u2019s list', async () => {
    await bar.getByRole('button', { name: 'Move to trash' }).click();
    await page.getByText('5 items moved to the trash.').waitFor({ timeout: 15_000 });
    await page.waitForFunction((n) => document.querySelectorAll('.grid > li.tile').length === n, before - FIVE, { timeout: 15_000 });
    for (const name of names) assert((await page.getByRole('checkbox', { name, exact: true }).count()) === 0, `${name} left the grid`);
    const listed = await apiGet(page, '/api/v1/media?limit=100');
    assert(!listed.body.items.some((i) => ids.includes(i.id)), 'GET /api/v1/media no longer lists them');
    // The focus stayed on the button: Escape in the bar leaves select mode.
    assert(await page.evaluate(() => document.activeElement?.textContent?.includes('Move to trash')), 'the focus stays on Move to trash');
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
  });

  await step('the Trash lists the five with the day each goes for good; select them by keyboard (Ctrl+A, Space) and restore them', async () => {
    await nav('Trash').click();
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
    const grid = page.getByRole('grid', { name: 'Items in the trash' });
    const buttons = grid.locator('.tile-button');
    // What the earlier steps deleted is here too (the document): the five come first, most recently trashed.
    await page.waitForFunction((n) => document.querySelectorAll('.trash-page .grid > li.tile').length >= n, FIVE, { timeout: 15_000 });
    const listed = await buttons.evaluateAll((all) => all.map((b) => b.dataset.id));
    assert(JSON.stringify(listed.slice(0, FIVE).sort()) === JSON.stringify([...ids].sort()), `the five are the most recently trashed (${listed.length} in the trash)`);
await assertAccessible(page, 'trash', assert);
    const notes = await grid.locator('.tile-note').allInnerTexts();
    assert(notes.length === listed.length && notes.every((n) => /^Removed for good on /.test(n)), `each says when it goes for good (${notes.join(' | ')})`);
    await buttons.first().focus();
    await page.keyboard.press('Control+a');
    await bar.waitFor();
    assert(new RegExp(`${listed.length} selected`).test(await bar.innerText()), 'Ctrl+A selected everything in the trash');
    // Space on each of the others leaves them out.
    for (const [index, id] of listed.entries()) {
      if (index < FIVE) continue;
      await page.keyboard.press('End');
      for (let back = listed.length - 1; back > index; back -= 1) await page.keyboard.press('ArrowLeft');
      assert((await page.evaluate(() => document.activeElement?.dataset.id)) === id, `the focus is on ${id}`);
      await page.keyboard.press('Space');
    }
    assert(/5 selected/.test(await bar.innerText()), `the five are selected (${await bar.innerText()})`);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(outDir, 'trash.png') });
    await bar.getByRole('button', { name: 'Restore' }).click();
    await page.getByText('5 items restored.').waitFor({ timeout: 15_000 });
    await page.waitForFunction((n) => document.querySelectorAll('.trash-page .grid > li.tile').length === n, listed.length - FIVE, { timeout: 15_000 });
    const trash = await apiGet(page, '/api/v1/trash');
    assert(trash.status === 200 && !trash.body.items.some((i) => ids.includes(i.id)), 'the API\u2019s trash no longer holds them');
  });

  await step('back in the library, the five are there again with their tag', async () => {
    await nav('Library').click();
    await page.waitForFunction((n) => document.querySelectorAll('.grid > li.tile').length === n, before, { timeout: 15_000 });
    for (const name of names) assert((await page.getByRole('button', { name, exact: true }).count()) === 1, `${name} is back`);
    const found = await apiGet(page, `/api/v1/search?tags=${encodeURIComponent(TAG)}&limit=20`);
    assert(found.body.items.length === FIVE, `the five still carry "${TAG}" (${found.body.items.length})`);
  });

  await step('the heart is no Tab stop: F on a focused tile marks it a favourite and F again unmarks it', async () => {
    const tile = tiles.first();
    const button = tile.locator('.tile-button');
    const heart = tile.getByRole('switch');
    const id = await button.getAttribute('data-id');
    await button.focus();
    assert((await heart.getAttribute('tabindex')) === '-1', 'the heart is not in the Tab order');
    const before = (await heart.getAttribute('aria-checked')) === 'true';
    await page.keyboard.press('f');
    await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.getAttribute('aria-checked') === want, [`.tile-button[data-id="${id}"] ~ .tile-heart`, String(!before)], { timeout: 10_000 });
    assert((await page.evaluate(() => document.activeElement?.classList.contains('tile-button'))) === true, 'the focus stays on the tile');
    const marked = await apiGet(page, `/api/v1/media/${id}`);
    assert(marked.body.favourite === !before, `the API has it ${!before ? 'marked' : 'unmarked'}`);
    await page.keyboard.press('F');
    await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.getAttribute('aria-checked') === want, [`.tile-button[data-id="${id}"] ~ .tile-heart`, String(before)], { timeout: 10_000 });
    await page.waitForFunction(
      async ([url, want]) => {
        const res = await fetch(url, { headers: { authorization: `Bearer ${localStorage.getItem('mediaflow.token')}` } });
        return Boolean((await res.json()).favourite) === want;
      },
      [`/api/v1/media/${id}`, before],
      { timeout: 10_000 },
    );
    // Tab leaves the grid from the tile: no second stop on its heart.
    await page.keyboard.press('Tab');
    assert(!(await page.evaluate(() => Boolean(document.activeElement?.closest('.timeline')))), 'one Tab leaves the grid');
  });

  await step('delete for good what else is in the trash (after the confirmation, 25 a request): the header\u2019s storage figure follows', async () => {
    const me = await apiGet(page, '/api/v1/me');
    const figure = page.locator('.topbar .storage-used');
    if (me.body.storage === null) {
      assert((await figure.count()) === 0, 'no storage figure where the server keeps no usage');
    } else {
      await page.waitForFunction((text) => document.querySelector('.topbar .storage-used')?.textContent?.trim() === text, storageText(me.body.storage), { timeout: 10_000 });
    }
    await nav('Trash').click();
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
    const inTrash = await apiGet(page, '/api/v1/trash');
    assert(inTrash.body.items.length > 0, 'the document deleted earlier is still in the trash');
    const buttons = page.getByRole('grid', { name: 'Items in the trash' }).locator('.tile-button');
    await buttons.first().waitFor({ timeout: 15_000 });
    const left = await buttons.count();
    await buttons.first().focus();
    await page.keyboard.press('Control+a');
    await bar.getByRole('button', { name: 'Delete forever' }).click();
    const dialog = page.getByRole('dialog');
    const said = await dialog.innerText();
    assert(/removed for good/.test(said) && /can\u2019t be restored/.test(said) && !/version/.test(said), `the confirmation says what happens (${said})`);
    await dialog.getByRole('button', { name: 'Delete forever' }).click();
    await page.getByText(left === 1 ? /deleted for good\.$/ : `${left} items deleted for good.`).waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor({ timeout: 15_000 });
    const trash = await apiGet(page, '/api/v1/trash');
    assert(trash.body.items.length === 0, 'the API\u2019s trash is empty');
    const after = await apiGet(page, '/api/v1/me');
    if (after.body.storage !== null) {
      assert(me.body.storage === null || after.body.storage.usedBytes < me.body.storage.usedBytes, `less is stored (${me.body.storage?.usedBytes} then ${after.body.storage.usedBytes})`);
      await page.waitForFunction((text) => document.querySelector('.topbar .storage-used')?.textContent?.trim() === text, storageText(after.body.storage), { timeout: 10_000 });
    }
    await nav('Library').click();
    await tiles.first().waitFor();
  });

  await step('no CSP violations, page errors or console errors during bulk actions and the trash', async () => {
    const problems = ownerProblems.slice(seen);
    assert(problems.length === 0, problems.join('\n'));
  });
}
