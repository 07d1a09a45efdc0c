import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MEDIA_TABLE, OWNER_TAGS_INDEX, REVIEW_INDEX, SEARCH_INDEX } from '@mediaflow/storage/dynamodb';
import { InvalidContextError } from '../guard-rails.js';
import { IDEMPOTENCY_TTL_ATTRIBUTE, MEDIA_TTL_ATTRIBUTE, MediaData, parseIndexesUpTo } from './data.js';

function dataTemplate(retain: boolean, indexesUpTo?: string): Template {
  const stack = new Stack(new App(), 'Test');
  new MediaData(stack, 'Data', { retain, ...(indexesUpTo === undefined ? {} : { indexesUpTo }) });
  return Template.fromStack(stack);
}

/** The media table's declared indexes and key attributes, from a template. */
function mediaTable(template: Template): { indexes: string[]; attributes: string[] } {
  const [table] = Object.values(template.findResources('AWS::DynamoDB::GlobalTable', { Properties: { KeySchema: MEDIA_TABLE.KeySchema } }));
  const properties = table?.Properties as { GlobalSecondaryIndexes?: { IndexName: string }[]; AttributeDefinitions: { AttributeName: string }[] };
  return {
    indexes: (properties.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName),
    attributes: properties.AttributeDefinitions.map((a) => a.AttributeName).sort(),
  };
}

describe('MediaData', () => {
  const template = dataTemplate(false);

  it('creates the media and idempotency tables', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
  });

  it('declares the media table with the keys and index of the storage library', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: MEDIA_TABLE.KeySchema,
      AttributeDefinitions: Match.arrayEquals(MEDIA_TABLE.AttributeDefinitions),
      GlobalSecondaryIndexes: MEDIA_TABLE.GlobalSecondaryIndexes,
    });
  });

  it('declares the search index with the kind and status its filters read', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: SEARCH_INDEX,
          KeySchema: [
            { AttributeName: 'GSI3PK', KeyType: 'HASH' },
            { AttributeName: 'GSI3SK', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['kind', 'status'] },
        },
      ]),
    });
  });

  it('rolls new indexes out to a table deployed before them one deployment at a time, in release order', () => {
    // A table from before the review and search indexes: first deploy with -c tableIndexesUpTo=GSI2 ...
    expect(mediaTable(dataTemplate(false, REVIEW_INDEX))).toEqual({ indexes: [OWNER_TAGS_INDEX, REVIEW_INDEX], attributes: ['GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'PK', 'SK'] });
    // ... then without it: the template differs from the first by exactly one index.
    expect(mediaTable(template).indexes).toEqual([OWNER_TAGS_INDEX, REVIEW_INDEX, SEARCH_INDEX]);
    expect(mediaTable(dataTemplate(false, OWNER_TAGS_INDEX)).indexes).toEqual([OWNER_TAGS_INDEX]);
    expect(parseIndexesUpTo(undefined)).toBeUndefined();
    expect(parseIndexesUpTo('')).toBeUndefined();
    expect(parseIndexesUpTo('GSI2')).toBe(REVIEW_INDEX);
    expect(() => parseIndexesUpTo('GSI9')).toThrow(InvalidContextError);
    expect(() => parseIndexesUpTo('GSI9')).toThrow('GSI1, GSI2, GSI3');
  });

  it('bills the media table on demand, with point-in-time recovery and a TTL for abandoned uploads', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: MEDIA_TABLE.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      TimeToLiveSpecification: { AttributeName: MEDIA_TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('keys the idempotency table by id and expires its items by `expiration`', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('protects the media table from deletion only on retained stages', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: { KeySchema: MEDIA_TABLE.KeySchema, Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] },
      DeletionPolicy: 'Delete',
    });
    dataTemplate(true).hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: { KeySchema: MEDIA_TABLE.KeySchema, Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] },
      DeletionPolicy: 'Retain',
    });
  });
});
