import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, ValidationError, type Clock, type RateDecision, type RateLimit, type RateLimiter } from '@mediaflow/domain';
import { z } from 'zod';
import { awsErrorName } from '../aws-errors.js';
import { createDynamoClient, DynamoMediaRepositoryConfigSchema } from './config.js';
import { MEDIA_TTL_ATTRIBUTE, mediaKeys } from './table.js';

/**
 * Where the counters live (the media table: single-table design) and the limit they enforce.
 *
 * @example
 * const limiter = new DynamoRateLimiter(DynamoRateLimiterConfigSchema.parse({ tableName: env.MEDIA_TABLE, perSecond: 5, burst: 20 }));
 */
export const DynamoRateLimiterConfigSchema = DynamoMediaRepositoryConfigSchema.pick({ tableName: true, region: true, endpoint: true, credentials: true }).extend({
  /** A caller's requests a second on average. */
  perSecond: z.number().positive().max(10_000),
  /** A caller's requests in one window: what may arrive at once. */
  burst: z.number().int().min(1).max(10_000),
});
export type DynamoRateLimiterConfig = z.infer<typeof DynamoRateLimiterConfigSchema>;
export type DynamoRateLimiterConfigInput = z.input<typeof DynamoRateLimiterConfigSchema>;

/** Counters outlive their window by this much before DynamoDB may delete them; nobody reads them after it. */
const EXPIRY_GRACE_SECONDS = 60;

/**
 * A {@link RateLimiter} every instance shares: one counter item per caller per window of time in a
 * DynamoDB table, so a caller's requests count the same whichever Lambda instance serves them.
 *
 * A window lasts as long as refilling the burst takes (`burst / perSecond` seconds) and admits
 * `burst` requests: on average no more than `perSecond`, and at most two bursts straddling a
 * window's edge. Each request is one conditional UpdateItem (`ADD` to the count while it is below
 * the burst), which DynamoDB applies atomically, so concurrent instances can never admit more than
 * the burst between them. A refused request is told to wait until the window ends.
 *
 * | item    | PK                          | SK     | other attributes                                     |
 * | ------- | --------------------------- | ------ | ---------------------------------------------------- |
 * | counter | `RATE#{caller}#{window}`    | `RATE` | `count`, `expiresAt` (the table's TTL, after the window) |
 *
 * Errors other than a refused condition are thrown: the API answers 500 rather than admitting
 * requests it could not count.
 */
export class DynamoRateLimiter implements RateLimiter {
  private readonly config: DynamoRateLimiterConfig;
  private readonly client: DynamoDBClient;
  private readonly clock: Clock;
  private readonly windowMs: number;
  readonly limit: RateLimit;

  constructor(config: DynamoRateLimiterConfigInput, dependencies: { client?: DynamoDBClient; clock?: Clock } = {}) {
    this.config = DynamoRateLimiterConfigSchema.parse(config);
    this.client = dependencies.client ?? createDynamoClient(this.config);
    this.clock = dependencies.clock ?? systemClock;
    this.windowMs = (this.config.burst / this.config.perSecond) * 1000;
    this.limit = { perSecond: this.config.perSecond, burst: this.config.burst };
  }

  async take(caller: string): Promise<RateDecision> {
    if (caller.length === 0 || caller.length > 1024) throw new ValidationError('a rate-limited caller needs an id of 1 to 1024 characters');
    const now = this.clock.now().getTime();
    const window = Math.floor(now / this.windowMs);
    const windowEnd = (window + 1) * this.windowMs;
    const resetSeconds = Math.max(1, Math.ceil((windowEnd - now) / 1000));
    try {
      const { Attributes: counted } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.config.tableName,
          Key: { PK: { S: mediaKeys.ratePk(caller, window) }, SK: { S: mediaKeys.rateSk } },
          UpdateExpression: 'ADD #count :one SET #expires = :expires',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :burst',
          ExpressionAttributeNames: { '#count': 'count', '#expires': MEDIA_TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':burst': { N: String(this.config.burst) },
            ':expires': { N: String(Math.ceil(windowEnd / 1000) + EXPIRY_GRACE_SECONDS) },
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const count = Number(counted?.['count']?.N ?? this.config.burst);
      return { wait: 0, remaining: Math.max(0, this.config.burst - count), resetSeconds };
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
      return { wait: resetSeconds, remaining: 0, resetSeconds };
    }
  }
}
