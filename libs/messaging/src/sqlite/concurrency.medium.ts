import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openQueues, type SqliteQueueBroker } from './broker.js';

const DEFINITIONS = { work: { visibilityTimeoutSeconds: 300 } };
const PROJECT_ROOT = resolve(__dirname, '../..');

/**
 * A separate Node process that opens the same file and claims messages until the queue stays
 * empty, printing the ids it got. A start barrier (a file per ready worker) makes them overlap.
 */
function workerSource(path: string, barrier: string, me: number, workers: number): string {
  const entry = JSON.stringify(join(PROJECT_ROOT, 'src/sqlite/index.ts'));
  return `
import { openQueues } from ${entry};
const broker = openQueues(${JSON.stringify(path)}, ${JSON.stringify(DEFINITIONS)}, { synchronous: 'normal' });
const queue = broker.queue('work');
const { existsSync, writeFileSync } = await import('node:fs');
writeFileSync(${JSON.stringify(barrier)} + '-' + ${me}, '');
while (![...Array(${workers}).keys()].every((n) => existsSync(${JSON.stringify(barrier)} + '-' + n))) {
  await new Promise((r) => setTimeout(r, 5));
}
const ids = [];
for (let empty = 0; empty < 3; ) {
  const got = await queue.receive({ maxMessages: 3 });
  if (got.length === 0) empty += 1;
  else { empty = 0; for (const m of got) ids.push(m.id); }
}
await broker.close();
process.stdout.write(JSON.stringify(ids));
`;
}

function runWorker(script: string): Promise<string[]> {
  return new Promise((resolveIds, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@mediaflow/source', '--import', '@swc-node/register/esm-register', script],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolveIds(JSON.parse(out) as string[]);
      else reject(new Error(`worker exited with ${code}: ${err}`));
    });
  });
}

describe('SqliteQueue: receivers sharing one file', () => {
  let dir: string;
  let path: string;
  const open: SqliteQueueBroker[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-queue-shared-'));
    path = join(dir, 'queues.db');
  });

  afterEach(async () => {
    for (const broker of open.splice(0)) await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never gives one message to two queue instances polling the same file', async () => {
    const a = openQueues(path, DEFINITIONS, { pollIntervalMs: 5 });
    const b = openQueues(path, DEFINITIONS, { pollIntervalMs: 5 });
    open.push(a, b);
    // Both long-poll an empty queue; a third instance sends, so neither is woken in-process.
    const polls = [a, b, a, b].map((broker) => broker.queue('work').receive({ maxMessages: 10, waitTimeSeconds: 2 }));
    const sender = openQueues(path, DEFINITIONS);
    open.push(sender);
    for (let i = 0; i < 30; i += 1) await sender.queue('work').send(`m${i}`);
    const first = (await Promise.all(polls)).flat();
    const rest = (await Promise.all([a, b].map((broker) => broker.queue('work').receive({ maxMessages: 10 })))).flat();
    const ids = [...first, ...rest].map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await sender.queue('work').depth()).toEqual({ visible: 30 - ids.length, inFlight: ids.length, delayed: 0 });
  });

  it('never gives one message to two processes claiming at the same time', async () => {
    const broker = openQueues(path, DEFINITIONS, { synchronous: 'normal' });
    open.push(broker);
    const total = 400;
    await broker.sendAtomically(Array.from({ length: total }, (_, i) => ({ queue: broker.queue('work'), body: `m${i}` })));
    const workers = 2;
    const scripts = Array.from({ length: workers }, (_, n) => {
      const script = join(dir, `worker-${n}.ts`);
      writeFileSync(script, workerSource(path, join(dir, 'ready'), n, workers));
      return script;
    });
    const results = await Promise.all(scripts.map(runWorker));
    const ids = results.flat();
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(await broker.queue('work').depth()).toEqual({ visible: 0, inFlight: total, delayed: 0 });
  }, 60_000);
});
