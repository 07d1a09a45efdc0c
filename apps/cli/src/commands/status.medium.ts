import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { openQueues } from '@mediaflow/messaging/sqlite';
import { SqliteMediaRepository } from '@mediaflow/storage/sqlite';
import { captureIo } from '../testing.js';
import { LocalConfigSchema } from '../local/config.js';
import { brokerDefinitions, localQueues } from '../local/stack.js';
import { statusCommand } from './status.js';

describe('mediaflow status --user', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-status-'));
    // A data directory as `serve` leaves it: the queues and the media database.
    openQueues(join(dataDir, 'queues.db'), brokerDefinitions(localQueues(LocalConfigSchema.parse({ dataDir })))).close();
    const repo = new SqliteMediaRepository({ filename: join(dataDir, 'media.db') });
    await repo.create(makeMediaItem({ ownerId: 'alice', status: 'ready', original: { key: 'a', size: 3 * 1024 * 1024, mime: 'image/jpeg', filename: 'a.jpg' } }));
    await repo.create(makeMediaItem({ ownerId: 'bob', status: 'ready', original: { key: 'b', size: 10, mime: 'image/jpeg', filename: 'b.jpg' } }));
    repo.close();
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows what the user\u2019s items take up against the quota of the environment', async () => {
    const io = captureIo();
    // The quota comes from the environment, as the server's does.
    process.env['MEDIAFLOW_STORAGE_QUOTA_BYTES'] = String(12 * 1024 * 1024);
    try {
      expect(await statusCommand.run(['--data-dir', dataDir, '--user', 'alice'], io)).toBe(0);
    } finally {
      delete process.env['MEDIAFLOW_STORAGE_QUOTA_BYTES'];
    }
    expect(io.out()).toContain('storage of alice: 3.0 MiB in 1 items, of 12.0 MiB (25%)');
  });

  it('says so in JSON, with no quota when none is set', async () => {
    const io = captureIo();
    expect(await statusCommand.run(['--data-dir', dataDir, '--user', 'bob', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ storage: { user: 'bob', usedBytes: 10, items: 1, quotaBytes: null } });
  });
});
