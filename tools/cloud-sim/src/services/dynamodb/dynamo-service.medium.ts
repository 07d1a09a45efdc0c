import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { CredentialRegistry } from '../../gateway/credentials.js';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import type { TableSpec } from '../../specs.js';
import type { Authorization, SimEvent } from '../../types.js';
import { startDynamo, type DynamoService } from './dynamo-service.js';

const ROLE = 'arn:aws:iam::123456789012:role/Mediaflow-dev-ApiFunctionServiceRole';
const MEDIA_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/Mediaflow-dev-media';

const MEDIA_TABLE: TableSpec = {
  logicalId: 'DataMediaTable905FBC60',
  name: 'Mediaflow-dev-media',
  arn: MEDIA_ARN,
  createTable: {
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
      { AttributeName: 'GSI1PK', AttributeType: 'S' },
      { AttributeName: 'GSI1SK', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [
      {
        IndexName: 'GSI1',
        KeySchema: [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  },
  timeToLiveAttribute: 'expiresAt',
};
const TableName = MEDIA_TABLE.name;

describe('DynamoDB behind the gateway (real SDK client, dynalite)', () => {
  let dynamo: DynamoService;
  let gateway: Gateway;
  let client: DynamoDBClient;
  /** Direct to dynalite, to look at rows without the gateway. */
  let raw: DynamoDBClient;
  const seen: Authorization[] = [];
  const events: SimEvent[] = [];
  const refused = new Set<string>();
  let partition = 0;
  let pk: string;

  beforeAll(async () => {
    dynamo = await startDynamo({ tables: [MEDIA_TABLE] });
    const credentials = new CredentialRegistry();
    gateway = await startGateway({
      credentials,
      services: { dynamodb: dynamo.handler },
      authorize: (_principal, auth) => {
        seen.push(auth);
        return refused.has(auth.action) ? { allowed: false, reason: 'refused by the test' } : { allowed: true, reason: 'allowed by the test' };
      },
      log: (event) => events.push(event),
    });
    client = new DynamoDBClient({ endpoint: gateway.url, region: 'us-east-1', credentials: credentials.issue({ roleArn: ROLE, sessionName: 'api' }) });
    raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });

  afterAll(async () => {
    client.destroy();
    raw.destroy();
    await gateway.close();
    await dynamo.close();
  });

  beforeEach(() => {
    seen.length = 0;
    events.length = 0;
    refused.clear();
    partition += 1;
    pk = `OWNER#test-${partition}`;
  });

  const s = (value: string): AttributeValue => ({ S: value });
  const row = (sk: string, extra: Record<string, AttributeValue> = {}): Record<string, AttributeValue> => ({ PK: s(pk), SK: s(sk), ...extra });
  const put = (sk: string, extra: Record<string, AttributeValue> = {}) => client.send(new PutItemCommand({ TableName, Item: row(sk, extra) }));
  const read = async (sk: string) => (await raw.send(new GetItemCommand({ TableName, Key: { PK: s(pk), SK: s(sk) }, ConsistentRead: true }))).Item;

  it('puts, gets and queries (table and index), asking IAM for each action on the right ARN', async () => {
    await put('MEDIA#1', { GSI1PK: s(`${pk}#TAG`), GSI1SK: s('dog') });
    const got = await client.send(new GetItemCommand({ TableName, Key: { PK: s(pk), SK: s('MEDIA#1') } }));
    expect(got.Item?.['GSI1SK']).toEqual(s('dog'));
    const byKey = await client.send(new QueryCommand({ TableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': s(pk) } }));
    expect(byKey.Items?.map((item) => item['SK']?.S)).toEqual(['MEDIA#1']);
    const byIndex = await client.send(
      new QueryCommand({ TableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :p', ExpressionAttributeValues: { ':p': s(`${pk}#TAG`) } }),
    );
    expect(byIndex.Items?.map((item) => item['SK']?.S)).toEqual(['MEDIA#1']);
    expect(seen).toEqual([
      { action: 'dynamodb:PutItem', resource: MEDIA_ARN, context: { 'dynamodb:LeadingKeys': [pk] } },
      { action: 'dynamodb:GetItem', resource: MEDIA_ARN, context: { 'dynamodb:LeadingKeys': [pk] } },
      { action: 'dynamodb:Query', resource: MEDIA_ARN },
      { action: 'dynamodb:Query', resource: `${MEDIA_ARN}/index/GSI1` },
    ]);
  });

  it('commits a transaction as a whole and asks IAM per item with its own action', async () => {
    await put('SHA256#a', { owner: s('x') });
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName, Item: row('MEDIA#1'), ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName, Item: row('MEDIA#1#TAG#dog') } },
          { Delete: { TableName, Key: { PK: s(pk), SK: s('SHA256#a') } } },
          { ConditionCheck: { TableName, Key: { PK: s(pk), SK: s('MEDIA#0') }, ConditionExpression: 'attribute_not_exists(PK)' } },
        ],
      }),
    );
    expect(await read('MEDIA#1')).toEqual(row('MEDIA#1'));
    expect(await read('MEDIA#1#TAG#dog')).toEqual(row('MEDIA#1#TAG#dog'));
    expect(await read('SHA256#a')).toBeUndefined();
    expect(seen.slice(-4).map((auth) => auth.action)).toEqual([
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:ConditionCheckItem',
    ]);
  });

  it('cancels a transaction with a reason per item and leaves no partial write', async () => {
    await put('MEDIA#1', { version: { N: '1' } });
    await put('SHA256#taken', { owner: s('MEDIA#9') });
    const items: TransactWriteItem[] = [
      { Put: { TableName, Item: row('MEDIA#2#TAG#cat') } },
      {
        Update: {
          TableName,
          Key: { PK: s(pk), SK: s('MEDIA#1') },
          UpdateExpression: 'SET #v = :next',
          ConditionExpression: '#v = :expected',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':next': { N: '3' }, ':expected': { N: '2' } },
        },
      },
      {
        Put: {
          TableName,
          Item: row('SHA256#taken', { owner: s('MEDIA#2') }),
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
    const error = await client.send(new TransactWriteItemsCommand({ TransactItems: items })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: row('SHA256#taken', { owner: s('MEDIA#9') }) },
      ],
    });
    expect(await read('MEDIA#2#TAG#cat')).toBeUndefined();
    expect(await read('MEDIA#1')).toEqual(row('MEDIA#1', { version: { N: '1' } }));
    expect(await read('SHA256#taken')).toEqual(row('SHA256#taken', { owner: s('MEDIA#9') }));
  });

  it('rolls back the writes already applied when a later write of the transaction fails', async () => {
    await put('MEDIA#1', { title: s('old') });
    const error = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: row('MEDIA#1', { title: s('new') }) } },
            // Adding a number to a string only fails when the write is applied.
            { Update: { TableName, Key: { PK: s(pk), SK: s('MEDIA#3') }, UpdateExpression: 'SET n = :text + :one', ExpressionAttributeValues: { ':text': s('a'), ':one': { N: '1' } } } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException' });
    expect(await read('MEDIA#1')).toEqual(row('MEDIA#1', { title: s('old') }));
    expect(await read('MEDIA#3')).toBeUndefined();
  });

  it('lets exactly one of many concurrent transactions win the same optimistic-lock condition', async () => {
    await put('MEDIA#1', { version: { N: '1' } });
    const attempt = (n: number) =>
      client
        .send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName,
                  Key: { PK: s(pk), SK: s('MEDIA#1') },
                  UpdateExpression: 'SET version = :next, winner = :n',
                  ConditionExpression: 'version = :current',
                  ExpressionAttributeValues: { ':next': { N: '2' }, ':current': { N: '1' }, ':n': { N: String(n) } },
                },
              },
              { Put: { TableName, Item: row(`CLAIM#${n}`) } },
            ],
          }),
        )
        .then(
          () => 'committed',
          (e: unknown) => (e as Error).name,
        );
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, n) => attempt(n)));
    expect(outcomes.filter((o) => o === 'committed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'TransactionCanceledException')).toHaveLength(7);
    const winner = (await read('MEDIA#1'))?.['winner']?.N;
    const claims = await raw.send(new QueryCommand({ TableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :c)', ExpressionAttributeValues: { ':pk': s(pk), ':c': s('CLAIM#') } }));
    expect(claims.Items?.map((item) => item['SK']?.S)).toEqual([`CLAIM#${winner}`]);
  });

  it('refuses transactions that touch one item twice or hold more than 100 items', async () => {
    const twice = client.send(
      new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: row('A') } }, { Delete: { TableName, Key: row('A') } }] }),
    );
    await expect(twice).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('multiple operations on one item') });
    const many = client.send(new TransactWriteItemsCommand({ TransactItems: Array.from({ length: 101 }, (_, i) => ({ Put: { TableName, Item: row(`I#${i}`) } })) }));
    await expect(many).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await read('A')).toBeUndefined();
    expect(await read('I#0')).toBeUndefined();
  });

  it('reads several items in one TransactGetItems', async () => {
    await put('MEDIA#1', { title: s('one') });
    const out = await client.send(
      new TransactGetItemsCommand({
        TransactItems: [{ Get: { TableName, Key: { PK: s(pk), SK: s('MEDIA#1') } } }, { Get: { TableName, Key: { PK: s(pk), SK: s('MEDIA#404') } } }],
      }),
    );
    expect(out.Responses).toEqual([{ Item: row('MEDIA#1', { title: s('one') }) }, {}]);
    expect(seen.slice(-2)).toEqual([
      { action: 'dynamodb:GetItem', resource: MEDIA_ARN, context: { 'dynamodb:LeadingKeys': [pk] } },
      { action: 'dynamodb:GetItem', resource: MEDIA_ARN, context: { 'dynamodb:LeadingKeys': [pk] } },
    ]);
  });

  it('answers AccessDeniedException when IAM refuses, writes nothing and logs the denial', async () => {
    refused.add('dynamodb:PutItem');
    const error = await put('MEDIA#1').catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${ROLE}/api is not authorized to perform: dynamodb:PutItem on resource: ${MEDIA_ARN} because no identity-based policy allows the dynamodb:PutItem action`,
    });
    expect(await read('MEDIA#1')).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ kind: 'denied', detail: expect.objectContaining({ action: 'dynamodb:PutItem', reason: 'refused by the test' }) })]);
    expect(gateway.calls.entries()).toContainEqual(expect.objectContaining({ principal: `${ROLE}/api`, action: 'dynamodb:PutItem', denied: 1 }));
  });

  it('refuses a transaction when IAM refuses the action of one of its items', async () => {
    refused.add('dynamodb:DeleteItem');
    const error = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: row('A') } }, { Delete: { TableName, Key: row('B') } }] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect(await read('A')).toBeUndefined();
  });

  it('answers ResourceNotFoundException for a table the stage does not have', async () => {
    const error = await client.send(new GetItemCommand({ TableName: 'not-in-the-stage', Key: { PK: s('a'), SK: s('b') } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(seen).toEqual([{ action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/not-in-the-stage' }]);
  });

  it('turns away calls signed with credentials the stage never issued', async () => {
    const stranger = new DynamoDBClient({
      endpoint: gateway.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'ASIAUNKNOWNKEY000000', secretAccessKey: 'x', sessionToken: 'y' },
    });
    try {
      await expect(stranger.send(new GetItemCommand({ TableName, Key: row('A') }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    } finally {
      stranger.destroy();
    }
  });

  it('updates items in place through the gateway', async () => {
    await put('MEDIA#1', { n: { N: '1' } });
    const out = await client.send(
      new UpdateItemCommand({ TableName, Key: { PK: s(pk), SK: s('MEDIA#1') }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'ALL_NEW' }),
    );
    expect(out.Attributes?.['n']).toEqual({ N: '2' });
  });
});
