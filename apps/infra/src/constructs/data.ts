import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableV2, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { INDEX_RELEASE_ORDER, MEDIA_TABLE, MEDIA_TTL_ATTRIBUTE } from '@mediaflow/storage/dynamodb';
import { Construct } from 'constructs';
import { InvalidContextError } from '../guard-rails.js';

export interface MediaDataProps {
  /** Keep the tables (and forbid their deletion) when the stack goes away. */
  readonly retain: boolean;
  /**
   * The newest index of the media table to declare (`-c tableIndexesUpTo=GSI2`), for a table
   * deployed before several indexes were added: CloudFormation adds one global secondary index per
   * stack update, so such a table takes one deployment per missing index, in
   * `INDEX_RELEASE_ORDER` (docs: the storage README, "Rolling out"). All of them by default.
   */
  readonly indexesUpTo?: string;
}

/**
 * The `tableIndexesUpTo` context value, checked: one of the media table's index names, or nothing.
 *
 * @example parseIndexesUpTo('GSI2') // 'GSI2'
 * @throws InvalidContextError naming the indexes it may be, rather than leaving one out by mistake
 */
export function parseIndexesUpTo(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && INDEX_RELEASE_ORDER.includes(value)) return value;
  throw new InvalidContextError(`invalid context: -c tableIndexesUpTo=${String(value)}: must be one of ${INDEX_RELEASE_ORDER.join(', ')}`);
}

/** The media table's indexes to declare: those up to `upTo` in the order releases added them. */
function declaredIndexes(upTo: string | undefined): typeof MEDIA_TABLE.GlobalSecondaryIndexes {
  if (upTo === undefined) return MEDIA_TABLE.GlobalSecondaryIndexes;
  const last = INDEX_RELEASE_ORDER.indexOf(upTo);
  if (last < 0) throw new InvalidContextError(`the media table has no index ${upTo}`);
  return MEDIA_TABLE.GlobalSecondaryIndexes.filter((index) => {
    const position = INDEX_RELEASE_ORDER.indexOf(index.IndexName ?? '');
    return position >= 0 && position <= last;
  });
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

/** An index projection of {@link MEDIA_TABLE} in CDK's form, with the attributes an INCLUDE projection lists. */
function projectionOf(projection: { ProjectionType?: string | undefined; NonKeyAttributes?: string[] | undefined } | undefined): {
  projectionType: ProjectionType;
  nonKeyAttributes?: string[];
} {
  const type = projection?.ProjectionType;
  if (type === 'KEYS_ONLY') return { projectionType: ProjectionType.KEYS_ONLY };
  if (type === undefined || type === 'ALL') return { projectionType: ProjectionType.ALL };
  if (type === 'INCLUDE' && projection?.NonKeyAttributes !== undefined) return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projection.NonKeyAttributes] };
  throw new Error(`MEDIA_TABLE uses index projection ${type}, which MediaData does not carry over`);
}

/**
 * The media table, declared from the same definition the repository's tests create (its indexes
 * up to `indexesUpTo`), and the idempotency table.
 */
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
      globalSecondaryIndexes: declaredIndexes(props.indexesUpTo).map((index) => {
        const indexPartitionKey = keyOf(index.KeySchema ?? [], 'HASH');
        const indexSortKey = keyOf(index.KeySchema ?? [], 'RANGE');
        if (index.IndexName === undefined || indexPartitionKey === undefined) throw new Error('MEDIA_TABLE has an index without name or partition key');
        return {
          indexName: index.IndexName,
          partitionKey: indexPartitionKey,
          ...(indexSortKey === undefined ? {} : { sortKey: indexSortKey }),
          ...projectionOf(index.Projection),
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
