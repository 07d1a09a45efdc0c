import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ManualClock, rateLimiterContract } from '@mediaflow/domain/testing';
import { DYNALITE_CREDENTIALS, useDynalite } from './testing/dynalite-server.js';
import { DynamoRateLimiter, DynamoRateLimiterConfigSchema } from './dynamo-rate-limiter.js';
import { createMediaTable, MEDIA_TTL_ATTRIBUTE, mediaKeys } from './table.js';

const credentials = DYNALITE_CREDENTIALS;
const dynamo = useDynalite();
let tables = 0;

/** A client of its own, as each Lambda instance has. */
function client(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: dynamo.endpoint(), region: 'us-east-1', credentials });
}

/** A fresh media table, so each test starts with no counters. */
async function freshTable(): Promise<string> {
  tables += 1;
  const tableName = `rate-${tables}`;
  const admin = client();
  await createMediaTable(admin, tableName);
  admin.destroy();
  return tableName;
}

rateLimiterContract('DynamoDB (dynalite)', async () => {
  const tableName = await freshTable();
  const clock = new ManualClock();
  const clients: DynamoDBClient[] = [];
  return {
    limiter: (limit) => {
      const own = client();
      clients.push(own);
      return new DynamoRateLimiter({ tableName, endpoint: dynamo.endpoint(), credentials, ...limit }, { client: own, clock });
    },
    advance: async (seconds) => clock.advance(seconds * 1000),
    close: async () => {
      for (const each of clients) each.destroy();
    },
  };
});

describe('DynamoRateLimiter on two instances sharing one table', () => {
  const limit = { perSecond: 5, burst: 20 };
  let tableName: string;
  let clock: ManualClock;
  let clients: DynamoDBClient[];
  let instances: [DynamoRateLimiter, DynamoRateLimiter];

  beforeEach(async () => {
    tableName = await freshTable();
    clock = new ManualClock('2026-03-01T12:00:00.000Z');
    const [first, second] = [client(), client()];
    clients = [first, second];
    instances = [
      new DynamoRateLimiter({ tableName, endpoint: dynamo.endpoint(), credentials, ...limit }, { client: first, clock }),
      new DynamoRateLimiter({ tableName, endpoint: dynamo.endpoint(), credentials, ...limit }, { client: second, clock }),
    ];
  });

  afterEach(() => {
    for (const each of clients) each.destroy();
  });

  it('throttles a caller whose requests went to either instance, while another caller is still served', async () => {
    const [a, b] = instances;
    // Alice's burst, spread over both instances: each sees only half of it.
    for (let i = 0; i < limit.burst; i += 1) {
      // What is left is counted across both instances.
      expect(await (i % 2 === 0 ? a : b).take('alice')).toMatchObject({ wait: 0, remaining: limit.burst - 1 - i });
    }
    const { wait: waitA } = await a.take('alice');
    const { wait: waitB, remaining } = await b.take('alice');
    // A 20-request burst at 5 a second is a 4 s window; the clock sits at its start.
    expect(waitA).toBe(4);
    expect(waitB).toBe(4);
    expect(remaining).toBe(0);
    expect((await b.take('bob')).wait).toBe(0);
    expect((await a.take('bob')).wait).toBe(0);
    clock.advance(waitA * 1000);
    expect((await b.take('alice')).wait).toBe(0);
  });

  it('admits exactly the burst from requests racing on both instances at once', async () => {
    const [a, b] = instances;
    const racing = Array.from({ length: 3 * limit.burst }, (_, i) => (i % 2 === 0 ? a : b).take('alice'));
    const waits = (await Promise.all(racing)).map((decision) => decision.wait);
    expect(waits.filter((wait) => wait === 0)).toHaveLength(limit.burst);
    expect(waits.filter((wait) => wait > 0)).toHaveLength(2 * limit.burst);
  });

  it('keeps one counter item per caller and window in the media table, which the table\u2019s TTL removes after the window', async () => {
    const [a] = instances;
    await a.take('alice');
    await a.take('alice');
    const window = Math.floor(clock.now().getTime() / 4000);
    const reader = client();
    try {
      const { Item } = await reader.send(new GetItemCommand({ TableName: tableName, Key: { PK: { S: mediaKeys.ratePk('alice', window) }, SK: { S: mediaKeys.rateSk } } }));
      expect(Item?.['count']).toEqual({ N: '2' });
      const expiresAt = Number(Item?.[MEDIA_TTL_ATTRIBUTE]?.N);
      expect(expiresAt * 1000).toBeGreaterThan((window + 1) * 4000);
      expect(expiresAt * 1000).toBeLessThanOrEqual((window + 1) * 4000 + 120_000);
    } finally {
      reader.destroy();
    }
  });

  it('refuses a malformed limit or caller', async () => {
    expect(() => DynamoRateLimiterConfigSchema.parse({ tableName, perSecond: 5, burst: 0.5 })).toThrow();
    expect(() => DynamoRateLimiterConfigSchema.parse({ tableName: 'x', perSecond: 5, burst: 5 })).toThrow();
    await expect(instances[0].take('')).rejects.toThrow(/1 to 1024 characters/);
  });
});
