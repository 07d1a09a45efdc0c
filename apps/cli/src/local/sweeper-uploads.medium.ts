import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@mediaflow/domain';
import { sweepOrphans } from '@mediaflow/media-service';
import { LocalConfigSchema } from './config.js';
import { openLocalSweeper, startLocalStack, type LocalStack } from './stack.js';

jest.setTimeout(60_000);

const HOUR = 3600 * 1000;
const PART = 5 * 1024 ** 2;

describe('the standalone sweeper (mediaflow sweep) and multipart uploads', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  // A resume window of an hour, so that a few hours later the upload is abandoned while the temp
  // sweep (a day at least) would not have reached its parts yet.
  const config = () =>
    LocalConfigSchema.parse({
      port: 0,
      dataDir,
      workers: false,
      tagger: 'off',
      multipartThresholdBytes: PART,
      multipartPartBytes: PART,
      uploadResumeWindowSeconds: 3600,
    });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-sweep-parts-'));
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('aborts the multipart upload of an abandoned item, its stored parts with it', async () => {
    stack = await startLocalStack(config());
    const bytes = randomBytes(PART + 10);
    const res = await fetch(`${stack.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens.issue('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'clip.mov', size: bytes.length }),
    });
    expect(res.status).toBe(201);
    const started = (await res.json()) as { id: string; upload: { parts: { number: number; url: string }[] } };
    const first = started.upload.parts[0];
    if (first === undefined) throw new Error('no part URL');
    expect((await fetch(first.url, { method: 'PUT', body: bytes.subarray(0, PART) })).status).toBe(200);
    await stack.stop();
    stack = undefined;
    const uploads = join(dataDir, 'objects', '.tmp', 'multipart');
    expect(await readdir(uploads)).toHaveLength(1);

    // Past the window, the last part URL and the grace period, well within the temp sweep's day.
    const later: Clock = { now: () => new Date(Date.now() + 4 * HOUR) };
    const sweeper = openLocalSweeper(config(), later);
    try {
      expect(await sweepOrphans(sweeper.deps, { olderThanSeconds: 3600 })).toMatchObject({ abandonedUploads: 1, temporaryFiles: 0 });
      expect(await sweeper.deps.repo.get('alice', started.id)).toBeUndefined();
    } finally {
      sweeper.close();
    }
    expect(await readdir(uploads)).toEqual([]);
  });
});
