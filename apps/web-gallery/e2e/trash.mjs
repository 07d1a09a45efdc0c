// Multi-select, bulk actions and the trash in a real browser. Called by run.mjs's main() after the
// search steps, on the same server and library (by then a dozen photos and the test-pattern
// video). Five items are selected with the keyboard alone, tagged and moved to the trash in bulk,
// then restored from the Trash page; they are back in the library with their new tag.
import { join } from 'node:path';

const TAG = 'e2e bulk';
const FIVE = 5;

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
  const selectedRows = page.locator('.grid > li.tile[aria-selected="true"]');
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
    assert((await page.locator('[role="grid"][aria-multiselectable="true"]').count()) > 0, 'the library is a multi-selectable grid');
    await tiles.first().locator('.tile-button').focus();
    await page.keyboard.press('Space');
    await bar.waitFor();
    for (let i = 1; i < FIVE; i += 1) await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction((n) => document.querySelectorAll('.grid > li.tile[aria-selected="true"]').length === n, FIVE, { timeout: 5_000 });
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

  await step('no CSP violations, page errors or console errors during bulk actions and the trash', async () => {
    const problems = ownerProblems.slice(seen);
    assert(problems.length === 0, problems.join('\n'));
  });
}
