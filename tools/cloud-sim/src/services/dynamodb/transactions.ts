import type { AwsResponse } from '../../types.js';
import { transactActions, type DynamoInput, type TransactAction } from './authorizations.js';
import type { DynaliteClient, DynamoAnswer, DynamoItem } from './dynalite-client.js';
import type { ReadWriteLock } from './lock.js';
import { dynamoError, ok, resourceNotFound, validationError } from './responses.js';
import type { TableCatalog } from './tables.js';

/**
 * `TransactWriteItems` and `TransactGetItems`, which dynalite lacks, built from its single-item calls.
 *
 * A write transaction holds the service's lock alone and runs in three steps:
 * 1. read every item's before-image;
 * 2. check every condition against the untouched tables, each with a write that changes nothing
 *    (put the before-image back, or delete an absent item) carrying the item's ConditionExpression,
 *    so dynalite's own expression evaluator decides;
 * 3. only if all pass, apply the writes; should one still fail, the before-images are put back.
 * So a cancelled transaction reports every failed condition and leaves no partial write.
 */

export const MAX_TRANSACTION_ITEMS = 100;

export interface TransactionDeps {
  client: DynaliteClient;
  catalog: TableCatalog;
  lock: ReadWriteLock;
}

interface PlannedItem extends TransactAction {
  key: DynamoItem;
}

interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: DynamoItem;
}

const verbatim = (answer: DynamoAnswer): AwsResponse => ({ status: answer.status, headers: answer.headers, body: answer.body });

function plan(input: DynamoInput, deps: TransactionDeps, kinds: ReadonlyArray<TransactAction['kind']>): PlannedItem[] | AwsResponse {
  const actions = transactActions(input);
  if (actions.length === 0) {
    return validationError(
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (actions.length > MAX_TRANSACTION_ITEMS) {
    return validationError(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACTION_ITEMS}`,
    );
  }
  const planned: PlannedItem[] = [];
  const seen = new Set<string>();
  for (const action of actions) {
    if (action === undefined || !kinds.includes(action.kind)) {
      return validationError(`Each transaction item must name exactly one of ${kinds.join(', ')}`);
    }
    const keyNames = deps.catalog.keyNames(action.table);
    if (keyNames === undefined) return resourceNotFound();
    const source = (action.kind === 'Put' ? action.fields['Item'] : action.fields['Key']) as DynamoItem | undefined;
    const key: DynamoItem = {};
    for (const name of keyNames) {
      const value = source?.[name];
      if (value === undefined) return validationError(`One or more parameter values were invalid: Missing the key ${name} in the item`);
      key[name] = value;
    }
    const identity = `${action.table}\u0000${JSON.stringify(keyNames.map((name) => key[name]))}`;
    if (seen.has(identity)) return validationError('Transaction request cannot include multiple operations on one item');
    seen.add(identity);
    planned.push({ ...action, key });
  }
  return planned;
}

/** Keeps only the `#name` / `:value` placeholders the expression uses; dynalite refuses unused ones. */
function placeholdersFor(expression: string, fields: DynamoInput): DynamoInput {
  const pick = (map: unknown, pattern: RegExp): DynamoItem | undefined => {
    if (typeof map !== 'object' || map === null) return undefined;
    const used = new Set(expression.match(pattern) ?? []);
    const kept = Object.fromEntries(Object.entries(map).filter(([name]) => used.has(name)));
    return Object.keys(kept).length > 0 ? kept : undefined;
  };
  const names = pick(fields['ExpressionAttributeNames'], /#[A-Za-z0-9_]+/g);
  const values = pick(fields['ExpressionAttributeValues'], /:[A-Za-z0-9_]+/g);
  return { ...(names ? { ExpressionAttributeNames: names } : {}), ...(values ? { ExpressionAttributeValues: values } : {}) };
}

/** The single write that applies one transaction action, without the transaction-only fields. */
function writeFor(item: PlannedItem): [string, DynamoInput] | undefined {
  const { ReturnValuesOnConditionCheckFailure: _ignored, ...fields } = item.fields;
  switch (item.kind) {
    case 'Put':
      return ['PutItem', fields];
    case 'Update':
      return ['UpdateItem', fields];
    case 'Delete':
      return ['DeleteItem', fields];
    default:
      return undefined;
  }
}

export async function transactWriteItems(input: DynamoInput, deps: TransactionDeps): Promise<AwsResponse> {
  const planned = plan(input, deps, ['Put', 'Update', 'Delete', 'ConditionCheck']);
  if (!Array.isArray(planned)) return planned;
  const { client } = deps;

  return deps.lock.exclusive(async () => {
    const before: Array<DynamoItem | undefined> = [];
    for (const item of planned) {
      const read = await client.call('GetItem', { TableName: item.table, Key: item.key, ConsistentRead: true });
      if (read.error !== undefined) return verbatim(read.answer);
      before.push(read.output['Item'] as DynamoItem | undefined);
    }

    const reasons: CancellationReason[] = [];
    for (const [index, item] of planned.entries()) {
      const condition = item.fields['ConditionExpression'];
      if (typeof condition !== 'string') {
        reasons.push({ Code: 'None' });
        continue;
      }
      const image = before[index];
      const check =
        image === undefined
          ? await client.call('DeleteItem', { TableName: item.table, Key: item.key, ConditionExpression: condition, ...placeholdersFor(condition, item.fields) })
          : await client.call('PutItem', { TableName: item.table, Item: image, ConditionExpression: condition, ...placeholdersFor(condition, item.fields) });
      if (check.error === 'ConditionalCheckFailedException') {
        const withItem = item.fields['ReturnValuesOnConditionCheckFailure'] === 'ALL_OLD' && image !== undefined;
        reasons.push({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...(withItem ? { Item: image } : {}) });
      } else if (check.error !== undefined) {
        return verbatim(check.answer);
      } else {
        reasons.push({ Code: 'None' });
      }
    }
    if (reasons.some((reason) => reason.Code !== 'None')) {
      return dynamoError(
        'TransactionCanceledException',
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        { CancellationReasons: reasons },
      );
    }

    const applied: number[] = [];
    for (const [index, item] of planned.entries()) {
      const write = writeFor(item);
      if (write === undefined) continue;
      const result = await client.call(...write);
      if (result.error !== undefined) {
        await rollBack(applied, planned, before, client);
        return verbatim(result.answer);
      }
      applied.push(index);
    }
    return ok({});
  });
}

/** Puts the before-images of the applied writes back, newest first. */
async function rollBack(
  applied: number[],
  planned: PlannedItem[],
  before: Array<DynamoItem | undefined>,
  client: DynaliteClient,
): Promise<void> {
  for (const index of [...applied].reverse()) {
    const item = planned[index];
    if (item === undefined) continue;
    const image = before[index];
    const restore =
      image === undefined
        ? await client.call('DeleteItem', { TableName: item.table, Key: item.key })
        : await client.call('PutItem', { TableName: item.table, Item: image });
    if (restore.error !== undefined) throw new Error(`could not roll back ${item.table}: ${restore.error}`);
  }
}

export async function transactGetItems(input: DynamoInput, deps: TransactionDeps): Promise<AwsResponse> {
  const planned = plan(input, deps, ['Get']);
  if (!Array.isArray(planned)) return planned;
  return deps.lock.exclusive(async () => {
    const responses: DynamoItem[] = [];
    for (const item of planned) {
      const { TableName, Key, ProjectionExpression, ExpressionAttributeNames } = item.fields;
      const read = await deps.client.call('GetItem', {
        TableName,
        Key,
        ConsistentRead: true,
        ...(ProjectionExpression !== undefined ? { ProjectionExpression } : {}),
        ...(ExpressionAttributeNames !== undefined ? { ExpressionAttributeNames } : {}),
      });
      if (read.error !== undefined) return verbatim(read.answer);
      responses.push(read.output['Item'] === undefined ? {} : { Item: read.output['Item'] });
    }
    return ok({ Responses: responses });
  });
}
