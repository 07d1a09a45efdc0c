import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactionCanceledException,
  UpdateItemCommand,
  type AttributeValue,
  type TransactWriteItem,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { createMediaTable } from '../table.js';
import { DYNALITE_CREDENTIALS } from './dynalite-server.js';

type Row = Record<string, AttributeValue>;

/** One request a client sent: the SDK command's name (`QueryCommand`, ...) and its input. */
export interface SentCommand {
  name: string;
  input: Record<string, unknown>;
}

const keyOf = (row: Row): Row => {
  const { PK, SK } = row;
  if (PK === undefined || SK === undefined) throw new Error('a row without PK/SK');
  return { PK, SK };
};

/**
 * dynalite 4 has no TransactWriteItems. This plays one on top of its conditional single writes:
 * the actions run one by one (each with its condition, remembering the old image), and when a
 * condition fails the earlier ones are put back and the SDK's TransactionCanceledException is
 * thrown with the failed action's reason at its index, as DynamoDB reports it. A ConditionCheck is
 * an UpdateItem that changes nothing under the same condition. Transactions are serialised among
 * themselves; tests that race repositories give each one a client through the same emulation.
 * Like DynamoDB, it refuses two actions on one item.
 */
export function emulateTransactions(raw: DynamoDBClient): { attach(client: DynamoDBClient): void } {
  let queue: Promise<unknown> = Promise.resolve();
  const restore = (table: string, key: Row, old: Row | undefined) => async (): Promise<void> => {
    if (old === undefined) await raw.send(new DeleteItemCommand({ TableName: table, Key: key }));
    else await raw.send(new PutItemCommand({ TableName: table, Item: old }));
  };
  async function apply(action: TransactWriteItem): Promise<() => Promise<void>> {
    if (action.Put?.Item !== undefined && action.Put.TableName !== undefined) {
      const { Attributes } = await raw.send(new PutItemCommand({ ...action.Put, ReturnValues: 'ALL_OLD' }));
      return restore(action.Put.TableName, keyOf(action.Put.Item), Attributes);
    }
    if (action.Delete?.Key !== undefined && action.Delete.TableName !== undefined) {
      const { Attributes } = await raw.send(new DeleteItemCommand({ ...action.Delete, ReturnValues: 'ALL_OLD' }));
      return restore(action.Delete.TableName, action.Delete.Key, Attributes);
    }
    if (action.Update?.Key !== undefined && action.Update.TableName !== undefined) {
      const { Attributes } = await raw.send(new UpdateItemCommand({ ...action.Update, ReturnValues: 'ALL_OLD' }));
      return restore(action.Update.TableName, action.Update.Key, Attributes);
    }
    const check = action.ConditionCheck;
    if (check?.Key !== undefined && check.TableName !== undefined) {
      const { Attributes } = await raw.send(
        new UpdateItemCommand({
          TableName: check.TableName,
          Key: check.Key,
          ConditionExpression: check.ConditionExpression,
          UpdateExpression: 'REMOVE #conditionCheckOnly',
          ExpressionAttributeNames: { ...check.ExpressionAttributeNames, '#conditionCheckOnly': 'conditionCheckOnly' },
          ...(check.ExpressionAttributeValues === undefined ? {} : { ExpressionAttributeValues: check.ExpressionAttributeValues }),
          ReturnValues: 'ALL_OLD',
        }),
      );
      // An UpdateItem on a missing item creates it: a check must not.
      if (Attributes === undefined) await raw.send(new DeleteItemCommand({ TableName: check.TableName, Key: check.Key }));
      return async () => undefined;
    }
    throw new Error('only Put, Delete, Update and ConditionCheck are emulated');
  }
  async function run(actions: TransactWriteItem[]): Promise<void> {
    if (actions.length > 100) throw new Error('ValidationException: more than 100 actions in one transaction');
    const keys = actions.map((a) => JSON.stringify(keyOf(a.Put?.Item ?? a.Delete?.Key ?? a.Update?.Key ?? a.ConditionCheck?.Key ?? {})));
    if (new Set(keys).size !== keys.length) throw new Error('ValidationException: two actions on one item');
    const undo: (() => Promise<void>)[] = [];
    for (const [index, action] of actions.entries()) {
      try {
        undo.push(await apply(action));
      } catch (error) {
        for (const step of undo.reverse()) await step();
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
          throw new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: actions.map((_, i) => ({ Code: i === index ? 'ConditionalCheckFailed' : 'None' })),
          });
        }
        throw error;
      }
    }
  }
  return {
    attach(client: DynamoDBClient): void {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
          const done = queue.then(() => run((args.input as TransactWriteItemsCommandInput).TransactItems ?? []));
          queue = done.catch(() => undefined);
          await done;
          return { output: { $metadata: {} }, response: {} } as Awaited<ReturnType<typeof next>>;
        },
        { step: 'initialize', name: 'emulateTransactWriteItems' },
      );
    },
  };
}

/** Records every command the client sends (before the emulation sees it), in order. */
export function recordCommands(client: DynamoDBClient): SentCommand[] {
  const sent: SentCommand[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ name: context.commandName ?? '?', input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands', priority: 'high' },
  );
  return sent;
}

/** A fresh media table on dynalite, a recorded client with emulated transactions, and a raw client. */
export interface DynaliteTable {
  tableName: string;
  /** For the repository under test: transactions emulated, every command recorded in `sent`. */
  client: DynamoDBClient;
  /** For looking at (and planting) rows directly. */
  raw: DynamoDBClient;
  sent: SentCommand[];
  /** Names of the commands sent so far. */
  names(): string[];
  /** Another client on the same table and transaction emulation (for racing two repositories), closed with this. */
  anotherClient(): DynamoDBClient;
  close(): void;
}

let tables = 0;

/**
 * Creates a media table (from `MEDIA_TABLE`) under a new name on the dynalite at `endpoint`.
 *
 * @example
 * const dynamo = useDynalite();
 * const t = await freshMediaTable(dynamo.endpoint());
 * const repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
 */
export async function freshMediaTable(endpoint: string): Promise<DynaliteTable> {
  tables += 1;
  const tableName = `media-${process.pid}-${tables}`;
  const options = { endpoint, region: 'us-east-1', credentials: DYNALITE_CREDENTIALS };
  const raw = new DynamoDBClient(options);
  const client = new DynamoDBClient(options);
  const sent = recordCommands(client);
  const transactions = emulateTransactions(raw);
  transactions.attach(client);
  const others: DynamoDBClient[] = [];
  await createMediaTable(raw, tableName);
  return {
    tableName,
    client,
    raw,
    sent,
    names: () => sent.map((c) => c.name),
    anotherClient: () => {
      const other = new DynamoDBClient(options);
      transactions.attach(other);
      others.push(other);
      return other;
    },
    close: () => {
      for (const c of [client, raw, ...others]) c.destroy();
    },
  };
}
