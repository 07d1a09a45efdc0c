import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { renditionKey, systemClock, ulidGenerator, type MediaItem } from '@mediaflow/domain';
import { InMemoryEventBus, InMemoryObjectStore, makeMediaItem } from '@mediaflow/domain/testing';
import { addAlbumItems, createAlbum, createShare, deleteAccount, ServiceConfigSchema, type AccountDeps } from '@mediaflow/media-service';
import { createDynamoClient, createMediaTable, DynamoAlbumRepository, DynamoMediaRepository, DynamoMediaSearch, DynamoShareLinkRepository, emulateTransactions } from '@mediaflow/storage/dynamodb';
import dynalite from 'dynalite';
import sharp from 'sharp';
import { LocalConfigSchema } from './config.js';
import { startLocalStack, type LocalStack } from './stack.js';

jest.setTimeout(120_000);

// Deleting an account on the local stack as `mediaflow serve` composes it (SQLite, the filesystem
// store, local tokens): afterwards nothing of the owner is in any table of the media database
// (tables enumerated from the schema, so a table added later is covered), in any file of the
// object store, behind any share link, or accepted as a token; the other owner's library is whole.

/** Owner ids and a word that occur nowhere else in the test's data, so a scan for them finds only what is theirs. */
const ALICE = 'alicezq';
const BOB = 'bobzq';
const ALICE_WORD = 'quokkaparade';

interface View {
  id: string;
  status: string;
  renditions: { name: string }[];
}

async function jpeg(seed: number): Promise<Buffer> {
  const noise = Buffer.alloc(32 * 24 * 3);
  for (let i = 0; i < noise.length; i += 1) noise[i] = (i * (seed + 7) * 31) % 251;
  return sharp(noise, { raw: { width: 32, height: 24, channels: 3 } }).resize(640, 480).jpeg({ quality: 80 }).toBuffer();
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

const WORKSPACE = resolve(__dirname, '../../../..');

/**
 * Every row of every table of a SQLite file in which `needle` occurs (in text, or in a blob's
 * bytes), tables enumerated from the schema. Read in a process of its own with the workspace's
 * better-sqlite3, as `outages.medium.ts` locks the database: the CLI itself reaches SQLite only
 * through the storage and messaging libraries.
 */
async function rowsMentioning(file: string, needle: string): Promise<string[]> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.env.MF_DB, { readonly: true });
    const found = [];
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()) {
      for (const row of db.prepare('SELECT * FROM "' + name.replace(/"/g, '""') + '"').all()) {
        for (const value of Object.values(row)) {
          const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
          if (text.includes(process.env.MF_NEEDLE)) found.push(name + ': ' + JSON.stringify(row).slice(0, 200));
        }
      }
    }
    db.close();
    process.stdout.write(JSON.stringify(found));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: WORKSPACE, env: { ...process.env, MF_DB: file, MF_NEEDLE: needle }, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as string[];
}

describe('deleting an account on the local stack', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-account-'));
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  function client(s: LocalStack, token: string) {
    const auth = { authorization: `Bearer ${token}` };
    return {
      get: (path: string) => fetch(`${s.url}${path}`, { headers: auth }),
      send: (method: string, path: string, body?: unknown) =>
        fetch(`${s.url}${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
    };
  }

  type Client = ReturnType<typeof client>;

  async function upload(api: Client, bytes: Buffer, filename: string): Promise<string> {
    const res = await api.send('POST', '/api/v1/uploads', { filename, size: bytes.length });
    expect(res.status).toBe(201);
    const started = (await res.json()) as { id: string; upload: { url: string; headers: Record<string, string> } };
    const put = await fetch(started.upload.url, { method: 'PUT', headers: started.upload.headers, body: bytes });
    expect(put.status).toBe(200);
    return started.id;
  }

  async function ready(api: Client, id: string): Promise<View> {
    const end = Date.now() + 60_000;
    for (;;) {
      const item = (await (await api.get(`/api/v1/media/${id}`)).json()) as View;
      if (item.status === 'ready') return item;
      if (['failed', 'flagged'].includes(item.status) || Date.now() > end) throw new Error(`item ${id} is ${item.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A library: ready items with renditions (one a favourite, tagged and titled), one in the trash, two uploads in flight, an album, a share link. */
  async function library(api: Client, seed: number, word: string): Promise<{ share: string; ids: string[] }> {
    const ids = [await upload(api, await jpeg(seed), 'a.jpg'), await upload(api, await jpeg(seed + 1), 'b.jpg'), await upload(api, await jpeg(seed + 2), 'c.jpg')];
    for (const id of ids) expect((await ready(api, id)).renditions.length).toBeGreaterThan(0);
    const [favourite, inAlbum, trashed] = ids as [string, string, string];
    expect((await api.send('PATCH', `/api/v1/media/${favourite}`, { favourite: true, title: `${word} sunset`, tags: [word, 'beach'] })).status).toBe(200);
    expect((await api.send('DELETE', `/api/v1/media/${trashed}`)).status).toBe(204);
    // Uploads in flight: a single PUT whose bytes never came, and a multipart upload.
    expect((await api.send('POST', '/api/v1/uploads', { filename: 'later.jpg', size: 1000 })).status).toBe(201);
    expect((await api.send('POST', '/api/v1/uploads', { filename: 'large.mp4', size: 70 * 1024 * 1024 })).status).toBe(201);
    const album = (await (await api.send('POST', '/api/v1/albums', { name: `${word} trip` })).json()) as { id: string };
    expect((await api.send('POST', `/api/v1/albums/${album.id}/items`, { mediaIds: [favourite, inAlbum] })).status).toBe(200);
    const created = await api.send('POST', '/api/v1/shares', { target: { type: 'album', albumId: album.id } });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    return { share: token, ids };
  }

  it('removes everything of the owner, revokes their tokens, and leaves the other owner whole', async () => {
    stack = await startLocalStack(LocalConfigSchema.parse({ port: 0, dataDir, retryBaseSeconds: 0.2, pollSeconds: 0.1, imageConcurrency: 2, tagger: 'off', toolSearchPath: process.env['PATH'] }));
    const s = stack;
    const aliceToken = s.tokens.issue(ALICE);
    const alice = client(s, aliceToken);
    const bob = client(s, s.tokens.issue(BOB));
    const aliceLibrary = await library(alice, 1, ALICE_WORD);
    const bobLibrary = await library(bob, 11, 'wombatmarch');
    expect((await fetch(`${s.url}/api/v1/shared/${aliceLibrary.share}`)).status).toBe(200);

    // The phrase is asked for, exactly.
    expect((await alice.send('DELETE', '/api/v1/me')).status).toBe(400);
    expect((await alice.send('DELETE', '/api/v1/me', { confirm: 'Delete my account' })).status).toBe(400);
    expect((await alice.send('DELETE', '/api/v1/me', { confirm: 'delete my account', also: 1 })).status).toBe(400);
    expect((await alice.get('/api/v1/me')).status).toBe(200);

    let answer: Response;
    let calls = 0;
    const removed = { items: 0, albums: 0, shares: 0 };
    do {
      answer = await alice.send('DELETE', '/api/v1/me', { confirm: 'delete my account' });
      expect([200, 202]).toContain(answer.status);
      const body = (await answer.json()) as { done: boolean; removed: typeof removed };
      expect(body.done).toBe(answer.status === 200);
      removed.items += body.removed.items;
      removed.albums += body.removed.albums;
      removed.shares += body.removed.shares;
      calls += 1;
    } while (answer.status === 202 && calls < 20);
    expect(answer.status).toBe(200);
    expect(removed).toEqual({ items: 5, albums: 1, shares: 1 });

    // The old token is refused; the link is gone.
    expect([401, 403]).toContain((await alice.get('/api/v1/me')).status);
    expect([401, 403]).toContain((await alice.send('DELETE', '/api/v1/me', { confirm: 'delete my account' })).status);
    expect((await fetch(`${s.url}/api/v1/shared/${aliceLibrary.share}`)).status).toBe(404);

    // Bob's library is whole.
    const bobItems = (await (await bob.get('/api/v1/media')).json()) as { items: { id: string }[] };
    const listed = bobItems.items.map((i) => i.id);
    expect(listed).toEqual(expect.arrayContaining(bobLibrary.ids.slice(0, 2)));
    // Beside the uploads in flight, which are listed too.
    expect(listed).toHaveLength(4);
    expect((await fetch(`${s.url}/api/v1/shared/${bobLibrary.share}`)).status).toBe(200);
    expect(((await (await bob.get('/api/v1/albums')).json()) as { items: unknown[] }).items).toHaveLength(1);
    expect(((await (await bob.get('/api/v1/trash')).json()) as { items: unknown[] }).items).toHaveLength(1);

    await s.stop();
    stack = undefined;

    // Nothing of Alice in any table of the media database, nor her words in its search index, but
    // her tombstone and her list revision (moved on, so nothing cached for her is current again).
    const mediaDb = join(dataDir, 'media.db');
    expect((await rowsMentioning(mediaDb, ALICE)).map((row) => row.split(':')[0]).sort()).toEqual(['deleted_owners', 'owner_revision']);
    expect(await rowsMentioning(mediaDb, ALICE_WORD)).toEqual([]);
    // The scan can fail: Bob's rows are found the same way.
    expect((await rowsMentioning(mediaDb, BOB)).length).toBeGreaterThan(0);
    expect((await rowsMentioning(mediaDb, 'wombatmarch')).length).toBeGreaterThan(0);

    // Nor in the queues' database (no message about her is left waiting).
    expect(await rowsMentioning(join(dataDir, 'queues.db'), ALICE)).toEqual([]);
    // No file of the store names her or holds her owner id (temp files and multipart uploads included).
    const objects = join(dataDir, 'objects');
    const leftovers: string[] = [];
    let bobFiles = 0;
    for (const file of await filesUnder(objects)) {
      const path = relative(objects, file);
      const small = (await stat(file)).size < 64 * 1024 ? await readFile(file, 'latin1') : '';
      if (path.includes(ALICE) || small.includes(ALICE)) leftovers.push(path);
      if (path.includes(BOB)) bobFiles += 1;
    }
    expect(leftovers).toEqual([]);
    expect(bobFiles).toBeGreaterThan(3);
  });
});

describe('deleting an account over DynamoDB (dynalite)', () => {
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('leaves no row of the owner in the media table and keeps the other owner\u2019s', async () => {
    const options = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
    // dynalite has no TransactWriteItems: the repositories' client plays them over single writes.
    const client = createDynamoClient(options);
    const raw = createDynamoClient(options);
    emulateTransactions(raw).attach(client);
    const tableName = 'media-account-test';
    await createMediaTable(raw, tableName);
    const table = { tableName };
    const repo = new DynamoMediaRepository(table, { client });
    const albums = new DynamoAlbumRepository(table, { client });
    const deps: AccountDeps = {
      repo,
      records: repo,
      albums,
      shares: new DynamoShareLinkRepository(table, { client }),
      review: repo,
      search: new DynamoMediaSearch(table, { client }),
      store: new InMemoryObjectStore(),
      bus: new InMemoryEventBus(),
      ids: ulidGenerator,
      clock: systemClock,
      config: ServiceConfigSchema.parse({}),
    };
    try {
      for (const ownerId of [ALICE, BOB]) {
        const word = ownerId === ALICE ? ALICE_WORD : 'wombatmarch';
        const made: MediaItem[] = [];
        for (const status of ['ready', 'trashed', 'uploading'] as const) {
          const draft = makeMediaItem({ ownerId, status, title: `${word} ${status}`, tags: status === 'ready' ? [{ name: word, confidence: 1, source: 'user' }] : [] });
          const renditions = status === 'uploading' ? [] : [{ name: 'thumb', format: 'webp' as const, key: renditionKey(ownerId, draft.id, 'thumb', 'webp'), contentType: 'image/webp', width: 256, height: 192, bytes: 3 }];
          const item = await repo.create({ ...draft, renditions, ...(status === 'trashed' ? { trash: { at: draft.updatedAt, from: 'ready' as const } } : {}) });
          await deps.store.put(item.original.key, new Uint8Array([1]));
          for (const r of item.renditions) await deps.store.put(r.key, new Uint8Array([2]));
          made.push(item);
        }
        const album = await createAlbum(deps, ownerId, { name: `${word} trip` });
        await addAlbumItems(deps, ownerId, album.id, { mediaIds: [made[0]?.id ?? ''] });
        await createShare(deps, ownerId, { target: { type: 'album', albumId: album.id } });
      }
      const rowsOf = async (needle: string): Promise<string[]> =>
        ((await raw.send(new ScanCommand({ TableName: tableName }))).Items ?? []).filter((row) => JSON.stringify(row).includes(needle)).map((row) => `${row['PK']?.S} ${row['SK']?.S}`);
      expect((await rowsOf(ALICE)).length).toBeGreaterThan(8);

      let result;
      let calls = 0;
      do {
        result = await deleteAccount(deps, ALICE, { budgetMs: 10_000 });
        calls += 1;
      } while (!result.done && calls < 10);
      expect(result.done).toBe(true);

      // Only her tombstone is left.
      expect(await rowsOf(ALICE)).toEqual([`OWNER#${ALICE} ACCOUNT#DELETED`]);
      expect(await rowsOf(ALICE_WORD)).toEqual([]);
      const bobs = await rowsOf(BOB);
      for (const kind of ['MEDIA#', 'ALBUM#', 'SHARELINK#', 'MONTH#', 'SEARCH#']) expect(bobs.some((row) => row.includes(kind))).toBe(true);
      const keys: string[] = [];
      for await (const head of deps.store.list('')) keys.push(head.key);
      expect(keys.filter((key) => key.includes(ALICE))).toEqual([]);
      expect(keys.filter((key) => key.includes(BOB))).toHaveLength(5);
    } finally {
      client.destroy();
      raw.destroy();
    }
  });
});
