import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveKeys, type ArchiveJobQueue, type StreamedObjectWriter } from '@mediaflow/domain';
import { collectBytes, makeMediaItem } from '@mediaflow/domain/testing';
import { archiveStatus, requestDownload, storeWriter } from '@mediaflow/media-service';
import { lambdaContext, memoryRuntime, sqsEvent, sqsRecord } from '../test-support.js';
import { createArchiveHandler } from './archive.js';

/** The entries of a zip as Python's `zipfile` reads them, each CRC-32 checked. */
function unzip(bytes: Uint8Array): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'mf-lambda-archive-'));
  try {
    writeFileSync(join(dir, 'a.zip'), bytes);
    const reader = 'import base64, json, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z:\n    print(json.dumps({i.filename: base64.b64encode(z.read(i)).decode() for i in z.infolist()}))';
    return JSON.parse(execFileSync('python3', ['-c', reader, join(dir, 'a.zip')], { encoding: 'utf8' })) as Record<string, string>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The runtime of the archive function on in-memory stores, with a writer that counts its writes. */
function archiveRuntime(writer?: (store: StreamedObjectWriter) => StreamedObjectWriter) {
  const jobs: { ownerId: string; archiveId: string }[] = [];
  const queue: ArchiveJobQueue = { enqueue: async (job) => void jobs.push(job) };
  const base = memoryRuntime('archive');
  const plain = storeWriter(base.deps.store);
  let writes = 0;
  const counted: StreamedObjectWriter = {
    write: (key, body, options) => {
      writes += 1;
      return (writer?.(plain) ?? plain).write(key, body, options);
    },
  };
  const deps = { ...base.deps, archiveJobs: queue, writer: counted, log: () => undefined };
  return { ...base, runtime: { ...base.runtime, deps }, deps, jobs, writes: () => writes };
}

async function photo(deps: ReturnType<typeof archiveRuntime>['deps'], filename: string) {
  const item = await deps.repo.create(makeMediaItem({ ownerId: 'alice', status: 'ready', moderation: { verdict: 'safe', labels: [] } }));
  const bytes = randomBytes(2000);
  const stored = { ...item, original: { ...item.original, filename, size: bytes.length } };
  await deps.repo.update({ ...stored, version: item.version + 1 }, item.version);
  await deps.store.put(item.original.key, bytes, { contentType: 'image/jpeg' });
  return { id: item.id, bytes };
}

describe('archive function (SQS)', () => {
  it('builds the zip the api function queued, which the status route then links to', async () => {
    const { runtime, deps, jobs } = archiveRuntime();
    const first = await photo(deps, 'beach.jpg');
    const second = await photo(deps, 'dunes.jpg');
    const request = await requestDownload(deps, 'alice', { ids: [first.id, second.id] });
    expect(jobs).toEqual([{ ownerId: 'alice', archiveId: request.id }]);
    expect((await archiveStatus(deps, 'alice', request.id)).status).toBe('pending');

    const result = await createArchiveHandler(runtime)(sqsEvent(sqsRecord('m1', JSON.stringify(jobs[0]))), lambdaContext('archive'));

    expect(result.batchItemFailures).toEqual([]);
    const status = await archiveStatus(deps, 'alice', request.id);
    expect(status).toMatchObject({ status: 'ready', outcome: { status: 'ready', files: 2, skipped: 0 } });
    const zip = await collectBytes((await deps.store.get(archiveKeys('alice', request.id).archive)).body);
    const entries = unzip(zip);
    expect(Object.keys(entries)).toEqual(['beach.jpg', 'dunes.jpg', 'manifest.json']);
    expect(Buffer.from(entries['beach.jpg'] ?? '', 'base64').equals(first.bytes)).toBe(true);
    expect(Buffer.from(entries['dunes.jpg'] ?? '', 'base64').equals(second.bytes)).toBe(true);
  });

  it('does not build an archive twice when its message comes again', async () => {
    const { runtime, deps, jobs, writes } = archiveRuntime();
    const { id } = await photo(deps, 'beach.jpg');
    await requestDownload(deps, 'alice', { ids: [id] });
    const handler = createArchiveHandler(runtime);
    await handler(sqsEvent(sqsRecord('m1', JSON.stringify(jobs[0]))), lambdaContext('archive'));
    const again = await handler(sqsEvent(sqsRecord('m1', JSON.stringify(jobs[0]), 2)), lambdaContext('archive'));
    expect(again.batchItemFailures).toEqual([]);
    expect(writes()).toBe(1);
  });

  it('records a selection with nothing to download as failed, without retrying it', async () => {
    const { runtime, deps, jobs } = archiveRuntime();
    const request = await requestDownload(deps, 'alice', { ids: [deps.ids.next()] });
    const result = await createArchiveHandler(runtime)(sqsEvent(sqsRecord('m1', JSON.stringify(jobs[0]))), lambdaContext('archive'));
    expect(result.batchItemFailures).toEqual([]);
    expect(await archiveStatus(deps, 'alice', request.id)).toMatchObject({ status: 'failed', reason: 'none of the selected items can be downloaded' });
  });

  it('returns to the queue a message that names no archive, and fails the invocation when S3 fails the build', async () => {
    const { runtime, deps, jobs } = archiveRuntime();
    const { id } = await photo(deps, 'beach.jpg');
    const request = await requestDownload(deps, 'alice', { ids: [id] });
    const result = await createArchiveHandler(runtime)(
      sqsEvent(sqsRecord('good', JSON.stringify(jobs[0])), sqsRecord('not-json', 'zip please'), sqsRecord('no-owner', JSON.stringify({ archiveId: request.id }))),
      lambdaContext('archive'),
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['no-owner', 'not-json']);
    expect((await archiveStatus(deps, 'alice', request.id)).status).toBe('ready');

    const down = archiveRuntime(() => ({ write: () => Promise.reject(new Error('S3 is down')) }));
    const other = await photo(down.deps, 'dunes.jpg');
    const failing = await requestDownload(down.deps, 'alice', { ids: [other.id] });
    // The queue's batches hold one message: a failed build fails the invocation, and the message returns.
    await expect(createArchiveHandler(down.runtime)(sqsEvent(sqsRecord('s3-down', JSON.stringify(down.jobs[0]))), lambdaContext('archive'))).rejects.toThrow(/failed/);
    // Nothing recorded: the next attempt builds it.
    expect((await archiveStatus(down.deps, 'alice', failing.id)).status).toBe('pending');
  });
});
