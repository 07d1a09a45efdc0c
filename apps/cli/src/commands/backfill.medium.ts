import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SearchQuerySchema, type MediaItem } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { createDynamoClient, createMediaTable, DynamoMediaRepository, DynamoMediaSearch, emulateTransactions, mediaKeys } from '@mediaflow/storage/dynamodb';
import dynalite from 'dynalite';
import { captureIo } from '../testing.js';
import { createBackfillCommand } from './backfill.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const TABLE = 'media-backfill';

describe('mediaflow backfill (against dynalite)', () => {
  let server: Server;
  let endpoint: string;
  const clients: DynamoDBClient[] = [];
  const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
  // dynalite has no TransactWriteItems: the command's client plays them over single writes.
  const backfillCommand = createBackfillCommand({
    client: (options) => {
      const client = createDynamoClient(options);
      const raw = createDynamoClient(options);
      clients.push(raw);
      emulateTransactions(raw).attach(client);
      return client;
    },
  });

  beforeAll(async () => {
    // The command takes credentials from the usual AWS settings; the emulator checks none.
    process.env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await new Promise<void>((done) => server.close(() => done()));
  });

  const run = async (...args: string[]) => {
    const io = captureIo();
    const code = await backfillCommand.run(args, io);
    return { code, out: io.out(), err: io.err() };
  };

  /** A media row as the releases before the review and search indexes wrote it: the item and the attributes beside it. */
  async function plantOld(client: DynamoDBClient, item: MediaItem): Promise<void> {
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          PK: { S: mediaKeys.ownerPk(item.ownerId) },
          SK: { S: mediaKeys.mediaSk(item.id) },
          item: { S: JSON.stringify(item) },
          kind: { S: item.kind },
          status: { S: item.status },
          version: { N: String(item.version) },
        },
      }),
    );
  }

  it('indexes items written before the search index and queues items held before the review index, once', async () => {
    const client = createDynamoClient({ region: 'us-east-1', endpoint, credentials });
    await createMediaTable(client, TABLE);
    const repo = new DynamoMediaRepository({ tableName: TABLE, endpoint, credentials });
    const search = new DynamoMediaSearch({ tableName: TABLE, endpoint, credentials });
    const held = makeMediaItem({ ownerId: 'alice', status: 'flagged', title: 'Night market', moderation: { verdict: 'flagged', labels: [{ name: 'explicit', confidence: 0.99 }] } });
    const fine = makeMediaItem({ ownerId: 'alice', status: 'ready', title: 'Lighthouse', facts: { capturedAt: '2020-06-01T12:00:00.000Z' }, moderation: { verdict: 'safe', labels: [] } });
    await plantOld(client, held);
    await plantOld(client, fine);
    expect((await repo.listForReview({ limit: 10 })).items).toEqual([]);
    expect((await search.search('alice', SearchQuerySchema.parse({ q: 'lighthouse' }))).items).toEqual([]);

    const first = await run('--table', TABLE, '--endpoint', endpoint, '--region', 'us-east-1', '--segments', '2', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ table: TABLE, found: 2, indexed: 2, queued: 1, completed: 0, conflicts: 0 });
    expect((await repo.listForReview({ limit: 10 })).items.map((i) => i.id)).toEqual([held.id]);
    expect((await search.search('alice', SearchQuerySchema.parse({ q: 'lighthouse' }))).items.map((i) => i.id)).toEqual([fine.id]);
    expect((await search.search('alice', SearchQuerySchema.parse({ order: 'taken-asc' }))).items.map((i) => i.id)).toEqual([fine.id, held.id]);
    const timeline = await search.timeline('alice');
    expect(timeline).toEqual([
      { month: held.createdAt.slice(0, 7), count: 1 },
      { month: '2020-06', count: 1 },
    ]);

    const again = await run('--table', TABLE, '--endpoint', endpoint);
    expect(again.code).toBe(0);
    expect(again.out).toContain('0 items without a complete search index or usage count: 0 indexed');
    expect(await search.timeline('alice')).toEqual(timeline);
    client.destroy();
  });

  it('refuses bad usage with exit code 2 and reports an unreachable table with 1', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('--table', 'x')).code).toBe(2);
    expect((await run('--table', TABLE, '--segments', '0')).code).toBe(2);
    expect((await run('--table', TABLE, '--endpoint', 'not a url')).code).toBe(2);
    const missing = await run('--table', 'no-such-table', '--endpoint', endpoint);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no-such-table');
    expect((await run('--help')).out).toContain('Exit codes');
  });
});
