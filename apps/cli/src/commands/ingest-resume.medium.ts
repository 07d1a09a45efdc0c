import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConfigSchema } from '../local/config.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { captureIo } from '../testing.js';
import { createIngestCommand, type IngestCommandSeams } from './ingest.js';
import { INGEST_STATE_FILE } from './ingest-state.js';

jest.setTimeout(60_000);

const PART = 5 * 1024 ** 2;

describe('mediaflow ingest, resuming a large file after a restart (local server)', () => {
  let dir: string;
  let dataDir: string;
  let stack: LocalStack | undefined;
  let file: string;
  let bytes: Buffer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-ingest-resume-'));
    dataDir = join(dir, 'data');
    // API only: the test is about the bytes arriving whole, not what processing makes of them.
    stack = await startLocalStack(
      LocalConfigSchema.parse({ port: 0, dataDir, workers: false, tagger: 'off', multipartThresholdBytes: 6 * 1024 ** 2, multipartPartBytes: PART }),
    );
    // About 40 MB in 8 parts of 5 MiB, the last one shorter; random so that no part equals another.
    bytes = randomBytes(40_000_000);
    file = join(dir, 'footage.bin');
    await writeFile(file, bytes);
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `mediaflow ingest FILE` against the stack, as a user would with the local defaults. */
  async function ingest(seams: IngestCommandSeams, ...extra: string[]) {
    const s = stack as LocalStack;
    const io = captureIo();
    const where = extra.includes('--url') ? [] : ['--port', String(s.port)];
    const code = await createIngestCommand(seams).run([file, '--data-dir', dataDir, ...where, '--no-wait', ...extra], io);
    return { code, out: io.out(), err: io.err() };
  }

  /** Counts the parts each run sends and stops the run after `stopAfter` of them. */
  function counting(stopAfter?: number) {
    const sent: number[] = [];
    const controller = new AbortController();
    const seams: IngestCommandSeams = {
      signal: controller.signal,
      onPartSent: ({ number }) => {
        sent.push(number);
        if (sent.length === stopAfter) controller.abort();
      },
    };
    return { sent, seams };
  }

  async function stateEntries(): Promise<{ id: string; partCount: number; path: string }[]> {
    return (JSON.parse(await readFile(join(dataDir, INGEST_STATE_FILE), 'utf8')) as { uploads: { id: string; partCount: number; path: string }[] }).uploads;
  }

  /** The SHA-256 of the original the server stored for an item. */
  async function storedSha256(id: string): Promise<string> {
    const s = stack as LocalStack;
    const item = await s.deps.repo.get('local', id);
    if (item === undefined) throw new Error(`no item ${id}`);
    const hash = createHash('sha256');
    for await (const chunk of (await s.deps.store.get(item.original.key)).body) hash.update(chunk);
    return hash.digest('hex');
  }

  /** What the API answers for an item of the local owner: 404 once it is deleted for good. */
  async function mediaStatus(id: string): Promise<number> {
    const s = stack as LocalStack;
    const response = await fetch(`${s.url}/api/v1/media/${id}`, { headers: { authorization: `Bearer ${s.tokens.issue('local')}` } });
    await response.arrayBuffer();
    return response.status;
  }

  /**
   * Runs the server as if `days` later for the requests `when` picks (past the resume window),
   * by moving its clock while such a request is answered; records what each of them got.
   */
  function laterFor(when: (method: string, path: string) => boolean, days = 2) {
    const s = stack as LocalStack;
    const realFetch = globalThis.fetch;
    const answered: { status: number; code?: string }[] = [];
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!when(init?.method ?? 'GET', url.pathname)) return realFetch(input, init);
      const real = s.deps.clock.now();
      const later = jest.spyOn(s.deps.clock, 'now').mockReturnValue(new Date(real.getTime() + days * 86_400_000));
      try {
        const response = await realFetch(input, init);
        const body = (await response.clone().json().catch(() => ({}))) as { code?: string };
        answered.push({ status: response.status, ...(body.code === undefined ? {} : { code: body.code }) });
        return response;
      } finally {
        later.mockRestore();
      }
    });
    return { answered, restore: () => spy.mockRestore() };
  }

  it('sends only the parts the first run did not, and stores the file byte for byte', async () => {
    // An unreadable state file (cut short by a full disk, say): a warning, then it is replaced.
    await writeFile(join(dataDir, INGEST_STATE_FILE), '{"version": 1, "upl');
    const first = counting(4);
    const cut = await ingest(first.seams);
    expect(cut.err).toContain(`warning: the ingest state file ${join(dataDir, INGEST_STATE_FILE)} is not valid JSON`);
    expect(cut.code).toBe(1);
    expect(cut.out).toContain('interrupted before part 5 of 8');
    expect(first.sent).toEqual([1, 2, 3, 4]);
    const [entry, ...others] = await stateEntries();
    expect(others).toEqual([]);
    expect(entry).toMatchObject({ path: file, partCount: 8 });
    const id = entry?.id ?? '';

    const second = counting();
    const resumed = await ingest(second.seams);
    expect(resumed.err).not.toContain('warning');
    expect(resumed.code).toBe(0);
    expect(second.sent).toEqual([5, 6, 7, 8]);
    expect(resumed.out).toContain(`resumed ${file}: 4 of 8 parts already sent`);
    expect(await storedSha256(id)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await stateEntries()).toEqual([]);
  });

  it('starts afresh when the server no longer holds the upload, and with --no-resume', async () => {
    await ingest(counting(3).seams);
    const [cut] = await stateEntries();
    // The owner deletes the half-sent item meanwhile (from the gallery, say).
    const token = (stack as LocalStack).tokens.issue('local');
    const deleted = await fetch(`${(stack as LocalStack).url}/api/v1/media/${cut?.id ?? ''}?permanent=true`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(deleted.status).toBe(204);

    const again = counting(2);
    const restarted = await ingest(again.seams);
    expect(restarted.out).toContain(`restarted ${file}: `);
    expect(again.sent).toEqual([1, 2]);
    const [fresh] = await stateEntries();
    expect(fresh?.id).not.toBe(cut?.id);

    expect(await mediaStatus(fresh?.id ?? '')).toBe(200);

    const ignoring = counting();
    const whole = await ingest(ignoring.seams, '--no-resume');
    expect(whole.code).toBe(0);
    expect(ignoring.sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(whole.out).not.toContain('resumed');
    expect(await stateEntries()).toEqual([]);
    // The half-sent item of the run before is deleted, not left `uploading` for a day.
    expect(await mediaStatus(fresh?.id ?? '')).toBe(404);
  });

  it.each([
    ['the store lost its parts', async (entry: { id: string; uploadId: string }) => {
      const s = stack as LocalStack;
      const item = await s.deps.repo.get('local', entry.id);
      await s.deps.multipart?.abort(item?.original.key ?? '', entry.uploadId);
    }],
    ['the entry names another multipart upload', async () => {
      const state = JSON.parse(await readFile(join(dataDir, INGEST_STATE_FILE), 'utf8')) as { uploads: { uploadId: string }[] };
      for (const u of state.uploads) u.uploadId = 'another-upload';
      await writeFile(join(dataDir, INGEST_STATE_FILE), JSON.stringify(state));
    }],
    ['the entry names another part size', async () => {
      const state = JSON.parse(await readFile(join(dataDir, INGEST_STATE_FILE), 'utf8')) as { uploads: { partSize: number }[] };
      for (const u of state.uploads) u.partSize = 6 * 1024 ** 2;
      await writeFile(join(dataDir, INGEST_STATE_FILE), JSON.stringify(state));
    }],
  ])('deletes the half-sent item and starts afresh when the upload cannot go on (%s)', async (_name, breakIt) => {
    await ingest(counting(3).seams);
    const [cut] = (await stateEntries()) as unknown as { id: string; uploadId: string }[];
    const id = cut?.id ?? '';
    expect(await mediaStatus(id)).toBe(200);
    await breakIt({ id, uploadId: cut?.uploadId ?? '' });

    const again = counting();
    const restarted = await ingest(again.seams);
    expect(restarted.code).toBe(0);
    expect(restarted.out).toContain(`restarted ${file}: the server no longer holds the earlier upload\u2019s parts (item uploading)`);
    expect(again.sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await mediaStatus(id)).toBe(404);
    expect(await stateEntries()).toEqual([]);
  });

  it('starts afresh, the earlier item deleted, when the server refuses more parts (409 resume_window_over)', async () => {
    await ingest(counting(3).seams);
    const [cut] = await stateEntries();
    const id = cut?.id ?? '';

    // The window closes between the status (still resumable) and the request for part URLs.
    const late = laterFor((method, path) => method === 'POST' && path === `/api/v1/uploads/${id}/parts`);
    const again = counting();
    let restarted: Awaited<ReturnType<typeof ingest>>;
    try {
      restarted = await ingest(again.seams);
    } finally {
      late.restore();
    }
    expect(late.answered).toEqual([{ status: 409, code: 'resume_window_over' }]);
    expect(restarted.code).toBe(0);
    expect(restarted.out).toContain(`restarted ${file}: the server takes no more parts of the earlier upload`);
    expect(again.sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await mediaStatus(id)).toBe(404);
    expect(await stateEntries()).toEqual([]);
  });

  it('drops the entry and deletes the item when a fresh upload outlives its window (409 on part URLs)', async () => {
    // Parts 1-4 come with the start; part 5's URL is asked for when the window is over.
    const late = laterFor((method, path) => method === 'POST' && /^\/api\/v1\/uploads\/[^/]+\/parts$/.test(path));
    const run = counting();
    let id = '';
    let result: Awaited<ReturnType<typeof ingest>>;
    try {
      result = await ingest({
        ...run.seams,
        onPartSent: (part) => {
          id = part.id;
          run.seams.onPartSent?.(part);
        },
      });
    } finally {
      late.restore();
    }
    expect(late.answered).toEqual([{ status: 409, code: 'resume_window_over' }]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/failed {2}\S+footage\.bin: part 5: this upload could be resumed until /);
    expect(run.sent).toEqual([1, 2, 3, 4]);
    expect(await stateEntries()).toEqual([]);
    expect(await mediaStatus(id)).toBe(404);
  });

  it('keeps the state of uploads to another server under XDG_STATE_HOME', async () => {
    const s = stack as LocalStack;
    const { seams } = counting(1);
    // Not the data directory's server: its default URL is port 3000, this one listens elsewhere.
    await ingest({ ...seams, env: { XDG_STATE_HOME: join(dir, 'xdg') } }, '--url', s.url, '--token', s.tokens.issue('local'));
    const recorded = JSON.parse(await readFile(join(dir, 'xdg', 'mediaflow', INGEST_STATE_FILE), 'utf8')) as { uploads: { baseUrl: string }[] };
    expect(recorded.uploads.map((u) => u.baseUrl)).toEqual([s.url]);
    await expect(readFile(join(dataDir, INGEST_STATE_FILE))).rejects.toThrow('ENOENT');
  });
});
