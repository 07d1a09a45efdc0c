// Search benchmark of the local store: one owner's library of N items (default 100,000) in a SQLite
// file written through the repository, then, in the same run:
//
// 1. search: typical queries (a word, a rare word, two words, a two- and a three-letter prefix as
//    typed, a word with a kind, a tag or a date filter, an album, date-taken pages with and without
//    a jump, the timeline), each repeated with different words: p50/p99 per query and overall;
// 2. reference for search: the same one-word query as a `LIKE` scan of the items' JSON, what a
//    store without a text index would do;
// 3. the plain list request (`GET /api/v1/media` first and deep pages) on that file, beside the same
//    list on a copy whose search index and date-taken index were removed (the list without the
//    index): p50/p99 of both and the difference;
// 4. index write cost: create() per item with the index, the full-text insert alone per item, and
//    the bytes the index adds per item (file size with and without it, after VACUUM).
//
//   npm run bench:search                      (= node tools/bench/search/run.mjs)
//   node tools/bench/search/run.mjs --items 20000 --rounds 100
//
// It first builds @mediaflow/storage (and @mediaflow/domain) and runs the compiled JavaScript, as
// the local server does. The DynamoDB figures (key conditions, capacity units per search and per
// write) are in libs/storage/README.md: an emulator's latency says nothing about DynamoDB's.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { option } from '../lib/args.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, '../../..');
const ITEMS = Number(option('items', '100000'));
const ROUNDS = Number(option('rounds', '200'));
const OWNER = 'bench-owner';

const built = spawnSync('npx', ['nx', 'run', '@mediaflow/storage:build', '--output-style=static'], {
  cwd: workspace,
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
});
if (built.status !== 0) process.exit(built.status ?? 1);

const domain = await import(pathToFileURL(join(workspace, 'libs/domain/dist/index.js')).href);
const sqlite = await import(pathToFileURL(join(workspace, 'libs/storage/dist/sqlite/index.js')).href);
const Database = createRequire(join(workspace, 'libs/storage/package.json'))('better-sqlite3');
const { ListQuerySchema, SearchQuerySchema } = domain;
const { SqliteMediaRepository, MEDIA_MIGRATIONS } = sqlite;

// ------------------------------------------------------------------------------------------------
// A deterministic library: words people use in titles, tags and labels, plus made-up words so the
// vocabulary has a long tail, as a real library's has.
// ------------------------------------------------------------------------------------------------

let seed = 0x2545f491;
function random() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}
const pick = (list) => list[Math.floor(random() * list.length)];
/** Mostly photos, as libraries are. */
const KINDS = ['image', 'image', 'image', 'image', 'video', 'audio', 'document'];

const SUBJECTS =
  'beach harbour mountain forest lake river city street market garden park wedding birthday concert festival sunset sunrise snow rain storm bridge castle church museum station airport kitchen dinner breakfast picnic school office library stadium harvest vineyard desert island lighthouse canyon glacier meadow village'.split(
    ' ',
  );
const PEOPLE = 'grandma grandpa mum dad sister brother cousin friends team class family baby uncle aunt neighbours'.split(' ');
const LABELS = [
  ['dog', 'animal'],
  ['cat', 'animal'],
  ['bird', 'animal'],
  ['horse', 'animal'],
  ['person', undefined],
  ['car', 'vehicle'],
  ['bicycle', 'vehicle'],
  ['boat', 'vehicle'],
  ['airplane', 'vehicle'],
  ['cake', 'food'],
  ['pizza', 'food'],
  ['cup', undefined],
  ['bottle', undefined],
  ['chair', 'furniture'],
  ['couch', 'furniture'],
  ['television', 'electronics'],
  ['laptop', 'electronics'],
  ['mobile phone', 'electronics'],
  ['umbrella', undefined],
  ['bench', undefined],
];
const USER_TAGS = 'holiday family work friends travel favourites archive school summer winter spring autumn project pets home'.split(' ');
const CAMERAS = [
  ['Canon', 'EOS R6'],
  ['Canon', 'EOS 80D'],
  ['NIKON CORPORATION', 'NIKON Z 6'],
  ['SONY', 'ILCE-7M3'],
  ['FUJIFILM', 'X-T30'],
  ['Apple', 'iPhone 15 Pro'],
  ['Google', 'Pixel 8'],
  ['samsung', 'SM-S918B'],
];
const SYLLABLES = 'ka lo mi ne ru sa te vo zi pa de fo gu hi jo ba ce'.split(' ');
const TAIL = Array.from({ length: 5000 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(SYLLABLES)).join(''));
const START = Date.UTC(2014, 0, 1);
const SPAN = Date.UTC(2026, 11, 1) - START;

function ulidAt(ms, n) {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i += 1) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rest = '';
  let r = n;
  for (let i = 0; i < 16; i += 1) {
    rest = alphabet[r % 32] + rest;
    r = Math.floor(r / 32);
  }
  return time + rest;
}

function makeItem(n, ownerId) {
  const created = new Date(Date.UTC(2026, 0, 1) + n * 1000);
  const id = ulidAt(created.getTime(), n);
  const kind = pick(KINDS);
  const subject = pick(SUBJECTS);
  const labels = Array.from({ length: Math.floor(random() * 4) }, () => pick(LABELS));
  const tags = [
    ...new Set(Array.from({ length: Math.floor(random() * 3) }, () => pick(USER_TAGS))),
  ].map((name) => ({ name, confidence: 1, source: 'user' }));
  for (const [name, parent] of labels) {
    if (tags.some((t) => t.name === name)) continue;
    tags.push({ name, confidence: 0.8, source: 'ai', ...(parent === undefined ? {} : { parent }) });
  }
  const camera = kind === 'image' && random() < 0.7 ? pick(CAMERAS) : undefined;
  const capturedAt = random() < 0.85 ? new Date(START + Math.floor(random() * SPAN)).toISOString() : undefined;
  const filename =
    random() < 0.5 ? `IMG_${String(1000 + (n % 9000)).padStart(4, '0')}.jpg` : `${subject}-${pick(TAIL)}-${n}.${kind === 'video' ? 'mp4' : 'jpg'}`;
  return {
    id,
    ownerId,
    kind,
    status: random() < 0.97 ? 'ready' : 'failed',
    ...(random() < 0.6 ? { title: `${subject} with ${pick(PEOPLE)} ${pick(TAIL)}` } : {}),
    ...(random() < 0.3 ? { description: Array.from({ length: 6 + Math.floor(random() * 12) }, () => (random() < 0.3 ? pick(SUBJECTS) : pick(TAIL))).join(' ') } : {}),
    original: { key: `originals/${ownerId}/${id}`, size: 1_000_000 + n, mime: 'image/jpeg', filename },
    facts: {
      ...(capturedAt === undefined ? {} : { capturedAt }),
      ...(camera === undefined ? {} : { camera: { make: camera[0], model: camera[1] } }),
      ...(kind === 'audio' ? { audio: { artist: `${pick(TAIL)} ${pick(TAIL)}`, album: pick(SUBJECTS), genre: pick(['jazz', 'folk', 'rock', 'classical']) } } : {}),
    },
    renditions: [],
    tags,
    moderation: { verdict: 'safe', labels: [] },
    createdAt: created.toISOString(),
    updatedAt: created.toISOString(),
    version: 1,
  };
}

// ------------------------------------------------------------------------------------------------
// Measuring
// ------------------------------------------------------------------------------------------------

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/** Runs `make(round)` ROUNDS times (after a few warm-up rounds): sorted latencies and mean results. */
async function measure(make) {
  for (let i = 0; i < 5; i += 1) await make(i);
  const times = [];
  let results = 0;
  for (let i = 0; i < ROUNDS; i += 1) {
    const { ms, result } = await timed(() => make(i));
    times.push(ms);
    results += result;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), meanResults: results / ROUNDS, times };
}

/** The change from `before` to `after` in per cent, signed. */
const signed = (after, before) => `${after >= before ? '+' : ''}${(((after - before) / before) * 100).toFixed(1)} %`;
const fmt = (ms) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2));
const rows = [];
function report(name, m, note = '') {
  rows.push(`| ${name} | ${fmt(m.p50)} | ${fmt(m.p99)} | ${m.meanResults.toFixed(1)} | ${note} |`);
  process.stdout.write(`  ${name}: p50 ${fmt(m.p50)} ms, p99 ${fmt(m.p99)} ms\n`);
}

// ------------------------------------------------------------------------------------------------
// The run
// ------------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'mf-bench-search-'));
try {
  const indexedFile = join(dir, 'media.db');
  const repo = new SqliteMediaRepository({ filename: indexedFile });
  process.stdout.write(`search bench: ${ITEMS} items of one owner (+${Math.round(ITEMS / 10)} of another), ${ROUNDS} rounds per query, ${cpus().length} CPUs\n`);

  // Writes: every item through create(), as uploads arrive (one transaction each).
  const createTimes = [];
  const writeStart = Date.now();
  for (let n = 0; n < ITEMS; n += 1) {
    const item = makeItem(n, OWNER);
    const start = process.hrtime.bigint();
    await repo.create(item);
    createTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  for (let n = 0; n < ITEMS / 10; n += 1) await repo.create(makeItem(ITEMS + n, 'someone-else'));
  createTimes.sort((a, b) => a - b);
  process.stdout.write(`  wrote ${ITEMS} items in ${((Date.now() - writeStart) / 1000).toFixed(1)} s\n`);

  // An album of 2,000 items, for the album filter.
  const albums = repo.albums();
  const albumId = ulidAt(Date.UTC(2026, 5, 1), 1);
  const now = new Date().toISOString();
  await albums.createAlbum({ id: albumId, ownerId: OWNER, name: 'Bench', itemCount: 0, createdAt: now, updatedAt: now, version: 1 });
  const newest = await repo.list(OWNER, ListQuerySchema.parse({ limit: 200 }));
  for (let i = 0; i < 10; i += 1) {
    const page = await repo.list(OWNER, ListQuerySchema.parse({ limit: 200, cursor: newest.nextCursor }));
    await albums.addItems(OWNER, albumId, page.items.map((m) => ({ mediaId: m.id, takenAt: domain.takenAtOf(m) })), new Date());
  }

  const search = repo.search();
  const q = (input) => search.search(OWNER, SearchQuerySchema.parse({ limit: 50, ...input })).then((p) => p.items.length);
  const word = (i) => SUBJECTS[i % SUBJECTS.length];
  const rare = (i) => TAIL[(i * 7) % TAIL.length];
  const queries = [
    ['one word (relevance)', (i) => q({ q: `${word(i)} ` })],
    ['one rare word', (i) => q({ q: `${rare(i)} ` })],
    ['two words', (i) => q({ q: `${word(i)} ${pick(PEOPLE)} ` })],
    ['two-letter prefix as typed', (i) => q({ q: word(i).slice(0, 2) })],
    ['three-letter prefix as typed', (i) => q({ q: word(i).slice(0, 3) })],
    ['synonym of a label (puppies -> dog)', () => q({ q: 'puppies ' })],
    ['word + kind', (i) => q({ q: `${word(i)} `, kind: 'video' })],
    ['word + tag', (i) => q({ q: `${word(i)} `, tags: USER_TAGS[i % USER_TAGS.length] })],
    ['word + date range (1 year)', (i) => q({ q: `${word(i)} `, from: `${2014 + (i % 12)}-01-01`, to: `${2014 + (i % 12)}-12-31` })],
    ['word, newest taken first', (i) => q({ q: `${word(i)} `, order: 'taken-desc' })],
    ['album', () => q({ album: albumId })],
    ['camera', (i) => q({ camera: CAMERAS[i % CAMERAS.length][1] })],
    ['timeline page (newest taken)', () => q({})],
    ['timeline jump to a month', (i) => q({ to: `${2014 + (i % 12)}-${String(1 + (i % 12)).padStart(2, '0')}-28` })],
    ['timeline months', () => search.timeline(OWNER).then((m) => m.length)],
  ];
  const all = [];
  process.stdout.write('search:\n');
  for (const [name, run] of queries) {
    const m = await measure(run);
    all.push(...m.times);
    report(name, m);
  }
  all.sort((a, b) => a - b);
  rows.push(`| **all searches** | **${fmt(percentile(all, 50))}** | **${fmt(percentile(all, 99))}** | | target: p99 < 20 ms |`);

  // Reference: the one-word query without a text index.
  const raw = new Database(indexedFile, { readonly: true });
  const like = raw.prepare("SELECT json FROM media WHERE owner_id = ? AND status <> 'deleted' AND json LIKE ? LIMIT 50");
  const reference = await measure(async (i) => like.all(OWNER, `%${rare(i)}%`).length);
  report('reference: rare word as a LIKE scan (no index)', reference, 'what the index saves');
  raw.close();

  // The list with and without the index, on the same rows.
  const plainFile = join(dir, 'plain.db');
  repo.close();
  copyFileSync(indexedFile, plainFile);
  const plainDb = new Database(plainFile);
  plainDb.exec("INSERT INTO media_search(media_search) VALUES ('delete-all'); DROP INDEX media_listed_by_taken; VACUUM;");
  plainDb.close();
  const sizedDb = new Database(indexedFile);
  sizedDb.exec('VACUUM');
  sizedDb.close();
  const indexBytes = statSync(indexedFile).size - statSync(plainFile).size;

  const withIndex = new SqliteMediaRepository({ filename: indexedFile });
  const withoutIndex = new SqliteMediaRepository({ filename: plainFile });
  const deepCursor = async (r) => {
    let cursor;
    for (let i = 0; i < 20; i += 1) cursor = (await r.list(OWNER, ListQuerySchema.parse({ limit: 50, ...(cursor ? { cursor } : {}) }))).nextCursor;
    return cursor;
  };
  // Both files answer the same requests in turn (one with, one without, alternating), so any noise
  // of the machine falls on both alike; five times the search rounds, as list timings are smaller.
  const listKinds = [
    ['list, first page', () => ListQuerySchema.parse({ limit: 50 })],
    ['list, page 21', (deep) => ListQuerySchema.parse({ limit: 50, cursor: deep })],
    ['list by tag', (_deep, i) => ListQuerySchema.parse({ limit: 50, tag: USER_TAGS[i % USER_TAGS.length] })],
  ];
  const deeps = [await deepCursor(withoutIndex), await deepCursor(withIndex)];
  const listRuns = [];
  for (const [name, query] of listKinds) {
    const times = [[], []];
    const counts = [0, 0];
    const repos = [withoutIndex, withIndex];
    for (let i = 0; i < ROUNDS * 5 + 10; i += 1) {
      for (const side of i % 2 === 0 ? [0, 1] : [1, 0]) {
        const { ms, result } = await timed(() => repos[side].list(OWNER, query(deeps[side], i)).then((p) => p.items.length));
        if (i < 10) continue;
        times[side].push(ms);
        counts[side] += result;
      }
    }
    const stats = times.map((t, side) => {
      t.sort((a, b) => a - b);
      return { p50: percentile(t, 50), p99: percentile(t, 99), meanResults: counts[side] / t.length, times: t };
    });
    listRuns.push({ name, without: stats[0], with: stats[1] });
  }
  withIndex.close();
  withoutIndex.close();
  process.stdout.write('list:\n');
  for (const run of listRuns) {
    report(`${run.name} (without the index)`, run.without);
    report(`${run.name} (with the index)`, run.with, `p99 ${signed(run.with.p99, run.without.p99)}, p50 ${signed(run.with.p50, run.without.p50)}`);
  }
  const firstPage = listRuns[0];

  // The full-text insert alone, per item, in a table made by migration 4's own SQL.
  const scratch = new Database(join(dir, 'scratch.db'));
  scratch.pragma('journal_mode = WAL');
  scratch.pragma('synchronous = NORMAL');
  const ftsSql = MEDIA_MIGRATIONS.find((m) => m.version === 4).sql.split(';').find((s) => s.includes('CREATE VIRTUAL TABLE'));
  scratch.exec(ftsSql);
  const columns = domain.SEARCH_FIELDS;
  const insert = scratch.prepare(`INSERT INTO media_search (rowid, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})`);
  const one = scratch.transaction((rowid, doc) => insert.run(rowid, ...columns.map((c) => doc[c].join(' '))));
  const ftsTimes = [];
  for (let n = 0; n < Math.min(ITEMS, 20000); n += 1) {
    const doc = domain.searchDocument(makeItem(n, OWNER));
    const start = process.hrtime.bigint();
    one(n + 1, doc);
    ftsTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ftsTimes.sort((a, b) => a - b);
  scratch.close();

  const lines = [
    '',
    `### Search at ${ITEMS.toLocaleString('en-US')} items (SQLite, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'})`,
    '',
    '| request | p50 ms | p99 ms | results | note |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `List p99 (first page) with the index vs without: ${fmt(firstPage.with.p99)} vs ${fmt(firstPage.without.p99)} ms (${signed(firstPage.with.p99, firstPage.without.p99)}; target within 10 %).`,
    `Index write cost: create() per item p50 ${fmt(percentile(createTimes, 50))} ms / p99 ${fmt(percentile(createTimes, 99))} ms with the index; the full-text insert alone p50 ${fmt(percentile(ftsTimes, 50))} ms (own transaction); ${(indexBytes / ITEMS).toFixed(0)} bytes of index per item (${(indexBytes / 2 ** 20).toFixed(1)} MiB in all).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
