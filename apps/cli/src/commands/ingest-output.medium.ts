import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { LocalConfigSchema } from '../local/config.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { captureIo } from '../testing.js';
import { ingestCommand } from './ingest.js';
import type { IngestReport } from './ingest-report.js';

jest.setTimeout(60_000);

/** True when `text` holds a carriage return or an ANSI escape: what only a terminal should get. */
const redraws = (text: string) => text.includes('\r') || text.includes('\u001b');

describe('mediaflow ingest output: --json, and progress only on a terminal (local server)', () => {
  let dir: string;
  let dataDir: string;
  let stack: LocalStack;
  let photo: string;
  let copy: string;
  let empty: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-ingest-output-'));
    dataDir = join(dir, 'data');
    // Workers on, so that ingest waits for processing; no tagger, which this is not about.
    stack = await startLocalStack(LocalConfigSchema.parse({ port: 0, dataDir, tagger: 'off' }));
    photo = join(dir, 'a-photo.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 30 } } })
      .jpeg()
      .toFile(photo);
    copy = join(dir, 'b-copy.jpg');
    await copyFile(photo, copy);
    empty = join(dir, 'c-empty.jpg');
    await writeFile(empty, '');
  });

  afterAll(async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function ingest(paths: string[], extra: string[], isTTY?: boolean) {
    const io = { ...captureIo(), ...(isTTY === undefined ? {} : { isTTY }) };
    const code = await ingestCommand.run([...paths, '--data-dir', dataDir, '--port', String(stack.port), '--concurrency', '1', ...extra], io);
    return { code, out: io.out(), err: io.err() };
  }

  it('--json: one document of per-file results on stdout, plain lines on stderr, exit 1 when a file failed', async () => {
    const run = await ingest([photo, copy, empty], ['--json'], true);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out) as IngestReport;
    const id = report.files[0]?.id;
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    expect(report).toEqual({
      files: [
        { path: photo, status: 'ready', id },
        { path: copy, status: 'duplicate', id },
        { path: empty, status: 'failed', error: 'the file is empty' },
      ],
      summary: { total: 3, ready: 1, flagged: 0, uploaded: 0, duplicate: 1, failed: 1 },
    });
    // Even on a terminal, --json keeps stderr to plain lines, one per event.
    expect(redraws(run.err)).toBe(false);
    expect(run.err.split('\n').filter((line) => !line.includes('warning'))).toEqual([
      `started ${photo}`,
      `ready ${photo} (${id})`,
      `started ${copy}`,
      `duplicate ${copy} (${id})`,
      `started ${empty}`,
      `failed ${empty}: the file is empty`,
      '',
    ]);
  });

  it('exits 0 with --json when every file is in the library', async () => {
    const run = await ingest([copy], ['--json', '--no-wait']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.out) as IngestReport).summary).toEqual({ total: 1, ready: 0, flagged: 0, uploaded: 0, duplicate: 1, failed: 0 });
  });

  it('writes plain lines without carriage returns or ANSI codes when stdout is not a terminal', async () => {
    for (const isTTY of [false, undefined]) {
      const run = await ingest([copy, empty], [], isTTY);
      expect(run.code).toBe(1);
      expect(redraws(run.err)).toBe(false);
      expect(run.err).toContain(`started ${copy}\nduplicate ${copy} (`);
      expect(run.err).toContain(`started ${empty}\nfailed ${empty}: the file is empty\n`);
      expect(run.out).toBe(`uploaded: 0, duplicate: 1, failed: 1\n  failed  ${empty}: the file is empty\n`);
    }
  });

  it('draws a progress bar redrawn in place on a terminal, and the summary on stdout', async () => {
    const run = await ingest([copy], [], true);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/^\r\[\.{30}\] 0\/1 files, 0\.0\/0\.0 MiB/);
    expect(run.err).toMatch(/\r\[#{30}\] 1\/1 files, 0\.0\/0\.0 MiB\n$/);
    expect(run.err).not.toContain('started');
    expect(run.out).toBe('uploaded: 0, duplicate: 1, failed: 0\n');
  });
});
