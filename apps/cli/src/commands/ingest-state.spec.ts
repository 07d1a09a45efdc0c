import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultIngestStatePath, IngestState, writeAtomically, type AtomicWriteFs, type IngestUploadEntry } from './ingest-state.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');

function entry(overrides: Partial<IngestUploadEntry> = {}): IngestUploadEntry {
  return {
    baseUrl: 'http://localhost:3000',
    owner: 'local',
    path: '/photos/clip.mp4',
    size: 40 * 1024 * 1024,
    mtimeMs: 1_765_000_000_000,
    sha256: 'a'.repeat(64),
    id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    uploadId: 'u-1',
    partSize: 5 * 1024 * 1024,
    partCount: 8,
    startedAt: '2026-12-07T11:00:00.000Z',
    resumableUntil: '2026-12-08T11:00:00.000Z',
    ...overrides,
  };
}

describe('the ingest state file', () => {
  let dir: string;
  let file: string;
  let warnings: string[];
  const open = (fs?: AtomicWriteFs) => new IngestState(file, { warn: (m) => warnings.push(m), now: () => NOW, ...(fs ? { fs } : {}) });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-ingest-state-'));
    file = join(dir, 'state', 'ingest-state.json');
    warnings = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records an upload, finds it by the file\u2019s identity only, and forgets it', async () => {
    const state = open();
    expect(await state.put(entry())).toBe(true);
    expect(await open().find(entry())).toEqual(entry());
    // The same path changed since (another hash, size or time), another owner or server: not the same upload.
    for (const other of [{ sha256: 'b'.repeat(64) }, { size: 1 }, { mtimeMs: 1 }, { owner: 'alice' }, { baseUrl: 'https://media.example.com' }]) {
      expect(await state.find(entry(other))).toBeUndefined();
    }
    expect(await state.remove(entry())).toBe(true);
    expect(await open().find(entry())).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('replaces the entry of a file started again, and keeps every change made at once', async () => {
    const state = open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => state.put(entry({ path: `/photos/${i}.mp4` }))));
    await state.put(entry({ path: '/photos/3.mp4', uploadId: 'u-2' }));
    const entries = await open().entries();
    expect(entries).toHaveLength(20);
    expect(entries.find((e) => e.path === '/photos/3.mp4')?.uploadId).toBe('u-2');
  });

  it('keeps every entry when two states of one file change it at once (two ingest runs)', async () => {
    const [a, b] = [open(), open()];
    const puts = Array.from({ length: 15 }, (_, i) => [a.put(entry({ path: `/a/${i}.mp4` })), b.put(entry({ path: `/b/${i}.mp4` }))]).flat();
    expect(await Promise.all(puts)).toEqual(puts.map(() => true));
    expect((await open().entries()).map((e) => e.path).sort()).toEqual([...Array.from({ length: 15 }, (_, i) => `/a/${i}.mp4`), ...Array.from({ length: 15 }, (_, i) => `/b/${i}.mp4`)].sort());
    // Removals interleaved with puts of another instance lose nothing either.
    const mixed = Array.from({ length: 15 }, (_, i) => [a.remove(entry({ path: `/a/${i}.mp4` })), b.put(entry({ path: `/c/${i}.mp4` }))]).flat();
    await Promise.all(mixed);
    expect((await open().entries()).filter((e) => !e.path.startsWith('/b/'))).toHaveLength(15);
    expect(await readdir(join(dir, 'state'))).toEqual(['ingest-state.json']);
    expect(warnings).toEqual([]);
  });

  it('keeps every entry when two processes change the file at once', async () => {
    await mkdir(join(dir, 'state'));
    const barrier = join(dir, 'ready');
    const script = join(dir, 'writer.mts');
    await writeFile(
      script,
      `
import { IngestState } from ${JSON.stringify(resolve(__dirname, 'ingest-state.ts'))};
import { existsSync, writeFileSync } from 'node:fs';
const [file, tag, barrier] = process.argv.slice(2);
const state = new IngestState(file, { warn: (m) => { process.stderr.write(m); process.exitCode = 2; } });
writeFileSync(barrier + '-' + tag, '');
while (!(existsSync(barrier + '-a') && existsSync(barrier + '-b'))) await new Promise((r) => setTimeout(r, 5));
const base = ${JSON.stringify(entry())};
const done = await Promise.all(Array.from({ length: 25 }, (_, i) => state.put({ ...base, path: '/' + tag + '/' + i, resumableUntil: '2099-01-01T00:00:00.000Z' })));
if (done.some((ok) => !ok)) process.exitCode = 3;
`,
    );
    const run = (tag: string) =>
      new Promise<void>((done, reject) => {
        const child = spawn(process.execPath, ['--conditions=@mediaflow/source', '--import', '@swc-node/register/esm-register', script, file, tag, barrier], {
          cwd: resolve(__dirname, '../..'),
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? done() : reject(new Error(`writer ${tag} exited with ${code}: ${err}`))));
      });
    await Promise.all([run('a'), run('b')]);
    const paths = (await open().entries()).map((e) => e.path);
    expect(paths).toHaveLength(50);
    expect(new Set(paths).size).toBe(50);
    expect(await readdir(join(dir, 'state'))).toEqual(['ingest-state.json']);
  }, 30_000);

  it.each([
    ['older than 30 s', { pid: process.pid, host: hostname(), at: Date.now() - 31_000, token: 'old' }],
    ['left by a process that is gone', { pid: 2 ** 22 + 7, host: hostname(), at: Date.now(), token: 'gone' }],
  ])('takes over a lock %s', async (_name, held) => {
    await mkdir(join(dir, 'state'));
    await writeFile(`${file}.lock`, JSON.stringify(held));
    expect(await open().put(entry())).toBe(true);
    expect(await open().find(entry())).toEqual(entry());
    expect(await readdir(join(dir, 'state'))).toEqual(['ingest-state.json']);
    expect(warnings).toEqual([]);
  });

  it('takes over an unreadable lock by its age only', async () => {
    await mkdir(join(dir, 'state'));
    await writeFile(`${file}.lock`, '{"pid": 12');
    const state = new IngestState(file, { warn: (m) => warnings.push(m), now: () => NOW, lock: { waitMs: 50 } });
    expect(await state.put(entry())).toBe(false);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    expect(await state.put(entry())).toBe(true);
  });

  it('waits for a lock a live process holds, then gives up with a warning and leaves the file alone', async () => {
    await open().put(entry());
    const before = await readFile(file, 'utf8');
    await writeFile(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), token: 'live' }));
    const state = new IngestState(file, { warn: (m) => warnings.push(m), now: () => NOW, lock: { waitMs: 100 } });
    const started = Date.now();
    expect(await state.put(entry({ path: '/photos/other.mp4' }))).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(warnings).toEqual([expect.stringContaining('stayed locked')]);
    expect(await readFile(`${file}.lock`, 'utf8')).toContain('"live"');
  });

  it('writes through a temp file renamed into place, private to its owner, and leaves no temp file', async () => {
    const calls: string[] = [];
    const fs: AtomicWriteFs = {
      writeFile: async (path, data, options) => {
        calls.push(`write ${path.replace(dir, '')} ${options.mode.toString(8)}`);
        await writeFile(path, data, options);
      },
      rename: async (from, to) => {
        calls.push(`rename ${from.replace(dir, '')} -> ${to.replace(dir, '')}`);
        await rename(from, to);
      },
      rm: (path, options) => rm(path, options),
    };
    await open(fs).put(entry());
    expect(calls).toEqual([expect.stringMatching(/^write \/state\/ingest-state\.json\.\d+\.[0-9a-f]{8}\.tmp 600$/), expect.stringMatching(/^rename \/state\/ingest-state\.json\.\d+\.[0-9a-f]{8}\.tmp -> \/state\/ingest-state\.json$/)]);
    expect(await readdir(join(dir, 'state'))).toEqual(['ingest-state.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, uploads: [entry()] });
  });

  it('keeps the old content when a write fails half-way, and says so once', async () => {
    await open().put(entry());
    const before = await readFile(file, 'utf8');
    const failing: AtomicWriteFs = {
      writeFile: async (path, data, options) => {
        await writeFile(path, data.slice(0, 10), options); // a partial write, then the disk fills up
        throw new Error('ENOSPC: no space left on device');
      },
      rename,
      rm,
    };
    const state = open(failing);
    expect(await state.put(entry({ path: '/photos/other.mp4' }))).toBe(false);
    expect(await state.remove(entry())).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(join(dir, 'state'))).toEqual(['ingest-state.json']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ENOSPC');
  });

  it('writeAtomically removes its temp file when the rename fails', async () => {
    await writeFile(join(dir, 'x.json'), 'old');
    await expect(
      writeAtomically(join(dir, 'x.json'), 'new', {
        writeFile,
        rename: () => Promise.reject(new Error('EXDEV')),
        rm,
      }),
    ).rejects.toThrow('EXDEV');
    expect(await readdir(dir)).toEqual(['x.json']);
    expect(await readFile(join(dir, 'x.json'), 'utf8')).toBe('old');
  });

  it('drops entries past their resumable window when read, and from the file on the next write', async () => {
    const state = open();
    await state.put(entry({ path: '/photos/expired.mp4', resumableUntil: '2026-12-07T11:59:59.000Z' }));
    await state.put(entry({ path: '/photos/live.mp4' }));
    expect((await state.entries()).map((e) => e.path)).toEqual(['/photos/live.mp4']);
    expect(await state.find(entry({ path: '/photos/expired.mp4' }))).toBeUndefined();
    const written = JSON.parse(await readFile(file, 'utf8')) as { uploads: IngestUploadEntry[] };
    expect(written.uploads.map((e) => e.path)).toEqual(['/photos/live.mp4']);
  });

  it.each([
    ['not JSON', '{"version": 1, "uploads": [', 'not valid JSON'],
    ['another shape', '{"uploads": {"a": 1}}', 'not a state file'],
    ['empty', '', 'not valid JSON'],
  ])('takes a corrupt file (%s) as empty with one warning, and replaces it on the next write', async (_name, content, said) => {
    await open().put(entry({ path: '/photos/seed.mp4' })); // creates the folder
    await writeFile(file, content);
    const state = open();
    expect(await state.find(entry())).toBeUndefined();
    expect(await state.entries()).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(said);
    expect(warnings[0]).toContain(file);
    expect(await state.put(entry())).toBe(true);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, uploads: [entry()] });
  });

  it('skips unreadable entries and keeps the rest', async () => {
    await open().put(entry());
    const written = JSON.parse(await readFile(file, 'utf8')) as { uploads: unknown[] };
    await writeFile(file, JSON.stringify({ version: 1, uploads: [{ path: 42 }, ...written.uploads, 'x'] }));
    expect(await open().entries()).toEqual([entry()]);
    expect(warnings).toEqual([expect.stringContaining('2 unreadable entries')]);
  });
});

describe('where the ingest state file lives', () => {
  it('is in the data directory for the local server', () => {
    expect(defaultIngestStatePath({ local: true, dataDir: '/srv/.mediaflow', env: { XDG_STATE_HOME: '/xdg' }, home: '/home/ana' })).toBe('/srv/.mediaflow/ingest-state.json');
  });

  it('is under XDG_STATE_HOME for another server, ~/.local/state when that is unset or relative', () => {
    const path = (env: NodeJS.ProcessEnv) => defaultIngestStatePath({ local: false, dataDir: '/srv/.mediaflow', env, home: '/home/ana' });
    expect(path({ XDG_STATE_HOME: '/xdg' })).toBe('/xdg/mediaflow/ingest-state.json');
    expect(path({})).toBe('/home/ana/.local/state/mediaflow/ingest-state.json');
    expect(path({ XDG_STATE_HOME: 'relative/state' })).toBe('/home/ana/.local/state/mediaflow/ingest-state.json');
  });
});
