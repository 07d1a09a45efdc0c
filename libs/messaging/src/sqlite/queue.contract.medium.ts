import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, QUEUE_CONTRACT_SETTINGS, queueContract } from '@mediaflow/domain/testing';
import { openQueues } from './broker.js';

queueContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mf-queue-contract-'));
  const clock = new ManualClock();
  const broker = openQueues(
    join(dir, 'queues.db'),
    {
      work: { ...QUEUE_CONTRACT_SETTINGS, deadLetter: 'dlq' },
      dlq: { visibilityTimeoutSeconds: 30 },
    },
    { clock },
  );
  return {
    queue: broker.queue('work'),
    deadLetter: broker.queue('dlq'),
    advance: async (seconds: number) => clock.advance(seconds * 1000),
    close: async () => {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
