import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { MONTH_COUNTERS_LEADING_KEY, OWNER_TAGS_INDEX, RATE_KEY_PREFIX, REVIEW_INDEX, SEARCH_INDEX, USAGE_COUNTERS_LEADING_KEY } from '@mediaflow/storage/dynamodb';
import { wildcardResourceFinding } from '../nag.js';
import type { FunctionPlan, MediaFunctionName, MediaTableUse } from './function-plans.js';
import { DOWNLOADS_PREFIX, ORIGINALS_PREFIX, RENDITIONS_PREFIX } from './storage.js';

/**
 * Media table actions of the repository's get and update (an update is a transaction that puts the
 * item and puts or deletes its tag, content-hash and search posting rows; the month counters it
 * moves are an UpdateItem of their own, granted apart).
 */
const MEDIA_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'];
/**
 * What deleting an item for good does in the media table beyond its own rows: the album rows and
 * counts it leaves (Query of its back-references, transactions with UpdateItem of the album's
 * count, BatchWriteItem of rows an interrupted album delete left) and its share links, found by
 * target in the owner-tags index and revoked (UpdateItem).
 */
const FORGET_DELETED_ACTIONS = ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];
/** Powertools Idempotency's record lifecycle: conditional put, read, completion update, delete on failure. */
const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/** MediaConvert's queue for the video function's jobs and the role those jobs run with (`MediaTranscoding.role`, `.queueArn`). */
export interface MediaConvertTarget {
  readonly roleArn: string;
  readonly queueArn: string;
}

/**
 * What one function's role may do, grant by grant: exact actions on the narrowest resources its
 * code needs. A resource that must be a wildcard is written down with why, and the reasons are
 * handed to cdk-nag as acknowledgements of its IAM5 findings ({@link acknowledgeWildcards}).
 */
export class FunctionGrants {
  /** Reasons for the wildcard resources of this role's policy not yet acknowledged, by cdk-nag finding. */
  private readonly wildcardReasons = new Map<string, string[]>();

  constructor(
    private readonly role: Role,
    private readonly name: MediaFunctionName,
  ) {}

  /** Its own log group only: the AWS managed basic-execution policy would allow every group of the account. */
  writeLogs(logGroup: ILogGroup): void {
    this.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]);
  }

  publishEvents(topic: ITopic): void {
    this.allow(['sns:Publish'], [topic.topicArn]);
  }

  /**
   * The media table as the function uses it ({@link MediaTableUse}): single items for the queue
   * consumers; the HTTP API also lists by owner and by tag, searches, keeps albums and share links,
   * and reads the moderators' review queue; the trash's purge finds what is due across owners and
   * deletes it for good; the archive builder only reads.
   */
  useMediaTable(table: ITableV2, use: MediaTableUse): void {
    const index = (name: string): string => `${table.tableArn}/index/${name}`;
    switch (use) {
      case 'items':
        this.allow(MEDIA_ITEM_ACTIONS, [table.tableArn]);
        this.updateMonthCounters(table);
        return;
      case 'read':
        // An item (GetItem); the owner's listing, albums and their members (Query of the owner's partitions).
        this.allow(['dynamodb:GetItem', 'dynamodb:Query'], [table.tableArn]);
        return;
      case 'purge':
        // The items due: a Query of the review index's PURGE#{day} partitions, their rows by BatchGetItem;
        // each is marked deleted and removed (its rows, the month counters it counted in), then its
        // albums and links forget it (their share links found by target in the owner-tags index).
        this.allow([...MEDIA_ITEM_ACTIONS, 'dynamodb:BatchGetItem', ...FORGET_DELETED_ACTIONS], [table.tableArn]);
        this.allow(['dynamodb:Query'], [index(REVIEW_INDEX), index(OWNER_TAGS_INDEX)]);
        return;
      case 'api':
        // Listing reads the owner's partition (Query) and a tag's index rows resolved with BatchGetItem;
        // search reads postings, month counters and album members (Query) and the page's items
        // (BatchGetItem). Albums and the timeline's month counters move with UpdateItem (ADD) inside
        // transactions, albums' checking a member's back-reference (ConditionCheckItem), a deleted
        // album's members go by BatchWriteItem, and a share link's last visit is an UpdateItem. The tag
        // counts, the review queue and search by date taken read their indexes, each named exactly
        // rather than as `index/*`.
        this.allow([...MEDIA_ITEM_ACTIONS, 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:BatchWriteItem'], [table.tableArn]);
        this.allow(['dynamodb:Query'], [index(OWNER_TAGS_INDEX), index(REVIEW_INDEX), index(SEARCH_INDEX)]);
        return;
    }
  }

  /**
   * Every write of an item may move the timeline's month counters and the owner's storage used
   * (`ADD` in its transaction): an UpdateItem allowed only on the counters' partitions, so the role
   * gains no way to change media rows other than by replacing them under their version condition.
   */
  private updateMonthCounters(table: ITableV2): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [MONTH_COUNTERS_LEADING_KEY, USAGE_COUNTERS_LEADING_KEY] } },
      }),
    );
  }

  /**
   * Counting callers' requests (`DynamoRateLimiter`): an UpdateItem per request, allowed only on
   * items whose partition key is a rate counter's, so the role gains no way to change media items.
   */
  countCallerRequests(table: ITableV2): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${RATE_KEY_PREFIX}*`] } },
      }),
    );
  }

  useIdempotencyTable(table: ITableV2): void {
    this.allow(IDEMPOTENCY_ACTIONS, [table.tableArn]);
  }

  /**
   * The plan's actions under `originals/`, `renditions/` and `downloads/`; listing `renditions/`,
   * or the whole bucket, where the plan says so; and every version of an item's objects for the
   * functions that delete items for good.
   */
  useMediaObjects(media: IBucket, plan: FunctionPlan): void {
    const scopes = [
      { prefix: ORIGINALS_PREFIX, access: plan.originals, keys: `${ORIGINALS_PREFIX}{owner}/{id}` },
      { prefix: RENDITIONS_PREFIX, access: plan.renditions, keys: `${RENDITIONS_PREFIX}{owner}/{id}/{name}` },
      { prefix: DOWNLOADS_PREFIX, access: plan.downloads, keys: `${DOWNLOADS_PREFIX}{owner}/{archive}/{name}` },
    ];
    for (const { prefix, access, keys } of scopes) {
      if (access === undefined) continue;
      const resource = media.arnForObjects(`${prefix}*`);
      this.allow(access.actions, [resource]);
      this.wildcard(
        resource,
        `The ${this.name} function ${access.why}: ${access.actions.join(', ')} on ${prefix}*. Keys are ${keys}, whose owner and item are known only per request, so the prefix is the narrowest scope known at deployment.`,
      );
    }
    if (plan.listsBucket !== undefined) {
      // No condition: S3 decides between 404 and 403 for a missing key by this grant alone, without a prefix.
      this.allow(['s3:ListBucket'], [media.bucketArn]);
    } else if (plan.listsRenditions === true) {
      // ListObjectsV2 is authorized on the bucket; the condition keeps it to listings under renditions/.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:ListBucket'],
          resources: [media.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${RENDITIONS_PREFIX}*`] } },
        }),
      );
    }
    if (plan.deletesForGood === true) this.deleteObjectVersions(media);
  }

  /**
   * A delete for good in the versioned bucket (`S3ObjectStore.deleteAllVersions`): the versions of
   * an item's original and renditions listed (ListObjectVersions, authorized on the bucket and kept
   * to those prefixes) and deleted by version id (DeleteObjects with ids is `s3:DeleteObjectVersion`
   * per key).
   */
  private deleteObjectVersions(media: IBucket): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:ListBucketVersions'],
        resources: [media.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${ORIGINALS_PREFIX}*`, `${RENDITIONS_PREFIX}*`] } },
      }),
    );
    for (const prefix of [ORIGINALS_PREFIX, RENDITIONS_PREFIX]) {
      const resource = media.arnForObjects(`${prefix}*`);
      this.allow(['s3:DeleteObjectVersion'], [resource]);
      this.wildcard(
        resource,
        `The ${this.name} function deletes items for good, every version of their objects at once: s3:DeleteObjectVersion on ${prefix}*, where an item's keys are known only per request.`,
      );
    }
  }

  /** Sending archive jobs to their queue, and nothing else of SQS (CDK's grant would add GetQueueAttributes and GetQueueUrl). */
  sendArchiveJobs(queue: IQueue): void {
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
  }

  /** Deleting a user of the stage's user pool, named exactly (the api function, once an account's data is gone). */
  deleteUsers(userPoolArn: string): void {
    this.allow(['cognito-idp:AdminDeleteUser'], [userPoolArn]);
  }

  /**
   * Lambda creates, reuses and removes the function's network interfaces in the VPC with the
   * function's own role, the actions of the AWS managed AWSLambdaVPCAccessExecutionRole (which
   * cdk-nag flags as a managed policy) granted here one by one. The function's code never calls EC2.
   */
  manageNetworkInterfaces(): void {
    this.allow(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], ['*']);
    this.unscoped('EC2 DescribeNetworkInterfaces and DescribeSubnets have no resource-level permissions; Lambda calls them with the function\u2019s role to manage its VPC network interfaces.');
    // Lambda's guide asks for every resource of the account and region here: the interfaces' ids are
    // assigned by EC2, and a narrower DeleteNetworkInterface can leave the function unable to reach the VPC.
    const ec2Resources = Stack.of(this.role).formatArn({ service: 'ec2', resource: '*', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.allow(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], [ec2Resources]);
    this.wildcard(
      ec2Resources,
      `Lambda creates and deletes the ${this.name} function\u2019s network interfaces (and assigns their addresses) with its role; their ids are assigned by EC2 when created, and Lambda\u2019s documentation asks for all resources of the account and region rather than a guessed pattern, which can leave the function unable to reach the VPC.`,
    );
  }

  /** The value of one secret, named exactly (the media signing key the api function reads at its first media-access request). */
  readSecret(secretArn: string): void {
    this.allow(['secretsmanager:GetSecretValue'], [secretArn]);
  }

  /** The X-Ray statement itself comes with active tracing (`Tracing.ACTIVE`); this only says why its resource is `*`. */
  traceWithXRay(): void {
    this.unscoped('X-Ray accepts trace segments and telemetry (xray:PutTraceSegments, xray:PutTelemetryRecords) only on "*"; active tracing adds them.');
  }

  /**
   * The Rekognition operations the function calls (`rekognition:DetectLabels`, ...), those alone.
   * Rekognition's image operations act on the image sent, not on a resource: `*` is their only resource.
   */
  callRekognition(operations: readonly string[]): void {
    if (operations.length === 0) return;
    const actions = [...new Set(operations)].map((operation) => `rekognition:${operation}`);
    this.allow(actions, ['*']);
    this.unscoped(`Rekognition ${[...new Set(operations)].join(', ')} have no resource-level permissions: they act on the image sent, not on a resource of the account.`);
  }

  /** Creating jobs on the stage's MediaConvert queue, and handing them their role. */
  submitMediaConvertJobs(target: MediaConvertTarget): void {
    // CreateJob is authorized on the job (whose id MediaConvert assigns) and on the queue it is sent to.
    const jobs = Stack.of(this.role).formatArn({ service: 'mediaconvert', resource: 'jobs', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.allow(['mediaconvert:CreateJob'], [jobs, target.queueArn]);
    this.wildcard(jobs, 'mediaconvert:CreateJob requires the job resource, and a job\u2019s id is assigned by MediaConvert when it is created; the queue is named exactly in the same statement.');
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [target.roleArn],
        // The job's role, handed to MediaConvert only.
        conditions: { StringEquals: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
      }),
    );
  }

  /**
   * The IAM5 findings granted so far, each acknowledged on the role with why it cannot be
   * narrower; reasons for the same resource are given together, once.
   */
  acknowledgeWildcards(): void {
    for (const [finding, reasons] of this.wildcardReasons) Validations.of(this.role).acknowledge({ id: finding, reason: reasons.join(' ') });
    this.wildcardReasons.clear();
  }

  private allow(actions: readonly string[], resources: readonly string[]): void {
    this.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [...actions], resources: [...resources] }));
  }

  private wildcard(resource: string, reason: string): void {
    const finding = wildcardResourceFinding(this.role, resource);
    this.wildcardReasons.set(finding, [...(this.wildcardReasons.get(finding) ?? []), reason]);
  }

  private unscoped(reason: string): void {
    this.wildcard('*', reason);
  }
}
