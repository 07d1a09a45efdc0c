import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Clock } from '@mediaflow/domain';
import { openQueues } from '@mediaflow/messaging/sqlite';
import { SqliteMediaRepository } from '@mediaflow/storage/sqlite';
import { sweepOrphans } from '@mediaflow/media-service';
import { captureIo } from '../testing.js';
import { LocalConfigSchema } from '../local/config.js';
import { brokerDefinitions, localQueues, openLocalSweeper, startLocalStack, type LocalStack } from '../local/stack.js';
import { parseAge, sweepCommand } from './sweep.js';

jest.setTimeout(60_000);

const HOUR = 3600 * 1000;
const UNKNOWN_ID = '01JAAAAAAAAAAAAAAAAAAAAAAA';

async function jpeg(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(32 * 24 * 3);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * (seed + 3) * 17) % 251;
  return sharp(pixels, { raw: { width: 32, height: 24, channels: 3 } }).jpeg().toBuffer();
}

/** Every file under `dir`, relative to it. */
async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name).slice(dir.length + 1));
  }
  return out.sort();
}

describe('mediaflow sweep', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  const config = (overrides: Record<string, unknown> = {}) =>
    LocalConfigSchema.parse({ port: 0, dataDir, retryBaseSeconds: 0.2, pollSeconds: 0.1, imageConcurrency: 2, tagger: 'off', ...overrides });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-sweep-'));
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  async function post(s: LocalStack, bytes: Buffer): Promise<{ id: string; url: string; headers: Record<string, string> }> {
    const res = await fetch(`${s.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.tokens.issue('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'p.jpg', size: bytes.length }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; upload: { url: string; headers: Record<string, string> } };
    return { id: body.id, ...body.upload };
  }

  async function settled(s: LocalStack, id: string): Promise<string> {
    for (;;) {
      const item = await s.deps.repo.get('alice', id);
      if (item && ['ready', 'failed'].includes(item.status)) return item.status;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('resumes at start-up an upload whose bytes arrived but never reached ingest', async () => {
    // API only, so nothing is ingested; the bytes land as a PUT would leave them just before a crash.
    stack = await startLocalStack(config({ workers: false }));
    const bytes = await jpeg(1);
    const { id } = await post(stack, bytes);
    await stack.deps.store.put(`originals/alice/${id}`, bytes);
    await stack.stop();

    stack = await startLocalStack(config());
    expect(await settled(stack, id)).toBe('ready');
  });

  it('reports on a dry run, then removes orphans and temp files, finishes interrupted deletes and resumes arrived uploads, leaving the rest to their grace periods', async () => {
    stack = await startLocalStack(config());
    const s = stack;
    const photo = await jpeg(2);
    const kept = await post(s, photo);
    expect((await fetch(kept.url, { method: 'PUT', headers: kept.headers, body: photo })).status).toBe(200);
    expect(await settled(s, kept.id)).toBe('ready');
    const abandoned = await post(s, await jpeg(3));
    await s.stop();
    stack = undefined;

    // What crashes leave behind: bytes of an item that no longer exists, a rendition its item does
    // not list, an upload whose bytes arrived without an ingest message, a temp file of a write cut short.
    const sweeper = openLocalSweeper(config());
    const interruptedBytes = await jpeg(4);
    const { store, repo } = sweeper.deps;
    await store.put(`originals/alice/${UNKNOWN_ID}`, Buffer.from('left behind'));
    await store.put(`renditions/alice/${kept.id}/thumb.r2.webp`, Buffer.from('stray'));
    const recorded = await repo.get('alice', abandoned.id);
    if (!recorded) throw new Error('the upload was not recorded');
    const interrupted = '01JBBBBBBBBBBBBBBBBBBBBBBB';
    await repo.create({ ...recorded, id: interrupted, original: { ...recorded.original, key: `originals/alice/${interrupted}`, size: interruptedBytes.length } });
    await store.put(`originals/alice/${interrupted}`, interruptedBytes);
    // A delete cut short after the bytes went: the record stays, marked deleted.
    const halfDeleted = '01JCCCCCCCCCCCCCCCCCCCCCCC';
    await repo.create({ ...recorded, id: halfDeleted, status: 'deleted', original: { ...recorded.original, key: `originals/alice/${halfDeleted}` } });
    sweeper.close();
    const temp = join(dataDir, 'objects', '.tmp', 'cut-short.part');
    await mkdir(join(dataDir, 'objects', '.tmp'), { recursive: true });
    await writeFile(temp, 'partial');
    const before = await files(join(dataDir, 'objects'));

    const dry = captureIo();
    expect(await sweepCommand.run(['--data-dir', dataDir, '--older-than', '0', '--dry-run'], dry)).toBe(0);
    expect(dry.out()).toContain('nothing was changed');
    expect(dry.out()).toMatch(/orphaned objects to remove\s+1\n/);
    expect(dry.out()).toMatch(/unlisted renditions to remove\s+1\n/);
    expect(dry.out()).toMatch(/uploads to send to ingest again\s+1\n/);
    expect(dry.out()).toMatch(/interrupted deletes to finish\s+1\n/);
    expect(await files(join(dataDir, 'objects'))).toEqual(before);

    const run = captureIo();
    expect(await sweepCommand.run(['--data-dir', dataDir, '--older-than', '0s', '--json'], run)).toBe(0);
    expect(JSON.parse(run.out())).toEqual({
      dryRun: false,
      scannedObjects: before.filter((f) => /^(originals|renditions)\//.test(f)).length,
      orphanObjects: 1,
      unreferencedRenditions: 1,
      bytes: 'left behind'.length + 'stray'.length,
      resumedUploads: 1,
      // Its upload URL is still valid for an hour: a PUT may yet come.
      abandonedUploads: 0,
      finishedDeletes: 1,
      purgedFromTrash: 0,
      // A day's grace: a multipart upload may pause that long.
      temporaryFiles: 0,
    });
    const after = await files(join(dataDir, 'objects'));
    expect(after).not.toContain(`originals/alice/${UNKNOWN_ID}`);
    expect(after).not.toContain(`renditions/alice/${kept.id}/thumb.r2.webp`);
    expect(after).toContain(`renditions/alice/${kept.id}/thumb.webp`);
    const records = openLocalSweeper(config());
    expect(await records.deps.repo.get('alice', halfDeleted)).toBeUndefined();
    records.close();
    const broker = openQueues(join(dataDir, 'queues.db'), brokerDefinitions(localQueues(config())));
    const [message] = await broker.queue('ingest').list({ limit: 10 });
    expect(JSON.parse(message?.body ?? '{}')).toEqual({ key: `originals/alice/${interrupted}`, size: interruptedBytes.length });
    await broker.close();

    // A day later: the upload nobody finished and the temp file go too.
    const old = new Date(Date.now() - 2 * HOUR);
    await utimes(temp, old, old);
    const later: Clock = { now: () => new Date(Date.now() + 25 * HOUR) };
    const dayLater = openLocalSweeper(config(), later);
    try {
      expect(await sweepOrphans(dayLater.deps, { olderThanSeconds: 3600 })).toMatchObject({ abandonedUploads: 1, finishedDeletes: 0, temporaryFiles: 1, orphanObjects: 0 });
    } finally {
      dayLater.close();
    }
    expect(await readdir(join(dataDir, 'objects', '.tmp'))).toEqual(['multipart']);
    const repo2 = new SqliteMediaRepository({ filename: join(dataDir, 'media.db') });
    expect(await repo2.get('alice', abandoned.id)).toBeUndefined();
    expect((await repo2.get('alice', kept.id))?.status).toBe('ready');
    repo2.close();

    // The resumed upload completes when the server is back.
    stack = await startLocalStack(config());
    expect(await settled(stack, interrupted)).toBe('ready');
  });

  it('refuses a bad age and a data directory without a stack', async () => {
    const bad = captureIo();
    expect(await sweepCommand.run(['--data-dir', dataDir, '--older-than', 'soon'], bad)).toBe(2);
    expect(bad.err()).toContain('--older-than takes an age like 90s');
    const empty = captureIo();
    expect(await sweepCommand.run(['--data-dir', join(dataDir, 'nothing-here')], empty)).toBe(1);
    expect(empty.err()).toContain('no local stack data');
    expect([parseAge('90'), parseAge('30m'), parseAge('2h'), parseAge('1d'), parseAge('-1'), parseAge('1w')]).toEqual([90, 1800, 7200, 86400, undefined, undefined]);
  });
});
