// The gallery in a real browser: playwright-core drives Debian's Chromium against `mediaflow serve`
// on a temporary data directory and a free port, with the strict CSP the server should send.
// Prints `e2e: N passed, M failed` and exits non-zero on any failure; always stops the server and
// the browser.
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { searchSteps } from './search.mjs';
import { assertAccessible, checkedViews, DISABLED_RULES } from './axe.mjs';
import { sharingSteps } from './sharing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const appDir = resolve(here, '..');
const outDir = join(appDir, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CSP = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'";
const TAG = 'e2e holiday';

const results = [];
let server;
let context;
let browser;
let currentPage;
const tmp = mkdtempSync(join(tmpdir(), 'mf-e2e-'));

function log(message) {
  process.stdout.write(`${message}\n`);
}

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push({ name, ok: false });
    await currentPage?.screenshot({ path: join(outDir, `failed-step-${results.length}.png`) }).catch(() => undefined);
    log(`  ✗ ${name}\n      ${String(error?.stack ?? error).split('\n').slice(0, 4).join('\n      ')}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

function freePort() {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

async function startServer(port) {
  const cli = join(root, 'apps/cli/dist/mediaflow.js');
  const gallery = join(appDir, 'dist');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run nx run @mediaflow/cli:build`);
  if (!existsSync(join(gallery, 'index.html'))) throw new Error(`${gallery} is missing: run nx run @mediaflow/web-gallery:build`);
  server = spawn(process.execPath, [cli, 'serve', '--data-dir', join(tmp, 'data'), '--port', String(port), '--gallery', gallery, '--quiet'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  server.stderr.on('data', (d) => (err += d));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start in 60 s\n${out}\n${err}`)), 60_000);
    server.once('exit', (code) => fail(new Error(`the server exited (${code}) before it was ready\n${err}`)));
    server.stdout.on('data', (d) => {
      out += d;
      const url = /running at (http:\/\/\S+)/.exec(out)?.[1];
      const token = /Bearer token:\s+(\S+)/.exec(out)?.[1];
      if (url && token) {
        clearTimeout(timer);
        done({ url, token });
      }
    });
  });
}

async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((done) => server.once('exit', done));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}

/** A landscape-like picture: sky gradient, a sun or moon, layered hills. Distinct per seed. */
function scene(seed) {
  const palettes = [
    { sky: ['#ff7e5f', '#feb47b'], hills: ['#c06c84', '#6c5b7b', '#355c7d'], sun: '#fff3b0' },
    { sky: ['#89f7fe', '#66a6ff'], hills: ['#56ab2f', '#2f7d32', '#1f4037'], sun: '#ffffff' },
    { sky: ['#141e30', '#243b55'], hills: ['#2c3e50', '#1c2833', '#0b0f1a'], sun: '#f9f871' },
    { sky: ['#fbd786', '#f7797d'], hills: ['#e96443', '#904e95', '#3a1c71'], sun: '#fffbe6' },
    { sky: ['#e0eafc', '#cfdef3'], hills: ['#9bb5ce', '#6d8fb3', '#3f5e80'], sun: '#ffffff' },
    { sky: ['#0f2027', '#2c5364'], hills: ['#203a43', '#16262e', '#0b1418'], sun: '#d9f1ff' },
    { sky: ['#f2994a', '#f2c94c'], hills: ['#b9770e', '#7e5109', '#4d3206'], sun: '#fffde7' },
    { sky: ['#a1c4fd', '#c2e9fb'], hills: ['#76b852', '#4c8c2b', '#2d5a1b'], sun: '#fffef2' },
    { sky: ['#ee9ca7', '#ffdde1'], hills: ['#c2185b', '#880e4f', '#4a0429'], sun: '#fff5f7' },
  ];
  const p = palettes[seed % palettes.length];
  const w = 1600;
  const h = 1067;
  const hill = (base, amp, phase, color) => {
    let d = `M0 ${base}`;
    for (let x = 0; x <= w; x += 80) d += ` L${x} ${(base + Math.sin(x / 210 + phase) * amp + Math.sin(x / 77 + phase * 2) * amp * 0.25).toFixed(1)}`;
    return `<path d="${d} V${h} H0 Z" fill="${color}"/>`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${p.sky[0]}"/><stop offset="1" stop-color="${p.sky[1]}"/></linearGradient></defs>
    <rect width="${w}" height="${h}" fill="url(#g)"/>
    <circle cx="${300 + ((seed * 373) % 1000)}" cy="${260 + ((seed * 97) % 200)}" r="${90 + ((seed * 31) % 70)}" fill="${p.sun}" opacity="0.92"/>
    ${hill(640 + (seed % 3) * 30, 60, seed, p.hills[0])}
    ${hill(760, 45, seed * 1.7 + 1, p.hills[1])}
    ${hill(880, 35, seed * 2.3 + 2, p.hills[2])}
  </svg>`;
}

async function makeImage(seed, name) {
  const path = join(tmp, name);
  await sharp(Buffer.from(scene(seed))).jpeg({ quality: 86 }).toFile(path);
  return path;
}

/** A short clip (moving test pattern and a tone) made with the ffmpeg the server uses too. */
function makeVideo(name) {
  const path = join(tmp, name);
  const ffmpeg = join(root, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
  // npm 11 skips the package's postinstall chmod.
  try {
    accessSync(ffmpeg, constants.X_OK);
  } catch {
    chmodSync(ffmpeg, 0o755);
  }
  execFileSync(ffmpeg, [
    '-nostdin', '-v', 'error',
    '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', path,
  ], { timeout: 60_000 });
  return path;
}

/** Three photos-to-be and a text document for the file chooser. */
async function makeFiles() {
  const files = [await makeImage(0, 'sunset-beach.jpg'), await makeImage(1, 'forest-lake.jpg'), await makeImage(2, 'night-city.jpg')];
  const doc = join(tmp, 'trip-notes.txt');
  writeFileSync(doc, 'Trip notes\n\nDay 1: beach at sunset.\nDay 2: forest lake.\nDay 3: the city at night.\n');
  files.push(doc);
  return files;
}

/** Drops files on the page as a person dragging them from a file manager would. */
async function dropFiles(page, paths) {
  const payload = paths.map((p) => ({ name: p.split('/').pop(), data: readFileSync(p).toString('base64') }));
  const transfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name, { type: 'image/jpeg' }));
    return dt;
  }, payload);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer });
  await page.locator('.dropzone').waitFor();
  await page.dispatchEvent('body', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
}

/** Opens a video tile and plays it (muted, as autoplay policies allow); resolves once frames decode. */
async function playVideo(page, tile) {
  await tile.getByRole('button').click();
  const video = page.getByRole('dialog').locator('video');
  await video.waitFor();
  assert((await video.getAttribute('poster'))?.includes('/poster.jpg'), 'the poster is shown before playing');
  await video.evaluate((v) => {
    v.muted = true;
    return v.play();
  });
  await page.waitForFunction(() => (document.querySelector('.detail video')?.readyState ?? 0) >= 2, null, { timeout: 30_000 });
  const state = await video.evaluate((v) => ({ source: v.currentSrc, width: v.videoWidth, readyState: v.readyState }));
  assert(state.width > 0, `the video decodes (${JSON.stringify(state)})`);
  return state;
}

const tileCount = (page, n) => page.waitForFunction((count) => document.querySelectorAll('.grid > li.tile').length === count, n, { timeout: 20_000 });
const imagesLoaded = (page, selector) =>
  page.waitForFunction((sel) => [...document.querySelectorAll(sel)].every((i) => i.complete && i.naturalWidth > 0 && i.classList.contains('is-loaded')), selector, { timeout: 15_000 });

async function main() {
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (f.startsWith('failed-step-')) rmSync(join(outDir, f));
  const files = await makeFiles();
  const port = await freePort();
  const { url, token } = await startServer(port);
  log(`e2e: mediaflow serve at ${url}, data in ${tmp}`);

  const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'];
  context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 860 },
    colorScheme: 'light',
    args: chromiumArgs,
  });
  // A second browser for people other than the owner (a share link's visitor, a moderator): each
  // gets a fresh context of it, with nothing of the owner's.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs });
  // Serve every page with the strict CSP we recommend, and fail on any violation or error.
  await context.route('**/*', async (route) => {
    const request = route.request();
    if (request.resourceType() !== 'document') return route.fallback();
    const response = await route.fetch();
    return route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  currentPage = page;
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // 400: the empty file the test uploads on purpose is refused.
    if (m.type() === 'error' && !/status of 40[04]/.test(m.text())) problems.push(`console: ${m.text()} @ ${m.location()?.url ?? ''}`);
  });

  const tiles = page.locator('.grid > li.tile');
  const rows = page.locator('[data-testid="upload-row"]');

  await step('sign in from the #token= link (token kept, hash cleared, media cookie set)', async () => {
    await page.goto(`${url}/#token=${token}`);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor({ timeout: 15_000 });
    assert((await page.evaluate(() => location.hash)) === '', 'the hash is cleared');
    assert((await page.evaluate(() => localStorage.getItem('mediaflow.token'))) === token, 'the token is stored');
    const cookies = await context.cookies(`${url}/media/x`);
    assert(cookies.some((c) => c.name === 'mf_token' && c.path === '/media' && c.sameSite === 'Strict'), 'mf_token cookie on /media');
  });

  await step('sign out, then sign in by pasting the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await assertAccessible(page, 'sign-in', assert);
    await page.getByLabel('Access token').fill(`Bearer ${token}`);
    assert(!(await context.cookies(`${url}/media/x`)).some((c) => c.name === 'mf_token'), 'the cookie is cleared on sign-out');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
  });

  await step('upload three images and a document through the file chooser; all become ready', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await (await chooser).setFiles(files);
    await rows.first().waitFor();
    assert((await rows.count()) === 4, 'four rows in the upload tray');
    await page.getByRole('region', { name: 'Uploads' }).getByRole('progressbar', { name: 'Overall upload progress' }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="upload-row"]')].every((r) => r.classList.contains('phase-ready')), null, { timeout: 120_000 });
    await assertAccessible(page, 'grid and upload tray', assert);
    await page.screenshot({ path: join(outDir, 'uploads.png') });
    await tileCount(page, 4);
  });

  await step('an empty file is rejected and the same photo again is reported as a duplicate', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await (await chooser).setFiles([
      { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
      { name: 'sunset-beach-copy.jpg', mimeType: 'image/jpeg', buffer: readFileSync(files[0]) },
    ]);
    const rejected = page.locator('[data-testid="upload-row"].phase-rejected');
    await rejected.waitFor({ timeout: 20_000 });
    assert(/Not accepted/.test(await rejected.innerText()), 'the rejection says why');
    const duplicate = page.locator('[data-testid="upload-row"].phase-duplicate');
    await duplicate.waitFor({ timeout: 20_000 });
    assert(/Already in your library/.test(await duplicate.innerText()), 'the duplicate is explained');
    await page.screenshot({ path: join(outDir, 'upload-problems.png') });
    await page.getByRole('button', { name: 'Clear' }).click();
    assert((await rows.count()) === 0, 'Clear empties the tray');
  });

  await step('the grid shows <picture> with AVIF/WebP/JPEG srcsets over thumbhash placeholders, lazily', async () => {
    assert((await tiles.count()) === 4, 'four tiles');
    const image = tiles.filter({ has: page.locator('picture') }).first();
    const types = await image.locator('source').evaluateAll((s) => s.map((e) => e.getAttribute('type')));
    assert(types.includes('image/avif') && types.includes('image/webp'), `AVIF and WebP sources, got ${types}`);
    const img = image.locator('img');
    assert((await img.getAttribute('loading')) === 'lazy', 'lazy loading');
    assert(/\d+w/.test((await image.locator('source').first().getAttribute('srcset')) ?? ''), 'srcset by width');
    assert((await img.getAttribute('alt'))?.length > 0, 'alt text');
    const placeholder = await image.locator('[data-testid="tile-media"]').evaluate((e) => getComputedStyle(e).backgroundImage);
    assert(placeholder.startsWith('url("data:image/png'), 'a thumbhash placeholder');
    await imagesLoaded(page, '.grid img');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(outDir, 'grid-first-upload.png') });
  });

  await step('open an image: large with zoom, facts and AI tags; arrows step, Escape closes', async () => {
    await tiles.filter({ has: page.locator('picture') }).first().getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await imagesLoaded(page, '.viewer-img:not(.viewer-placeholder)');
    await page.waitForTimeout(400);
    assert(/Dimensions/.test(await dialog.locator('.facts').innerText()), 'facts are listed');
    await dialog.getByRole('heading', { name: /Suggested by AI/ }).waitFor();
    await assertAccessible(page, 'detail view', assert);
    await page.screenshot({ path: join(outDir, 'detail.png') });
    const firstTitle = await dialog.locator('#detail-title').innerText();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((t) => document.querySelector('#detail-title')?.textContent !== t, firstTitle);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((t) => document.querySelector('#detail-title')?.textContent === t, firstTitle);
    await dialog.getByRole('button', { name: 'Zoom' }).click();
    await dialog.getByRole('button', { name: 'Fit' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert(await page.evaluate(() => document.activeElement?.classList.contains('tile-button')), 'focus returns to the tile');
  });

  await step('download originals: a photo and the document arrive as attachments, with their names and bytes', async () => {
    for (const [name, label] of [['forest-lake.jpg', 'Original'], ['trip-notes.txt', 'Download']]) {
      await page.getByRole('button', { name: new RegExp(`^${name.replace('.', '\\.')}`) }).click();
      const dialog = page.getByRole('dialog');
      // A short-lived link of the object store's own, from GET /api/v1/media/{id}/original.
      const link = dialog.getByRole('link', { name: label, exact: true });
      await link.waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert(download.suggestedFilename() === name, `the download is named ${name} (got ${download.suggestedFilename()})`);
      assert(readFileSync(await download.path()).equals(readFileSync(join(tmp, name))), `${name} downloads byte for byte`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
  });

  let tagged = '';
  await step(`add an own tag "${TAG}" and a title in the detail view`, async () => {
    const tile = tiles.filter({ has: page.locator('picture') }).nth(1);
    await tile.getByRole('button').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    tagged = await dialog.locator('#detail-title').innerText();
    await dialog.getByLabel('Add a tag').fill(TAG);
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Title').fill('Golden hour');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByText('Saved', { exact: true }).waitFor();
    await dialog.locator('.tag-user', { hasText: TAG }).waitFor();
    await page.screenshot({ path: join(outDir, 'detail-edited.png') });
    await page.keyboard.press('Escape');
  });

  await step('filter by the new tag (chip with count, then tag search), then clear', async () => {
    const chip = page.getByRole('group', { name: 'Tags' }).getByRole('button', { name: new RegExp(`^${TAG} 1$`) });
    await chip.waitFor({ timeout: 10_000 });
    await chip.click();
    await tileCount(page, 1);
    assert((await tiles.first().getByRole('button').getAttribute('aria-label'))?.startsWith('Golden hour'), `the tagged item (${tagged}) is the one shown`);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await tileCount(page, 4);
    await page.getByLabel('Search by tag').fill('E2E Holiday');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await tileCount(page, 1);
    await page.getByRole('group', { name: 'Kind' }).getByRole('button', { name: 'Documents' }).click();
    await page.getByRole('heading', { name: 'Nothing matches these filters' }).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await tileCount(page, 4);
  });

  await step('delete the document after confirming', async () => {
    await page.getByRole('button', { name: /^trip-notes\.txt/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('link', { name: 'Download' }).waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await assertAccessible(page, 'confirmation', assert);
    await dialog.getByRole('button', { name: 'Move to trash' }).click();
    await tileCount(page, 3);
    await page.waitForFunction(() => !/trip-notes/.test(document.querySelector('#detail-title')?.textContent ?? 'trip-notes'));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    const gone = await page.evaluate(async () => {
      const r = await fetch('/api/v1/media?limit=10', { headers: { authorization: `Bearer ${localStorage.getItem('mediaflow.token')}` } });
      return (await r.json()).items.map((i) => i.filename);
    });
    assert(!gone.includes('trip-notes.txt'), 'the API no longer lists it');
  });

  await step('drop six more photos on the page: they upload and join the grid', async () => {
    const more = [];
    const names = ['harbour-dawn.jpg', 'alpine-meadow.jpg', 'desert-dusk.jpg', 'winter-ridge.jpg', 'lake-evening.jpg', 'rose-valley.jpg'];
    for (const [i, name] of names.entries()) more.push(await makeImage(i + 3, name));
    await dropFiles(page, more);
    await page.waitForFunction(() => {
      const r = [...document.querySelectorAll('[data-testid="upload-row"]')];
      return r.length === 6 && r.every((row) => row.classList.contains('phase-ready'));
    }, null, { timeout: 120_000 });
    await tileCount(page, 9);
    await page.getByRole('button', { name: 'Clear' }).click();
    await imagesLoaded(page, '.grid img');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(outDir, 'grid.png') });
  });

  await step('upload a short video: it becomes ready with a poster and duration, and plays in the detail view', async () => {
    const clip = makeVideo('test-pattern.mp4');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await (await chooser).setFiles([clip]);
    await page.waitForFunction(() => {
      const r = [...document.querySelectorAll('[data-testid="upload-row"]')];
      return r.length === 1 && r.every((row) => row.classList.contains('phase-ready'));
    }, null, { timeout: 120_000 });
    await tileCount(page, 10);
    await page.getByRole('button', { name: 'Clear' }).click();
    const tile = tiles.filter({ has: page.getByRole('button', { name: /^test-pattern\.mp4/ }) });
    // The grid shows the poster rendered like a photo, with the duration.
    await tile.locator('picture img.is-loaded').waitFor({ timeout: 20_000 });
    assert(/0:02/.test(await tile.innerText()), 'a duration badge');
    const state = await playVideo(page, tile);
    // The adaptive stream, not the MP4 fallback: a browser with native HLS plays the playlist itself,
    // elsewhere hls.js feeds MediaSource through a blob: URL.
    assert(state.source.startsWith('blob:') || state.source.endsWith('.m3u8'), `the HLS stream plays (${state.source})`);
    log(`      playing ${state.source.startsWith('blob:') ? 'HLS through hls.js' : 'HLS natively'}`);
    await page.screenshot({ path: join(outDir, 'video.png') });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  await step('a browser without native HLS plays the stream through hls.js (MediaSource) under the CSP', async () => {
    await context.addInitScript(() => {
      const canPlayType = HTMLMediaElement.prototype.canPlayType;
      HTMLMediaElement.prototype.canPlayType = function (type) {
        return /mpegurl/i.test(type) ? '' : canPlayType.call(this, type);
      };
    });
    await page.reload();
    const tile = tiles.filter({ has: page.getByRole('button', { name: /^test-pattern\.mp4/ }) });
    const state = await playVideo(page, tile);
    assert(state.source.startsWith('blob:'), `hls.js attached a MediaSource (${state.source})`);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  await step('dark mode toggle and the Cost page (table and SVG chart, loaded on demand)', async () => {
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    assert((await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark', 'dark theme applied');
    await page.mouse.move(0, 0);
    await assertAccessible(page, 'grid, dark', assert);
    await page.screenshot({ path: join(outDir, 'grid-dark.png') });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cost' }).click();
    await page.getByRole('heading', { name: 'What it costs on AWS' }).waitFor();
    assert((await page.locator('table.table tbody tr').count()) > 3, 'a row per service');
    assert((await page.locator('.chart polyline').count()) === 2, 'two series in the chart');
    await page.getByLabel('Daily users').fill('20000');
    await assertAccessible(page, 'cost, dark', assert);
    await page.screenshot({ path: join(outDir, 'cost.png'), fullPage: true });
    await page.getByRole('button', { name: 'Switch to light mode' }).click();
  });

  await step('no CSP violations, page errors or console errors under the strict policy', async () => {
    assert(problems.length === 0, problems.join('\n'));
  });

  await sharingSteps({
    step,
    assert,
    page,
    browser,
    baseUrl: url,
    token,
    files,
    cli: join(root, 'apps/cli/dist/mediaflow.js'),
    dataDir: join(tmp, 'data'),
    csp: CSP,
    outDir,
    playVideo,
    makeVideo,
    ownerProblems: problems,
    usePage: (p) => {
      currentPage = p;
    },
  });

  await searchSteps({ step, assert, page, tmp, outDir, ownerProblems: problems, usePage: (p) => (currentPage = p) });
  await (await import('./trash.mjs')).trashSteps({ step, assert, page, outDir, ownerProblems: problems, usePage: (p) => (currentPage = p) });
  await (await import('./live.mjs')).liveSteps({ step, assert, page, tmp, outDir, ownerProblems: problems, usePage: (p) => (currentPage = p) });
  await (await import('./resume.mjs')).resumeSteps({ step, assert, page, tmp, outDir, ownerProblems: problems, usePage: (p) => (currentPage = p) });
  await (await import('./phone.mjs')).phoneSteps({ step, assert, browser, baseUrl: url, token, csp: CSP, outDir, usePage: (p) => (currentPage = p) });

  await step('axe checked every view (sign-in, grid, tray, detail, dialogs, albums, share pages, review, trash, search); rules turned off are listed with their reasons', async () => {
    const expected = ['sign-in', 'grid and upload tray', 'detail view', 'confirmation', 'grid, dark', 'cost, dark', 'albums', 'album', 'share dialog', 'share link password', 'shared album', 'review', 'search results', 'trash', 'upload tray, interrupted'];
    const seen = new Set(checkedViews.map((c) => c.view));
    const missing = expected.filter((v) => !seen.has(v));
    assert(missing.length === 0, `views never checked (their step failed before the check): ${missing.join(', ')}`);
    for (const [rule, reason] of Object.entries(DISABLED_RULES)) log(`      axe rule off: ${rule}: ${reason}`);
    log(`      axe: ${checkedViews.map((c) => `${c.view} ${c.violations}`).join(', ')}`);
  });

  if (existsSync(join(outDir, 'grid.png'))) {
    mkdirSync(join(root, 'docs/screenshots'), { recursive: true });
    copyFileSync(join(outDir, 'grid.png'), join(root, 'docs/screenshots/gallery.png'));
  }
}

let exitCode = 1;
try {
  await main();
} catch (error) {
  results.push({ name: 'set-up', ok: false });
  log(`  ✗ set-up: ${error?.stack ?? error}`);
} finally {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await stopServer().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  log(`Screenshots: ${outDir}`);
  log(`e2e: ${passed} passed, ${failed} failed`);
  exitCode = failed === 0 && passed > 0 ? 0 : 1;
}
process.exit(exitCode);
