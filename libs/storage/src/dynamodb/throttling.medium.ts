import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeMediaItem } from '@mediaflow/domain/testing';
import dynalite from 'dynalite';
import { createDynamoClient, DynamoMediaRepositoryConfigSchema } from './config.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { createMediaTable } from './table.js';

// DynamoDB throttles a hot partition with `ProvisionedThroughputExceededException` (also in on-demand
// mode). A proxy in front of dynalite answers the first requests that way, as DynamoDB would, and
// then forwards: the repository's client must back off and get through.

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let emulator: Server;
let proxy: Server;
let proxyEndpoint: string;
let throttleNext = 0;
let requests = 0;

beforeAll(async () => {
  emulator = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => emulator.listen(0, '127.0.0.1', resolve));
  const target = (emulator.address() as AddressInfo).port;
  proxy = createServer((incoming, outgoing) => {
    requests += 1;
    if (throttleNext > 0) {
      throttleNext -= 1;
      incoming.resume();
      outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `throttled-${requests}` });
      outgoing.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded.' }));
      return;
    }
    const forward = httpRequest({ host: '127.0.0.1', port: target, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const admin = new DynamoDBClient({ endpoint: proxyEndpoint, region: 'us-east-1', credentials });
  await createMediaTable(admin, 'media');
  admin.destroy();
});

afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await new Promise<void>((resolve) => emulator.close(() => resolve()));
});

function repository(): { repo: DynamoMediaRepository; client: DynamoDBClient } {
  const config = DynamoMediaRepositoryConfigSchema.parse({ tableName: 'media', endpoint: proxyEndpoint, region: 'us-east-1', credentials });
  const client = createDynamoClient(config);
  return { repo: new DynamoMediaRepository(config, { client }), client };
}

// Backoff after throttling starts around half a second and doubles (with jitter): a test may take
// several seconds, which is the behaviour under test, so the time limit is generous.
jest.setTimeout(60_000);

describe('the repository under DynamoDB throttling', () => {
  it('backs off and succeeds when more attempts are throttled than the SDK would make by default', async () => {
    const { repo, client } = repository();
    try {
      const item = makeMediaItem({ ownerId: 'alice' });
      throttleNext = 4;
      requests = 0;
      await repo.create(item);
      expect(requests).toBe(5);
      expect((await repo.get('alice', item.id))?.id).toBe(item.id);
    } finally {
      client.destroy();
    }
  });

  it('gives up with the throttling error, not a hang, when throttling outlasts its attempts', async () => {
    const { repo, client } = repository();
    try {
      throttleNext = 100;
      requests = 0;
      await expect(repo.get('alice', makeMediaItem().id)).rejects.toMatchObject({ name: expect.stringMatching(/ProvisionedThroughputExceeded|StorageError/) });
      expect(requests).toBe(6);
    } finally {
      throttleNext = 0;
      client.destroy();
    }
  });

  it('would have failed with the SDK\'s default of three attempts', async () => {
    const client = new DynamoDBClient({ endpoint: proxyEndpoint, region: 'us-east-1', credentials });
    const config = DynamoMediaRepositoryConfigSchema.parse({ tableName: 'media', endpoint: proxyEndpoint, region: 'us-east-1', credentials });
    try {
      throttleNext = 4;
      requests = 0;
      await expect(new DynamoMediaRepository(config, { client }).get('alice', makeMediaItem().id)).rejects.toBeDefined();
      expect(requests).toBeLessThan(5);
    } finally {
      throttleNext = 0;
      client.destroy();
    }
  });
});
