import type { Authorization } from '../../types.js';
import type { TableCatalog } from './tables.js';

/** A parsed DynamoDB JSON request body. */
export type DynamoInput = Record<string, unknown>;

/** The operation of an `x-amz-target: DynamoDB_20120810.<Op>` header, if it is one. */
export function operationOf(target: string | undefined): string | undefined {
  const match = /^DynamoDB_20120810\.([A-Za-z]+)$/.exec(target ?? '');
  return match?.[1];
}

// Operations that act on no single table; IAM knows them on resource `*`.
const ACCOUNT_OPERATIONS = new Set(['ListTables', 'DescribeLimits', 'DescribeEndpoints', 'ListBackups', 'ListGlobalTables']);

const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/** One action of a transaction: which kind, on which table, with which request fields. */
export interface TransactAction {
  kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck' | 'Get';
  table: string;
  fields: DynamoInput;
}

const isObject = (value: unknown): value is DynamoInput => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The actions of a `TransactWriteItems` / `TransactGetItems` input in order. An element naming no
 * action (or more than one) comes back as `undefined`, for the caller to refuse.
 */
export function transactActions(input: DynamoInput): Array<TransactAction | undefined> {
  const items = Array.isArray(input['TransactItems']) ? (input['TransactItems'] as unknown[]) : [];
  return items.map((item) => {
    if (!isObject(item)) return undefined;
    const kinds = (['Put', 'Update', 'Delete', 'ConditionCheck', 'Get'] as const).filter((kind) => isObject(item[kind]));
    const [kind] = kinds;
    if (kinds.length !== 1 || kind === undefined) return undefined;
    const fields = item[kind] as DynamoInput;
    return { kind, table: typeof fields['TableName'] === 'string' ? fields['TableName'] : '', fields };
  });
}

/** Every table name the request names, for refusing tables the stage does not have. */
export function tablesNamed(operation: string, input: DynamoInput): string[] {
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return isObject(input['RequestItems']) ? Object.keys(input['RequestItems']) : [];
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return [...new Set(transactActions(input).flatMap((action) => (action === undefined ? [] : [action.table])))];
    default:
      return typeof input['TableName'] === 'string' ? [input['TableName']] : [];
  }
}

const ITEM_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);

/**
 * `dynamodb:LeadingKeys` of a one-item request: the partition key value of its `Key` (or `Item`),
 * which a policy can limit (`ForAllValues:StringLike` on `RATE#*`, say). Undefined when the key is
 * missing or not a string or number.
 */
function leadingKeys(catalog: TableCatalog, table: string, fields: DynamoInput): Authorization['context'] {
  const hash = catalog.keyNames(table)?.[0];
  const item = isObject(fields['Key']) ? fields['Key'] : isObject(fields['Item']) ? fields['Item'] : undefined;
  const attribute = hash === undefined || item === undefined ? undefined : item[hash];
  if (!isObject(attribute)) return undefined;
  const value = attribute['S'] ?? attribute['N'];
  return typeof value === 'string' ? { 'dynamodb:LeadingKeys': [value] } : undefined;
}

function withLeadingKeys(authorization: Authorization, catalog: TableCatalog, table: string, fields: DynamoInput): Authorization {
  const context = leadingKeys(catalog, table, fields);
  return context === undefined ? authorization : { ...authorization, context };
}

/**
 * What IAM must allow for a DynamoDB call: `dynamodb:<Op>` on the table (or its index for a Query or
 * Scan of one); batch calls once per table; transactions per item with the item's own action, since
 * AWS has no IAM action for a transaction as a whole. One-item calls carry `dynamodb:LeadingKeys`.
 */
export function dynamoAuthorizations(operation: string, input: DynamoInput, catalog: TableCatalog): Authorization[] {
  const action = `dynamodb:${operation}`;
  if (ACCOUNT_OPERATIONS.has(operation)) return [{ action, resource: '*' }];
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return tablesNamed(operation, input).map((table) => ({ action, resource: catalog.arn(table) }));
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return transactActions(input).flatMap((item) => {
        if (item === undefined) return [];
        const itemAction = item.kind === 'Get' ? 'GetItem' : TRANSACT_WRITE_ACTIONS[item.kind];
        return itemAction === undefined ? [] : [withLeadingKeys({ action: `dynamodb:${itemAction}`, resource: catalog.arn(item.table) }, catalog, item.table, item.fields)];
      });
    case 'Query':
    case 'Scan': {
      const table = tablesNamed(operation, input)[0] ?? '*';
      const index = typeof input['IndexName'] === 'string' ? `/index/${input['IndexName']}` : '';
      return [{ action, resource: `${catalog.arn(table)}${index}` }];
    }
    default: {
      const [table] = tablesNamed(operation, input);
      if (table === undefined) return [{ action, resource: '*' }];
      const authorization = { action, resource: catalog.arn(table) };
      return [ITEM_OPERATIONS.has(operation) ? withLeadingKeys(authorization, catalog, table, input) : authorization];
    }
  }
}
