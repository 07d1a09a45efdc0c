import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveJobQueue } from '@mediaflow/domain';
import { buildArchive, storeWriter } from '@mediaflow/media-service';
import { inMemoryDeps, type InMemoryDeps } from '@mediaflow/media-service/testing';
import { apiSpecHarness } from './api.spec-support.js';
import { createApi } from './app.js';
import { bearerTokens } from './auth.js';
import { unzipWithPython, type UnzippedEntry } from './downloads.spec-support.js';
import { LocalTokens } from './local-tokens.js';
import type { DownloadView } from './routes/downloads.js';

// Downloads over HTTP: the app on in-memory deps, items seeded ready with their originals in the
// store; each zip is read back by Python's zipfile.

function setup(extras: { archiveJobs?: ArchiveJobQueue } = {}) {
  const deps: InMemoryDeps = inMemoryDeps(extras);
  return { deps, ...apiSpecHarness(deps) };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mf-downloads-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The path and query of a link, as the app is asked in a test. */
const local = (url: string | null): string => {
  const parsed = new URL(url ?? 'http://missing/');
  return `${parsed.pathname}${parsed.search}`;
};

async function unzip(response: Response): Promise<UnzippedEntry[]> {
  const path = join(dir, 'download.zip');
  writeFileSync(path, Buffer.from(await response.arrayBuffer()));
  return unzipWithPython(path);
}

const text = (entry: UnzippedEntry | undefined): string => Buffer.from(entry?.data ?? '', 'base64').toString('utf8');

describe('POST /api/v1/downloads on the local server', () => {
  it('answers ready with a signed link that streams the zip of the owner’s items as an attachment', async () => {
    const s = setup();
    const first = await s.seed('alice', { original: { key: '', size: 3, mime: 'image/jpeg', filename: 'Beach.jpg' } });
    const second = await s.seed('alice', { original: { key: '', size: 3, mime: 'image/jpeg', filename: 'beach.JPG' } });
    const bobs = await s.seed('bob');
    const unknown = s.deps.ids.next();
    const ids = [first.id, second.id, bobs.id, unknown];
    const view = await s.json<DownloadView>('/api/v1/downloads', { owner: 'alice', method: 'POST', json: { ids } });
    expect(view).toMatchObject({ kind: 'selection', status: 'ready', reason: null, url: expect.stringMatching(/^http:\/\/localhost\/_local\/archives\/alice\//) });
    expect(Date.parse(view.expiresAt ?? '')).toBe(s.deps.clock.now().getTime() + 900_000);

    // The link is the credential: no token needed, as for a browser's download.
    const res = await s.call(local(view.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="mediaflow-2026-06-01.zip"; filename*=UTF-8''mediaflow-2026-06-01.zip`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const length = Number(res.headers.get('content-length'));
    const entries = await unzip(res);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['Beach.jpg', 3],
      ['beach (2).JPG', 3],
      ['manifest.json', expect.any(Number)],
    ]);
    expect(entries[0]?.data).toBe(Buffer.from([9, 9, 9]).toString('base64'));
    expect(length).toBeGreaterThan(0);
    // Another owner's item is skipped exactly as an unknown id is: nothing tells them apart.
    expect(JSON.parse(text(entries[2]))).toMatchObject({
      files: [{ id: first.id }, { id: second.id }],
      skipped: [
        { id: bobs.id, reason: 'not_found' },
        { id: unknown, reason: 'not_found' },
      ],
    });
  });

  it('takes a rendition by name, the original where an item has none', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const view = await s.json<DownloadView>('/api/v1/downloads', { owner: 'alice', method: 'POST', json: { ids: [item.id], rendition: 'thumb' } });
    const entries = await unzip(await s.call(local(view.url)));
    // The seeded thumbnail is a WebP of 4 bytes.
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['photo.webp', 4],
      ['manifest.json', expect.any(Number)],
    ]);
    const large = await s.json<DownloadView>('/api/v1/downloads', { owner: 'alice', method: 'POST', json: { ids: [item.id], rendition: 'large' } });
    const fallback = await unzip(await s.call(local(large.url)));
    // An image without `large` comes as its largest image rendition.
    expect(fallback[0]?.name).toBe('photo.webp');
  });

  it.each([
    ['no ids', { ids: [] }],
    ['ids that are not media ids', { ids: ['a/../b'] }],
    ['more than 2,000 ids', { ids: Array.from({ length: 2001 }, () => '01J00000000000000000000000') }],
    ['a rendition that is no name', { ids: ['01J00000000000000000000000'], rendition: 'Large!' }],
    ['a field it does not know', { ids: ['01J00000000000000000000000'], format: 'tar' }],
  ])('answers 400 for %s', async (_, json) => {
    const s = setup();
    const problem = await s.problem('/api/v1/downloads', { owner: 'alice', method: 'POST', json }, 400);
    expect(problem.detail).toMatch(/invalid request body/);
  });

  it('answers 401 without a token, 415 for a body that is not JSON', async () => {
    const s = setup();
    await s.problem('/api/v1/downloads', { method: 'POST', json: { ids: ['01J00000000000000000000000'] } }, 401);
    await s.problem('/api/v1/downloads', { owner: 'alice', method: 'POST', headers: { 'content-type': 'text/plain' } }, 415);
  });

  it('refuses a tampered or expired link with 403, and a selection with nothing to download with 404', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const view = await s.json<DownloadView>('/api/v1/downloads', { owner: 'alice', method: 'POST', json: { ids: [item.id] } });
    const link = local(view.url);
    await s.problem(link.replace('/alice/', '/bob/'), {}, 403);
    await s.problem(link.replace(/sig=./, 'sig=A'), {}, 403);
    await s.problem(link.replace(/&sig=.*/, ''), {}, 403);
    s.deps.clock.advance(900_000);
    await s.problem(link, {}, 403);

    const nothing = await s.json<DownloadView>('/api/v1/downloads', { owner: 'alice', method: 'POST', json: { ids: [s.deps.ids.next()] } });
    const problem = await s.problem(local(nothing.url), {}, 404);
    expect(problem.detail).toBe('none of the selected items can be downloaded');
  });
});

describe('GET /api/v1/downloads/{id}', () => {
  it('gives the owner a fresh link, and nobody else anything', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const asked = await s.json<DownloadView>('/api/v1/downloads', { owner: 'alice', method: 'POST', json: { ids: [item.id] } });
    s.deps.clock.advance(600_000);
    const again = await s.json<DownloadView>(`/api/v1/downloads/${asked.id}`, { owner: 'alice' });
    expect(again).toMatchObject({ id: asked.id, status: 'ready', createdAt: asked.createdAt });
    expect(again.expiresAt).not.toBe(asked.expiresAt);
    expect((await s.call(local(again.url))).status).toBe(200);

    await s.problem(`/api/v1/downloads/${asked.id}`, { owner: 'bob' }, 404);
    await s.problem(`/api/v1/downloads/${s.deps.ids.next()}`, { owner: 'alice' }, 404);
    await s.problem('/api/v1/downloads/not-an-id', { owner: 'alice' }, 400);
  });
});

describe('POST /api/v1/export', () => {
  it('streams every original of the owner with library.json', async () => {
    const s = setup();
    const item = await s.seed('alice', { title: 'Harbour', description: 'At night', tags: [{ name: 'boat', confidence: 1, source: 'user' }] });
    await s.seed('bob');
    const album = await s.json<{ id: string }>('/api/v1/albums', { owner: 'alice', method: 'POST', json: { name: 'Trips' } }, 201);
    await s.json(`/api/v1/albums/${album.id}/items`, { owner: 'alice', method: 'POST', json: { mediaIds: [item.id] } });

    const view = await s.json<DownloadView>('/api/v1/export', { owner: 'alice', method: 'POST' });
    expect(view).toMatchObject({ kind: 'export', status: 'ready' });
    const res = await s.call(local(view.url));
    expect(res.headers.get('content-disposition')).toContain('mediaflow-library-2026-06-01.zip');
    const entries = await unzip(res);
    expect(entries.map((e) => e.name)).toEqual(['originals/photo.jpg', 'library.json']);
    expect(JSON.parse(text(entries[1]))).toMatchObject({
      ownerId: 'alice',
      items: [{ id: item.id, file: 'originals/photo.jpg', title: 'Harbour', description: 'At night', tags: [{ name: 'boat' }], albums: [album.id] }],
      albums: [{ id: album.id, name: 'Trips', items: [item.id] }],
    });
  });
});

describe('downloads where archives are built away from the request', () => {
  it('answers 202 pending, then ready with the store’s link once the job wrote the zip; no local stream', async () => {
    const jobs: { ownerId: string; archiveId: string }[] = [];
    const s = setup({ archiveJobs: { enqueue: async (job) => void jobs.push(job) } });
    const item = await s.seed('alice');
    const asked = await s.json<DownloadView>('/api/v1/downloads', { owner: 'alice', method: 'POST', json: { ids: [item.id] } }, 202);
    expect(asked).toMatchObject({ status: 'pending', url: null, expiresAt: null });
    expect(jobs).toEqual([{ ownerId: 'alice', archiveId: asked.id }]);
    expect(await s.json<DownloadView>(`/api/v1/downloads/${asked.id}`, { owner: 'alice' })).toMatchObject({ status: 'pending' });

    await buildArchive({ ...s.deps, writer: storeWriter(s.deps.store), log: () => undefined }, jobs[0]);
    const ready = await s.json<DownloadView>(`/api/v1/downloads/${asked.id}`, { owner: 'alice' });
    expect(ready).toMatchObject({ status: 'ready', url: expect.stringContaining(`downloads/alice/${asked.id}/archive.zip`) });
    await s.problem(`/api/v1/downloads/${asked.id}`, { owner: 'bob' }, 404);

    const exported = await s.json<DownloadView>('/api/v1/export', { owner: 'alice', method: 'POST' }, 202);
    expect(exported).toMatchObject({ kind: 'export', status: 'pending' });
    expect((await s.call(`/_local/archives/alice/${asked.id}?expires=9999999999&sig=x`)).status).toBe(404);
  });
});

describe('downloads on a server that neither streams files nor has archive jobs', () => {
  it('does not offer them: the routes do not exist', async () => {
    const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7) });
    const app = createApi({ deps: inMemoryDeps(), verifier: bearerTokens(tokens) });
    const headers = { authorization: `Bearer ${tokens.issue('alice')}`, 'content-type': 'application/json' };
    const asked = await app.request('/api/v1/downloads', { method: 'POST', headers, body: JSON.stringify({ ids: ['01J00000000000000000000000'] }) });
    expect(asked.status).toBe(404);
    expect((await app.request('/api/v1/export', { method: 'POST', headers })).status).toBe(404);
  });
});
