import { PutItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '@mediaflow/domain';
import { awsErrorName } from '../aws-errors.js';
import { awaitsReview, fromItem, mediaRow, num, str, type Item } from './media-row.js';

/** How a backfill divides the table (DynamoDB's parallel scan) and how much one request reads. */
export interface BackfillOptions {
  /** Segments the table is scanned in; each is scanned by its own sequence of requests. Default 4. */
  totalSegments?: number;
  /**
   * Which of the segments this call scans, all of them at once by default. Several workers can
   * share one backfill by each taking some segments of the same `totalSegments`.
   */
  segments?: readonly number[];
  /** Rows one Scan request reads (before the filter). Default 1,000 (a 1 MB page holds fewer anyway). */
  pageSize?: number;
}

/** What a backfill did. */
export interface BackfillResult {
  /** Rows the scans read (each costs its share of read units, matching or not). */
  scanned: number;
  /** Media rows with status `flagged` and no review-index attributes: `decided + written + conflicts`. */
  held: number;
  /** Held rows whose verdict was given already (`rejected`): they stay out of the queue, as written. */
  decided: number;
  /** Rows rewritten with their review-index attributes. */
  written: number;
  /** Rows a newer write changed between the scan and the rewrite: that write set the attributes already. */
  conflicts: number;
}

/**
 * Puts items flagged before the review index existed into it. Versions before it wrote media rows
 * without `GSI2PK`/`GSI2SK`, so the index misses items that were held for review then and have not
 * been written since. This scans the table for media rows with status `flagged` and no index
 * attributes and rewrites each one that awaits review (its verdict is `flagged` too) as the
 * current `mediaRow` does, with a PutItem conditioned on the version that was read: a row written
 * in between carries the attributes already (or is no longer held), so a refused write is counted
 * and skipped.
 *
 * An offline job, not a request path: a Scan reads the whole table (on demand, about 1 read unit
 * per 8 KB scanned, eventually consistent, plus about 3 write units per rewritten row). Idempotent
 * and safe to run beside live traffic and beside itself: a second run writes nothing (it meets
 * only the decided rows again), and the version condition means it never overwrites a newer write
 * nor brings back a deleted item.
 *
 * @example
 * const result = await backfillReviewIndex(createDynamoClient(config), config.tableName, { totalSegments: 8 });
 * logger.info('review index backfilled', { ...result });
 */
export async function backfillReviewIndex(client: DynamoDBClient, tableName: string, options: BackfillOptions = {}): Promise<BackfillResult> {
  const totalSegments = options.totalSegments ?? 4;
  if (!Number.isInteger(totalSegments) || totalSegments < 1 || totalSegments > 1_000_000) {
    throw new ValidationError('totalSegments must be an integer from 1 to 1,000,000', [{ path: 'totalSegments', message: 'out of range' }]);
  }
  const segments = options.segments ?? Array.from({ length: totalSegments }, (_, i) => i);
  if (segments.some((s) => !Number.isInteger(s) || s < 0 || s >= totalSegments)) {
    throw new ValidationError(`segments are integers from 0 to ${totalSegments - 1}`, [{ path: 'segments', message: 'out of range' }]);
  }
  const pageSize = options.pageSize ?? 1000;
  const results = await Promise.all([...new Set(segments)].map((segment) => backfillSegment(client, tableName, segment, totalSegments, pageSize)));
  return results.reduce((a, b) => ({
    scanned: a.scanned + b.scanned,
    held: a.held + b.held,
    decided: a.decided + b.decided,
    written: a.written + b.written,
    conflicts: a.conflicts + b.conflicts,
  }));
}

async function backfillSegment(client: DynamoDBClient, tableName: string, segment: number, totalSegments: number, pageSize: number): Promise<BackfillResult> {
  const result: BackfillResult = { scanned: 0, held: 0, decided: 0, written: 0, conflicts: 0 };
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        Segment: segment,
        TotalSegments: totalSegments,
        Limit: pageSize,
        // Media rows only (tag entries, claims, albums and links have no status), held, not yet indexed.
        FilterExpression: 'begins_with(SK, :media) AND #status = :flagged AND attribute_not_exists(GSI2PK)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':media': str('MEDIA#'), ':flagged': str('flagged') },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    result.scanned += page.ScannedCount ?? 0;
    for (const row of page.Items ?? []) {
      result.held += 1;
      const item = fromItem(row);
      // Held but decided (rejected): it stays out of the queue, as the current version writes it.
      if (!awaitsReview(item)) {
        result.decided += 1;
        continue;
      }
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: mediaRow(item),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': num(item.version) },
          }),
        );
        result.written += 1;
      } catch (error) {
        if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
        result.conflicts += 1;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return result;
}
