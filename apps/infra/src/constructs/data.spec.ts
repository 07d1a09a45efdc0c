import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MEDIA_TABLE } from '@mediaflow/storage/dynamodb';
import { IDEMPOTENCY_TTL_ATTRIBUTE, MEDIA_TTL_ATTRIBUTE, MediaData } from './data.js';

function dataTemplate(retain: boolean): Template {
  const stack = new Stack(new App(), 'Test');
  new MediaData(stack, 'Data', { retain });
  return Template.fromStack(stack);
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
