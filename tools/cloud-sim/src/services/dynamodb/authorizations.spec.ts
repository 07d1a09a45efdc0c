import { DEFAULT_ACCOUNT } from '../../types.js';
import { dynamoAuthorizations, operationOf, tablesNamed } from './authorizations.js';
import { TableCatalog } from './tables.js';

const catalog = new TableCatalog(
  [{ logicalId: 'Media', name: 'media', arn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/media', createTable: { KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }] } }],
  DEFAULT_ACCOUNT,
);
const MEDIA = 'arn:aws:dynamodb:eu-west-1:111122223333:table/media';

describe('dynamoAuthorizations', () => {
  it('reads the operation from the target header', () => {
    expect(operationOf('DynamoDB_20120810.PutItem')).toBe('PutItem');
    expect(operationOf('DynamoDBStreams_20120810.GetRecords')).toBeUndefined();
    expect(operationOf(undefined)).toBeUndefined();
  });

  it('asks once per table for batch calls, using the ARN of the stage or of the account', () => {
    const input = { RequestItems: { media: { Keys: [] }, other: { Keys: [] } } };
    expect(dynamoAuthorizations('BatchGetItem', input, catalog)).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: MEDIA },
      { action: 'dynamodb:BatchGetItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/other' },
    ]);
    expect(tablesNamed('BatchWriteItem', input)).toEqual(['media', 'other']);
  });

  it('names the index of a Scan, and `*` for account-wide calls', () => {
    expect(dynamoAuthorizations('Scan', { TableName: 'media', IndexName: 'GSI1' }, catalog)).toEqual([{ action: 'dynamodb:Scan', resource: `${MEDIA}/index/GSI1` }]);
    expect(dynamoAuthorizations('ListTables', {}, catalog)).toEqual([{ action: 'dynamodb:ListTables', resource: '*' }]);
  });

  it('asks for each transaction item with its own action and skips malformed items', () => {
    const input = {
      TransactItems: [
        { Update: { TableName: 'media', Key: {} } },
        { ConditionCheck: { TableName: 'media', Key: {} } },
        { Put: { TableName: 'media', Item: {} }, Delete: { TableName: 'media', Key: {} } },
      ],
    };
    expect(dynamoAuthorizations('TransactWriteItems', input, catalog)).toEqual([
      { action: 'dynamodb:UpdateItem', resource: MEDIA },
      { action: 'dynamodb:ConditionCheckItem', resource: MEDIA },
    ]);
    expect(dynamoAuthorizations('TransactGetItems', { TransactItems: [{ Get: { TableName: 'media', Key: {} } }] }, catalog)).toEqual([
      { action: 'dynamodb:GetItem', resource: MEDIA },
    ]);
  });

  it('gives one-item calls their partition key as dynamodb:LeadingKeys, for policies that limit it', () => {
    const context = { 'dynamodb:LeadingKeys': ['RATE#owner-1#42'] };
    expect(dynamoAuthorizations('UpdateItem', { TableName: 'media', Key: { PK: { S: 'RATE#owner-1#42' }, SK: { S: 'RATE' } } }, catalog)).toEqual([
      { action: 'dynamodb:UpdateItem', resource: MEDIA, context },
    ]);
    expect(dynamoAuthorizations('PutItem', { TableName: 'media', Item: { PK: { S: 'RATE#owner-1#42' } } }, catalog)).toEqual([{ action: 'dynamodb:PutItem', resource: MEDIA, context }]);
    expect(dynamoAuthorizations('TransactWriteItems', { TransactItems: [{ Delete: { TableName: 'media', Key: { PK: { S: 'RATE#owner-1#42' } } } }] }, catalog)).toEqual([
      { action: 'dynamodb:DeleteItem', resource: MEDIA, context },
    ]);
    expect(dynamoAuthorizations('Query', { TableName: 'media', KeyConditionExpression: 'PK = :p' }, catalog)).toEqual([{ action: 'dynamodb:Query', resource: MEDIA }]);
  });
});
