import {
  DeleteItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';

type Row = Record<string, AttributeValue>;

const keyOf = (row: Row): Row => {
  const { PK, SK } = row;
  if (PK === undefined || SK === undefined) throw new Error('a row without PK/SK');
  return { PK, SK };
};

/**
 * For DynamoDB emulators without TransactWriteItems (dynalite 4 has none), in tests and local tools:
 * plays each transaction on top of the emulator's conditional single writes, so code that writes
 * with transactions runs against them unchanged. Never for AWS: it is atomic only among the clients
 * attached to it, and only while they run in this process.
 *
 * The actions run one by one (each with its condition, remembering the old image), and when a
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
