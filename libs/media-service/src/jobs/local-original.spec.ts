import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaItem } from '@mediaflow/domain';
import { makeMediaItem, rejection } from '@mediaflow/domain/testing';
import { OriginalChangedError } from '../errors.js';
import { inMemoryDeps } from '../testing/index.js';
import { withLocalOriginal } from './local-original.js';

const ORIGINAL = Buffer.from('\x00\x00\x00\x20ftypisom a movie');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('withLocalOriginal', () => {
  let scratchDir: string;
  beforeEach(async () => {
    scratchDir = await mkdtemp(join(tmpdir(), 'mf-original-'));
  });
  afterEach(async () => {
    await rm(scratchDir, { recursive: true, force: true });
  });

  async function setup(recorded: string | undefined, stored: Uint8Array = ORIGINAL) {
    const deps = inMemoryDeps({ scratchDir });
    const base = makeMediaItem({ kind: 'video', status: 'processing' });
    const original: MediaItem['original'] = recorded === undefined ? base.original : { ...base.original, sha256: recorded };
    const item = await deps.repo.create({ ...base, original });
    await deps.store.put(item.original.key, stored);
    return { deps, item };
  }

  const job = { stage: 'video', limitSeconds: 60 };

  it('hands the work an original that matches the hash recorded at ingest', async () => {
    const { deps, item } = await setup(sha256(ORIGINAL));
    const copied = await withLocalOriginal(deps, item, job, async (input) => readFile(input));
    expect(copied).toEqual(ORIGINAL);
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('throws OriginalChangedError before any work when the bytes changed since ingest, and cleans up', async () => {
    const { deps, item } = await setup(sha256(ORIGINAL), Buffer.from('\x00\x00\x00\x20ftypisom another movie'));
    const work = jest.fn(async () => 'rendered');
    const error = await rejection(withLocalOriginal(deps, item, job, work));
    expect(error).toBeInstanceOf(OriginalChangedError);
    expect(error).toMatchObject({ failureCode: 'original_changed', details: { expected: sha256(ORIGINAL) } });
    expect(work).not.toHaveBeenCalled();
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('copies an original without a recorded hash (ingested before hashes were kept) as before', async () => {
    const { deps, item } = await setup(undefined, Buffer.from('anything'));
    expect(await withLocalOriginal(deps, item, job, async (input) => (await readFile(input)).toString())).toBe('anything');
  });
});
