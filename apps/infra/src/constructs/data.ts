import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableV2, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { MEDIA_TABLE, MEDIA_TTL_ATTRIBUTE } from '@mediaflow/storage/dynamodb';
import { Construct } from 'constructs';

export interface MediaDataProps {
  /** Keep the tables (and forbid their deletion) when the stack goes away. */
  readonly retain: boolean;
}

/** Attribute of the idempotency table's items holding their expiry (Powertools' default name). */
export const IDEMPOTENCY_TTL_ATTRIBUTE = 'expiration';

/** The TTL attribute of the media table, as the repository writes it on items of unfinished uploads. */
export { MEDIA_TTL_ATTRIBUTE };

const ATTRIBUTE_TYPES = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;

/** Turns one key of {@link MEDIA_TABLE} into CDK's form, so the table keeps the library's keys. */
function keyAttribute(name: string): Attribute {
  const definition = MEDIA_TABLE.AttributeDefinitions.find((attribute) => attribute.AttributeName === name);
  const type = definition?.AttributeType;
  if (type === undefined || !(type in ATTRIBUTE_TYPES)) throw new Error(`MEDIA_TABLE has no scalar definition for ${name}`);
  return { name, type: ATTRIBUTE_TYPES[type as keyof typeof ATTRIBUTE_TYPES] };
}

function keyOf(schema: readonly { AttributeName?: string | undefined; KeyType?: string | undefined }[], keyType: 'HASH' | 'RANGE'): Attribute | undefined {
  const name = schema.find((key) => key.KeyType === keyType)?.AttributeName;
  return name === undefined ? undefined : keyAttribute(name);
}

/** The index projections the media table uses; an INCLUDE projection would need its attribute list carried over. */
function projectionOf(type: string | undefined): ProjectionType {
  if (type === 'KEYS_ONLY') return ProjectionType.KEYS_ONLY;
  if (type === undefined || type === 'ALL') return ProjectionType.ALL;
  throw new Error(`MEDIA_TABLE uses index projection ${type}, which MediaData does not carry over`);
}

/** The media table, declared from the same definition the repository's tests create, and the idempotency table. */
export class MediaData extends Construct {
  readonly mediaTable: TableV2;
  readonly idempotencyTable: TableV2;

  constructor(scope: Construct, id: string, props: MediaDataProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const partitionKey = keyOf(MEDIA_TABLE.KeySchema, 'HASH');
    if (partitionKey === undefined) throw new Error('MEDIA_TABLE has no partition key');
    const sortKey = keyOf(MEDIA_TABLE.KeySchema, 'RANGE');

    this.mediaTable = new TableV2(this, 'MediaTable', {
      partitionKey,
      ...(sortKey === undefined ? {} : { sortKey }),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.retain,
      timeToLiveAttribute: MEDIA_TTL_ATTRIBUTE,
      removalPolicy,
      globalSecondaryIndexes: MEDIA_TABLE.GlobalSecondaryIndexes.map((index) => {
        const indexPartitionKey = keyOf(index.KeySchema ?? [], 'HASH');
        const indexSortKey = keyOf(index.KeySchema ?? [], 'RANGE');
        if (index.IndexName === undefined || indexPartitionKey === undefined) throw new Error('MEDIA_TABLE has an index without name or partition key');
        return {
          indexName: index.IndexName,
          partitionKey: indexPartitionKey,
          ...(indexSortKey === undefined ? {} : { sortKey: indexSortKey }),
          projectionType: projectionOf(index.Projection?.ProjectionType),
        };
      }),
    });

    // Holds handled event ids only until they expire: nothing in it is worth keeping past the stack.
    this.idempotencyTable = new TableV2(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: IDEMPOTENCY_TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
