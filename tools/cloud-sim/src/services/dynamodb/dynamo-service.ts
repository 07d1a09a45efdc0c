import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { TableSpec } from '../../specs.js';
import { DEFAULT_ACCOUNT, type AwsRequest, type AwsResponse, type ServiceHandler, type SimAccount } from '../../types.js';
import { dynamoAuthorizations, operationOf, tablesNamed, type DynamoInput } from './authorizations.js';
import { DynaliteClient } from './dynalite-client.js';
import { ReadWriteLock } from './lock.js';
import { accessDenied, resourceNotFound, serializationError } from './responses.js';
import { TableCatalog } from './tables.js';
import { transactGetItems, transactWriteItems, type TransactionDeps } from './transactions.js';

export interface DynamoOptions {
  tables: TableSpec[];
  /** Where dynalite keeps its LevelDB files; in memory when absent. */
  dataDir?: string;
  /** Builds the ARNs of tables the stage does not have (for IAM); the default account otherwise. */
  account?: SimAccount;
}

export interface DynamoService {
  /** The handler for signing name `dynamodb`. */
  handler: ServiceHandler;
  /** dynalite's own address, for looking at rows directly (no IAM, no signature check). */
  endpoint: string;
  close(): Promise<void>;
}

// Calls that change which tables exist, so the catalog follows them.
const TABLE_LIFECYCLE = new Set(['CreateTable', 'DeleteTable']);

/**
 * Starts dynalite on 127.0.0.1, creates the stage's tables and answers DynamoDB JSON 1.0 calls with
 * it. Calls are forwarded byte for byte and answered verbatim; the transactions dynalite lacks are
 * built on its single-item writes (see `transactions.ts`).
 *
 * @example
 * const dynamo = await startDynamo({ tables: stage.tables });
 * await startGateway({ services: { dynamodb: dynamo.handler }, ... });
 */
export async function startDynamo(options: DynamoOptions): Promise<DynamoService> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir !== undefined ? { path: options.dataDir } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynaliteClient(endpoint);
  const close = async (): Promise<void> => {
    client.close();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  };

  const catalog = new TableCatalog(options.tables, options.account ?? DEFAULT_ACCOUNT);
  try {
    for (const table of options.tables) await createTable(client, table);
  } catch (error) {
    await close();
    throw error;
  }

  const deps: TransactionDeps = { client, catalog, lock: new ReadWriteLock() };
  const handler: ServiceHandler = {
    authorizations(request) {
      const operation = operationOf(request.headers['x-amz-target']);
      const input = parseInput(request.body);
      if (operation === undefined || input === undefined) return [];
      return dynamoAuthorizations(operation, input, catalog);
    },
    handle: (request) => handle(request, deps),
    denied: (_request, message) => accessDenied(message),
  };
  return { handler, endpoint, close };
}

async function handle(request: AwsRequest, deps: TransactionDeps): Promise<AwsResponse> {
  const operation = operationOf(request.headers['x-amz-target']);
  const input = parseInput(request.body);
  if (operation === undefined) {
    return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"__type":"com.amazon.coral.service#UnknownOperationException"}' };
  }
  if (input === undefined) return serializationError();
  if (operation !== 'CreateTable' && tablesNamed(operation, input).some((table) => !deps.catalog.has(table))) {
    return resourceNotFound();
  }
  if (operation === 'TransactWriteItems') return transactWriteItems(input, deps);
  if (operation === 'TransactGetItems') return transactGetItems(input, deps);

  const answer = await deps.lock.shared(() => deps.client.send(operation, request.body));
  if (TABLE_LIFECYCLE.has(operation) && answer.status === 200 && typeof input['TableName'] === 'string') {
    if (operation === 'CreateTable') deps.catalog.add(input['TableName'], input);
    else deps.catalog.remove(input['TableName']);
  }
  return { status: answer.status, headers: answer.headers, body: answer.body };
}

function parseInput(body: Buffer): DynamoInput | undefined {
  try {
    const parsed: unknown = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as DynamoInput) : undefined;
  } catch {
    return undefined;
  }
}

// Fields of a CreateTable input dynalite understands; anything else of the template is left out.
const CREATE_TABLE_FIELDS = [
  'AttributeDefinitions',
  'KeySchema',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'BillingMode',
  'ProvisionedThroughput',
  'StreamSpecification',
] as const;

async function createTable(client: DynaliteClient, table: TableSpec): Promise<void> {
  const input: Record<string, unknown> = { TableName: table.name };
  for (const field of CREATE_TABLE_FIELDS) if (table.createTable[field] !== undefined) input[field] = table.createTable[field];
  for (const field of ['GlobalSecondaryIndexes', 'LocalSecondaryIndexes']) {
    if (Array.isArray(input[field])) input[field] = (input[field] as Array<Record<string, unknown>>).map(indexInput);
  }
  if (input['BillingMode'] === undefined && input['ProvisionedThroughput'] === undefined) input['BillingMode'] = 'PAY_PER_REQUEST';

  const created = await client.call('CreateTable', input);
  // A table kept in dataDir from an earlier run is already there.
  if (created.error !== undefined && created.error !== 'ResourceInUseException') {
    throw new Error(`dynalite refused table ${table.name}: ${created.answer.body.toString('utf8')}`);
  }
  for (let attempt = 0; ; attempt += 1) {
    const described = await client.call('DescribeTable', { TableName: table.name });
    const status = (described.output['Table'] as { TableStatus?: string } | undefined)?.TableStatus;
    if (status === 'ACTIVE') return;
    if (described.error !== undefined || attempt > 1000) throw new Error(`table ${table.name} did not become ACTIVE (${described.error ?? status})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function indexInput(index: Record<string, unknown>): Record<string, unknown> {
  const { IndexName, KeySchema, Projection, ProvisionedThroughput } = index;
  return { IndexName, KeySchema, Projection, ...(ProvisionedThroughput !== undefined ? { ProvisionedThroughput } : {}) };
}
