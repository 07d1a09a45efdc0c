import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ReceivedMessage } from '@mediaflow/domain';
import type { Context } from 'aws-lambda';
import type { AddressInfo } from 'node:net';
import { defaultIdempotencyKey, idempotent } from './idempotency.js';

// dynalite ships no types; its default export starts a DynamoDB-compatible server in memory.
const dynalite = require('dynalite') as (options: { createTableMs: number }) => import('node:http').Server;

function message(id: string, body: string): ReceivedMessage {
  return { id, body, attributes: {}, receiptHandle: `rh-${id}`, receiveCount: 1, sentAt: new Date(0) };
}

describe('idempotent (Powertools Idempotency on DynamoDB, against dynalite)', () => {
  const server = dynalite({ createTableMs: 0 });
  let client: DynamoDBClient;
  let table = 0;

  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });

  afterAll(async () => {
    client.destroy();
    await new Promise((done) => server.close(done));
  });

  async function freshTable(): Promise<string> {
    table += 1;
    const tableName = `idempotency-${table}`;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    return tableName;
  }

  it('runs a domain event once, whichever message delivers it', async () => {
    const runs: string[] = [];
    const handler = idempotent(async (m) => void runs.push(m.id), { client, tableName: await freshTable() });
    handler.useLambdaContext({ functionName: 'ingest', awsRequestId: 'r1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context);
    const body = JSON.stringify({ id: '01JQ0000000000000000000001', type: 'media.uploaded' });
    await handler(message('first', body));
    await handler(message('redelivered', body));
    await handler(message('other', JSON.stringify({ id: '01JQ0000000000000000000002' })));
    expect(runs).toEqual(['first', 'other']);
  });

  it('runs again after a failure, so the retry can succeed', async () => {
    let attempts = 0;
    const handler = idempotent(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('transient');
      },
      { client, tableName: await freshTable() },
    );
    handler.useLambdaContext({ functionName: 'ingest', awsRequestId: 'r2', getRemainingTimeInMillis: () => 30_000 } as unknown as Context);
    const m = message('m', JSON.stringify({ id: '01JQ0000000000000000000003' }));
    await expect(handler(m)).rejects.toThrow('transient');
    await handler(m);
    await handler(m);
    expect(attempts).toBe(2);
  });

  it('keys non-event bodies by message id', () => {
    expect(defaultIdempotencyKey(message('m1', '{"Records":[]}'))).toBe('message:m1');
    expect(defaultIdempotencyKey(message('m2', 'not json'))).toBe('message:m2');
    expect(defaultIdempotencyKey(message('m3', '{"id":"e"}'))).toBe('event:e');
  });
});
