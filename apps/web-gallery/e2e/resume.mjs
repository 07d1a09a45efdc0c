// Resumable uploads in a real browser: a 100 MB file of random bytes (a multipart upload, kind
// `other`) is interrupted by a page reload once two of its parts are stored; the tray then offers
// it, refuses another file (and the same file changed after its first part), and resumes with the
// same file chosen again. Parts stored before the reload are not sent again, and the stored original
// is byte for byte the file. Another owner's kept upload past its window is removed on the reload,
// and signing out removes the owner's. Called by run.mjs's main() after the other steps, on the
// same server and page (which it leaves signed out).
import { createHash, randomBytes } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertAccessible } from './axe.mjs';

const SIZE = 100 * 1000 * 1000;
/** `multipartPartBytes`, the server's default part size. */
const PART = 16 * 1024 * 1024;
/** Parts let through before the reload; the others are held until the page goes. */
const BEFORE = 2;

/** What the API says, with the page's own token. */
async function apiGet(page, path) {
  return page.evaluate(async (url) => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${localStorage.getItem('mediaflow.token')}` } });
    return { status: res.status, body: await res.json() };
  }, path);
}

/** The records the gallery keeps in IndexedDB for uploads to resume. */
async function keptUploads(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mediaflow-uploads');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('uploads')) return resolve([]);
          const all = db.transaction('uploads', 'readonly').objectStore('uploads').getAll();
          all.onsuccess = () => {
            resolve(all.result);
            db.close();
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

/** Writes records into the gallery's IndexedDB store, as another session of the browser would have. */
async function putKept(page, records) {
  await page.evaluate(
    (list) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mediaflow-uploads');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('uploads', 'readwrite');
          for (const record of list) tx.objectStore('uploads').put(record);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    records,
  );
}

/** The part number of a presigned part PUT (`/_local/objects/...?part=N`), else null. */
function partOf(request) {
  if (request.method() !== 'PUT') return null;
  const url = new URL(request.url());
  if (!url.pathname.startsWith('/_local/objects/')) return null;
  const part = Number(url.searchParams.get('part'));
  return Number.isInteger(part) && part > 0 ? part : null;
}

/**
 * The resume steps, run with run.mjs's harness.
 * @param {object} o
 * @param {(name: string, fn: () => Promise<void>) => Promise<void>} o.step
 * @param {(condition: unknown, message: string) => void} o.assert
 * @param {import('playwright-core').Page} o.page the owner's page, signed in
 * @param {string} o.tmp a scratch directory for the files made here
 * @param {string} o.outDir where screenshots go
 * @param {string[]} o.ownerProblems the owner page's errors, as run.mjs collects them
 * @param {(page: import('playwright-core').Page) => void} o.usePage the page a failed step's screenshot shows
 */
export async function resumeSteps({ step, assert, page, tmp, outDir, ownerProblems, usePage }) {
  const seen = ownerProblems.length;
  const name = 'resume-random.bin';
  const path = join(tmp, name);
  const bytes = randomBytes(SIZE);
  writeFileSync(path, bytes);
  // A whole second, so that a copy given the same date modified has it to the millisecond.
  const modified = Math.floor(Date.now() / 1000) - 60;
  utimesSync(path, modified, modified);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const partCount = Math.ceil(SIZE / PART);

  // Part PUTs sent (requests) and stored (2xx answers), before and after the reload.
  let phase = 'before';
  const sent = { before: new Map(), after: new Map() };
  const stored = { before: new Set(), after: new Set() };
  const onRequest = (request) => {
    const part = partOf(request);
    if (part !== null) sent[phase].set(part, (sent[phase].get(part) ?? 0) + 1);
  };
  const onResponse = (response) => {
    const part = partOf(response.request());
    if (part !== null && response.ok()) stored[phase].add(part);
  };
  // Before the reload only the first parts get through: the rest wait until the page goes.
  let hold = true;
  const held = [];
  const isPart = (url) => url.pathname.startsWith('/_local/objects/') && url.searchParams.has('part');
  const gate = async (route) => {
    const part = partOf(route.request());
    if (hold && part !== null && part > BEFORE) {
      held.push(route);
      return;
    }
    await route.fallback();
  };
  let mediaId = '';
  let ownerId = '';
  const row = page.locator('[data-testid="upload-row"]', { hasText: name });
  usePage(page);
  page.on('request', onRequest);
  page.on('response', onResponse);
  await page.route(isPart, gate);

  try {
    await step(`a ${SIZE / 1e6} MB upload is kept in IndexedDB and interrupted by a reload after ${BEFORE} of its ${partCount} parts`, async () => {
      const origin = new URL(page.url()).origin;
      await page.goto(`${origin}/`);
      await page.locator('.grid > li.tile').first().waitFor({ timeout: 20_000 });
      const started = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/uploads', { timeout: 30_000 });
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Upload', exact: true }).click()]);
      await chooser.setFiles([path]);
      const grant = await (await started).json();
      mediaId = grant.id;
      assert(grant.upload?.partCount === partCount, `a multipart upload of ${partCount} parts (${JSON.stringify(grant.upload?.partCount)})`);
      assert(grant.upload.parts.length < partCount, `the grant carries the first parts' URLs only (${grant.upload.parts.length})`);
      for (let i = 0; i < 600 && !(stored.before.size >= BEFORE && held.length > 0); i += 1) await page.waitForTimeout(100);
      assert(stored.before.size === BEFORE, `parts ${[...stored.before]} stored before the reload`);
      const kept = await keptUploads(page);
      assert(kept.length === 1 && kept[0].mediaId === mediaId, `the upload is kept (${JSON.stringify(kept)})`);
      const record = kept[0];
      assert(record.size === SIZE && record.partSize === PART && record.partCount === partCount && record.name === name, 'with its file’s size and parts');
      const firstPart = createHash('sha256').update(bytes.subarray(0, PART)).digest('hex');
      assert(record.firstPartSha256 === firstPart, 'and its first part’s SHA-256');
      const lastPart = createHash('sha256').update(bytes.subarray((partCount - 1) * PART)).digest('hex');
      assert(record.lastPartSha256 === lastPart && record.lastModified === modified * 1000, `and its last part’s SHA-256 and date modified (${record.lastModified})`);
      ownerId = record.ownerId;
      // Another owner's kept uploads: the one past its window goes when the tray opens, the other stays.
      const other = { ...record, ownerId: 'e2e-someone-else', name: 'elsewhere.bin' };
      await putKept(page, [
        { ...other, mediaId: 'e2e-lapsed', resumableUntil: new Date(Date.now() - 60_000).toISOString() },
        { ...other, mediaId: 'e2e-current' },
      ]);
      // Reload while the later parts are still held: a part the old page asks for in the meantime
      // is held (and dropped) too, and counted before the reload, not as sent after it.
      await page.reload();
      for (const route of held) await route.abort().catch(() => undefined);
      phase = 'after';
      hold = false;
    });

    await step('after the reload the tray offers the interrupted upload, with how much was sent', async () => {
      const status = await apiGet(page, `/api/v1/uploads/${mediaId}`);
      assert(status.status === 200 && status.body.resumable === true, `the server can resume it (${JSON.stringify(status.body)})`);
      const received = status.body.multipart.received.map((p) => p.number).sort((a, b) => a - b);
      assert(JSON.stringify(received) === JSON.stringify([...stored.before].sort((a, b) => a - b)), `the server has the parts stored before (${received})`);
      await row.locator('.upload-message', { hasText: /\d+% sent/ }).waitFor({ timeout: 20_000 });
      const percent = Math.floor(((BEFORE * PART) / SIZE) * 100);
      const text = await row.innerText();
      assert(text.includes(`${percent}% sent \u2014 choose the same file to resume`), `the row says how much was sent (${text})`);
      assert(await row.evaluate((r) => r.classList.contains('phase-interrupted')), 'the row is interrupted');
      const ids = (await keptUploads(page)).map((r) => r.mediaId).sort();
      assert(JSON.stringify(ids) === JSON.stringify(['e2e-current', mediaId].sort()), `another owner's lapsed upload was removed, the rest kept (${ids})`);
      await assertAccessible(page, 'upload tray, interrupted', assert);
      await page.screenshot({ path: join(outDir, 'resume-interrupted.png') });
    });

    await step('another file is refused; the same file chosen in the tray resumes and becomes ready', async () => {
      const other = join(tmp, 'resume-other.bin');
      writeFileSync(other, randomBytes(1024));
      await row.locator('[data-testid="resume-picker"]').setInputFiles(other);
      await row.getByText(/That is not the same file/).waitFor({ timeout: 10_000 });
      // The same size, date modified and first part, another last byte: an edit since the upload began.
      const changed = join(tmp, 'resume-changed.bin');
      const changedBytes = Buffer.from(bytes);
      changedBytes[SIZE - 1] ^= 0xff;
      writeFileSync(changed, changedBytes);
      utimesSync(changed, modified, modified);
      await row.locator('[data-testid="resume-picker"]').setInputFiles(changed);
      await row.getByText(/its content differs/).waitFor({ timeout: 20_000 });
      assert(sent.after.size === 0, `nothing sent for another file (${JSON.stringify([...sent.after])})`);
      await row.locator('[data-testid="resume-picker"]').setInputFiles(path);
      await page.locator('[data-testid="upload-row"].phase-ready', { hasText: name }).waitFor({ timeout: 240_000 });
      assert((await page.locator('[data-testid="upload-row"]', { hasText: name }).count()) === 1, 'one row for the file');
      const again = [...stored.before].filter((part) => sent.after.has(part));
      assert(again.length === 0, `parts stored before the reload were not sent again (${again})`);
      for (let part = 1; part <= partCount; part += 1) {
        if (stored.before.has(part)) continue;
        assert(stored.after.has(part), `part ${part} was stored after the reload`);
      }
      log(`part PUTs before the reload ${JSON.stringify([...sent.before])}, after ${JSON.stringify([...sent.after])}`);
      assert((await keptUploads(page)).every((r) => r.ownerId !== ownerId), 'nothing of the owner is kept once it completed');
      await page.screenshot({ path: join(outDir, 'resume-ready.png') });
    });

    await step('the stored original is byte for byte the file (SHA-256 of the API’s original download)', async () => {
      const item = await apiGet(page, `/api/v1/media/${mediaId}`);
      assert(item.body.kind === 'other' && item.body.status === 'ready' && item.body.original.size === SIZE, `a ready item of ${SIZE} bytes (${JSON.stringify(item.body.original)})`);
      const link = await apiGet(page, `/api/v1/media/${mediaId}/original`);
      assert(link.status === 200, `a download link (${link.status})`);
      const response = await fetch(new URL(link.body.url, page.url()));
      assert(response.ok, `the download answers ${response.status}`);
      const hash = createHash('sha256');
      let length = 0;
      for await (const chunk of response.body) {
        hash.update(chunk);
        length += chunk.length;
      }
      assert(length === SIZE, `${SIZE} bytes downloaded (${length})`);
      assert(hash.digest('hex') === sha256, 'the same SHA-256 as the file sent');
      await page.getByRole('button', { name: 'Clear', exact: true }).click();
    });

    await step('no CSP violations, page errors or console errors while resuming', async () => {
      const problems = ownerProblems.slice(seen);
      assert(problems.length === 0, problems.join('\n'));
    });

    await step('signing out removes what the browser keeps of the owner’s uploads, and only that', async () => {
      const [other] = (await keptUploads(page)).filter((r) => r.mediaId === 'e2e-current');
      assert(other, 'the other owner’s upload is still kept');
      await putKept(page, [{ ...other, mediaId: 'e2e-mine', ownerId }]);
      await page.getByRole('button', { name: 'Sign out' }).click();
      let ids = [];
      for (let i = 0; i < 50; i += 1) {
        ids = (await keptUploads(page)).map((r) => r.mediaId);
        if (!ids.includes('e2e-mine')) break;
        await page.waitForTimeout(100);
      }
      assert(JSON.stringify(ids) === JSON.stringify(['e2e-current']), `only the other owner’s upload is kept (${ids})`);
    });
  } finally {
    await page.unroute(isPart, gate).catch(() => undefined);
    page.off('request', onRequest);
    page.off('response', onResponse);
    usePage(page);
  }
}

function log(message) {
  process.stdout.write(`      ${message}\n`);
}
