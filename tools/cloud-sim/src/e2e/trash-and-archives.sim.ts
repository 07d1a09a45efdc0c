// The two functions that run away from any request: the trash's scheduled purge (an EventBridge
// rule, run here as its hour comes) deletes for good what has been in the trash past its
// retention, every version of its objects included; and the archive function builds the zips the
// API queues, which download through their presigned link and unzip to the originals. Every call
// is made with the functions' own roles and checked against the template's policies.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Stage } from '../stage/stage.js';
import { settled, signIn, upload, type MediaView, type StageUser } from './client.js';
import { jpeg } from './media.js';
import { ALICE, bringUp } from './stage-harness.js';

const DAY_MS = 24 * 3600 * 1000;
/** The service's default retention (`trashRetentionDays`), which the stage deploys. */
const RETENTION_DAYS = 30;

interface DownloadView {
  id: string;
  kind: 'selection' | 'export';
  status: 'pending' | 'ready' | 'failed';
  url: string | null;
  reason: string | null;
}

/** The entries of a zip as Python's `zipfile` reads them, each CRC-32 checked, in archive order. */
function unzip(bytes: Buffer): Array<[string, Buffer]> {
  const dir = mkdtempSync(join(tmpdir(), 'mf-sim-zip-'));
  try {
    writeFileSync(join(dir, 'a.zip'), bytes);
    const reader = 'import base64, json, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z:\n    print(json.dumps([[i.filename, base64.b64encode(z.read(i)).decode()] for i in z.infolist()]))';
    const entries = JSON.parse(execFileSync('python3', ['-c', reader, join(dir, 'a.zip')], { encoding: 'utf8' })) as Array<[string, string]>;
    return entries.map(([name, data]) => [name, Buffer.from(data, 'base64')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The owner id the API scopes everything to: the access token's `sub`. */
function subOf(user: StageUser): string {
  const payload = user.token.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}

describe('the trash\u2019s purge and the archive function on the simulated stage', () => {
  let stage: Stage;
  let alice: StageUser;
  let owner: string;
  let dynamo: DynamoDBClient;
  let table: string;
  let bucket: string;
  const photos: Array<{ id: string; bytes: Buffer; filename: string }> = [];

  const denied = (): string[] => stage.permissionsReport().flatMap((role) => role.denied.map((d) => `${role.roleName}: ${d.action} ${d.resource}`));
  const keysOf = async (id: string): Promise<string[]> => [...(await stage.objects.listKeys(bucket, `originals/${owner}/${id}`)), ...(await stage.objects.listKeys(bucket, `renditions/${owner}/${id}/`))];
  const row = async (id: string) => (await dynamo.send(new GetItemCommand({ TableName: table, Key: { PK: { S: `OWNER#${owner}` }, SK: { S: `MEDIA#${id}` } } }))).Item;

  /**
   * Moves an item's time in the trash back by `days`, as if it had gone there then: the item's
   * record and the keys the media table indexes it by (the owner's trash in GSI3, the purge's
   * `PURGE#{day}` partition of GSI2), as the repository writes them.
   */
  async function trashedDaysAgo(id: string, days: number): Promise<void> {
    const item = await row(id);
    if (item === undefined) throw new Error(`no row for ${id}`);
    const record = JSON.parse(item['item']?.S ?? '{}') as { updatedAt: string; trash?: { at: string; from: string } };
    if (record.trash === undefined) throw new Error(`${id} is not in the trash`);
    const at = new Date(Date.parse(record.trash.at) - days * DAY_MS).toISOString();
    const moved = { ...record, updatedAt: at, trash: { ...record.trash, at } };
    const keys: Record<string, AttributeValue> = {
      item: { S: JSON.stringify(moved) },
      GSI3SK: { S: `${at}#${id}` },
      GSI2PK: { S: `PURGE#${at.slice(0, 10)}` },
      GSI2SK: { S: `${at}#${id}#${owner}` },
    };
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { ...item, ...keys } }));
  }

  async function download(ask: () => Promise<{ status: number; body: DownloadView }>): Promise<{ view: DownloadView; zip: Buffer; disposition: string | null }> {
    const asked = await ask();
    expect({ status: asked.status, state: asked.body.status }).toEqual({ status: 202, state: 'pending' });
    const deadline = Date.now() + 120_000;
    for (;;) {
      await stage.idle();
      const { status, body } = await alice.api<DownloadView>('GET', `/api/v1/downloads/${asked.body.id}`);
      expect(status).toBe(200);
      if (body.status === 'ready' && body.url !== null) {
        const fetched = await fetch(body.url);
        expect(fetched.status).toBe(200);
        return { view: body, zip: Buffer.from(await fetched.arrayBuffer()), disposition: fetched.headers.get('content-disposition') };
      }
      if (body.status === 'failed' || Date.now() > deadline) throw new Error(`download ${asked.body.id}: ${JSON.stringify(body)}`);
      await new Promise((done) => setTimeout(done, 500));
    }
  }

  beforeAll(async () => {
    stage = await bringUp();
    alice = await signIn(stage, ALICE.username, ALICE.password);
    owner = subOf(alice);
    const api = stage.spec.functions.find((fn) => fn.environment['ARCHIVE_QUEUE_URL'] !== undefined);
    table = api?.environment['MEDIA_TABLE'] ?? '';
    bucket = api?.environment['MEDIA_BUCKET'] ?? '';
    dynamo = new DynamoDBClient({ endpoint: stage.dynamoEndpoint, region: stage.spec.account.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    for (const [seed, filename] of [
      [41, 'harbour.jpg'],
      [42, 'lighthouse.jpg'],
    ] as const) {
      const bytes = await jpeg(seed);
      const view = await settled(alice, await upload(alice, filename, bytes, 'image/jpeg'));
      expect(view.status).toBe('ready');
      photos.push({ id: view.id, bytes, filename });
    }
  });

  afterAll(async () => {
    dynamo?.destroy();
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
  });

  it('deploys the purge on an hourly schedule and the api function with the archive queue', () => {
    const rule = stage.spec.rules.find((r) => r.schedule !== undefined);
    expect(rule?.schedule).toBe('rate(1 hour)');
    const purge = stage.spec.functions.find((fn) => fn.arn === rule?.targets[0]?.arn);
    expect(purge?.environment).toMatchObject({ PURGE_OBJECT_VERSIONS: 'true' });
    expect(purge?.environment['DISTRIBUTION_ID']).toBe(stage.spec.distributions[0]?.id);
    // The api function sends to the queue the archive function is fed by, and no other function does.
    const senders = stage.spec.functions.filter((fn) => fn.environment['ARCHIVE_QUEUE_URL'] !== undefined);
    expect(senders.map((fn) => fn.environment['PURGE_OBJECT_VERSIONS'])).toEqual(['true']);
    const queue = stage.spec.queues.find((q) => q.url === senders[0]?.environment['ARCHIVE_QUEUE_URL']);
    const consumer = stage.spec.mappings.find((mapping) => mapping.eventSourceArn === queue?.arn);
    expect(consumer).toMatchObject({ batchSize: 1, reportBatchItemFailures: true });
    expect(queue?.redrive?.maxReceiveCount).toBe(3);
  });

  it('deletes for good, at the purge\u2019s hour, what has been in the trash past its retention, and nothing else', async () => {
    const doomed = await settled(alice, await upload(alice, 'doomed.jpg', await jpeg(43), 'image/jpeg'));
    const recent = await settled(alice, await upload(alice, 'recent.jpg', await jpeg(44), 'image/jpeg'));
    // Its album and its share link are what a delete for good changes beyond the item.
    const album = (await alice.api<{ id: string }>('POST', '/api/v1/albums', { name: 'Harbour' })).body.id;
    expect((await alice.api('POST', `/api/v1/albums/${album}/items`, { mediaIds: [doomed.id, photos[0]?.id] })).status).toBe(200);
    const shared = await alice.api<{ token: string }>('POST', '/api/v1/shares', { target: { type: 'media', mediaId: doomed.id } });
    expect(shared.status).toBe(201);
    for (const item of [doomed, recent]) expect((await alice.api('DELETE', `/api/v1/media/${item.id}`)).status).toBe(204);
    expect((await alice.api<MediaView>('GET', `/api/v1/media/${doomed.id}`)).body.status).toBe('trashed');
    const doomedKeys = await keysOf(doomed.id);
    expect(doomedKeys.length).toBeGreaterThan(1);

    await trashedDaysAgo(doomed.id, RETENTION_DAYS + 1);
    await trashedDaysAgo(recent.id, RETENTION_DAYS - 1);
    const rule = stage.spec.rules.find((r) => r.schedule !== undefined);
    stage.messaging.runSchedule(rule?.arn ?? 'no scheduled rule');
    await stage.idle();

    expect((await alice.api('GET', `/api/v1/media/${doomed.id}`)).status).toBe(404);
    expect(await row(doomed.id)).toBeUndefined();
    expect(await keysOf(doomed.id)).toEqual([]);
    const members = await alice.api<{ items: Array<{ id: string }> }>('GET', `/api/v1/albums/${album}/items`);
    expect(members.body.items.map((item) => item.id)).toEqual([photos[0]?.id]);
    expect((await fetch(`${stage.siteUrl}/api/v1/shared/${shared.body.token}`)).status).toBe(410);
    // A day short of the retention: still in the trash, with its bytes.
    expect((await alice.api<MediaView>('GET', `/api/v1/media/${recent.id}`)).body.status).toBe('trashed');
    expect((await keysOf(recent.id)).length).toBeGreaterThan(1);
    const pool = stage.lambda.pool(rule?.targets[0]?.arn.split(':').pop() ?? '');
    expect({ invocations: pool?.invocations, errors: pool?.errors }).toEqual({ invocations: 1, errors: 0 });
  });

  it('builds a zip of two items, which downloads through its presigned link as an attachment and unzips to the originals', async () => {
    const { view, zip, disposition } = await download(() => alice.api<DownloadView>('POST', '/api/v1/downloads', { ids: photos.map((p) => p.id) }));
    expect(view.kind).toBe('selection');
    expect(disposition).toMatch(/^attachment; filename="mediaflow-\d{4}-\d{2}-\d{2}\.zip"/);
    const entries = unzip(zip);
    expect(entries.map(([name]) => name)).toEqual(['harbour.jpg', 'lighthouse.jpg', 'manifest.json']);
    for (const photo of photos) expect(entries.find(([name]) => name === photo.filename)?.[1].equals(photo.bytes)).toBe(true);
    const manifest = JSON.parse(entries[2]?.[1].toString('utf8') ?? '{}') as { files: Array<{ id: string }>; skipped: unknown[] };
    expect(manifest.files.map((f) => f.id)).toEqual(photos.map((p) => p.id));
    expect(manifest.skipped).toEqual([]);
  });

  it('exports the whole library, the trash left out', async () => {
    const { view, zip } = await download(() => alice.api<DownloadView>('POST', '/api/v1/export'));
    expect(view.kind).toBe('export');
    const entries = unzip(zip);
    expect(entries.map(([name]) => name).sort()).toEqual(['library.json', 'originals/harbour.jpg', 'originals/lighthouse.jpg']);
    for (const photo of photos) expect(entries.find(([name]) => name === `originals/${photo.filename}`)?.[1].equals(photo.bytes)).toBe(true);
    const library = JSON.parse(entries.find(([name]) => name === 'library.json')?.[1].toString('utf8') ?? '{}') as { ownerId: string; albums: Array<{ items: string[] }> };
    expect(library.ownerId).toBe(owner);
    expect(library.albums.map((album) => album.items)).toEqual([[photos[0]?.id]]);
  });

  it('refused no call of any role, and dead-lettered nothing', () => {
    expect(denied()).toEqual([]);
    expect(Object.values(stage.deadLetters()).reduce((sum, count) => sum + count, 0)).toBe(0);
  });
});
