import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { createDynamoClient, createMediaTable, DynamoMediaRepository, mediaKeys } from '@mediaflow/storage/dynamodb';
import dynalite from 'dynalite';
import { captureIo } from '../testing.js';
import { backfillCommand } from './backfill.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const TABLE = 'media-backfill';

describe('mediaflow backfill (against dynalite)', () => {
  let server: Server;
  let endpoint: string;
  const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };

  beforeAll(async () => {
    // The command takes credentials from the usual AWS settings; the emulator checks none.
    process.env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
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

  it('puts items held before the review index existed into the moderators\u2019 queue, once', async () => {
    const client = createDynamoClient({ region: 'us-east-1', endpoint, credentials });
    await createMediaTable(client, TABLE);
    const repo = new DynamoMediaRepository({ tableName: TABLE, endpoint, credentials });
    const held = makeMediaItem({ ownerId: 'alice', status: 'flagged', moderation: { verdict: 'flagged', labels: [{ name: 'explicit', confidence: 0.99 }] } });
    const fine = makeMediaItem({ ownerId: 'alice', status: 'ready', moderation: { verdict: 'safe', labels: [] } });
    await repo.create(held);
    await repo.create(fine);
    // As the previous release wrote it: the same row without the index attributes.
    await client.send(
      new UpdateItemCommand({ TableName: TABLE, Key: { PK: { S: mediaKeys.ownerPk('alice') }, SK: { S: mediaKeys.mediaSk(held.id) } }, UpdateExpression: 'REMOVE GSI2PK, GSI2SK' }),
    );
    expect((await repo.listForReview({ limit: 10 })).items).toEqual([]);

    const first = await run('--table', TABLE, '--endpoint', endpoint, '--region', 'us-east-1', '--segments', '2', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ table: TABLE, held: 1, written: 1, decided: 0, conflicts: 0 });
    expect((await repo.listForReview({ limit: 10 })).items.map((i) => i.id)).toEqual([held.id]);

    const again = await run('--table', TABLE, '--endpoint', endpoint);
    expect(again.code).toBe(0);
    expect(again.out).toContain('0 held items without the review index');
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
