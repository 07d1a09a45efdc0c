import { PutItemCommand, ScanCommand, TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { ValidationError, type MediaItem } from '@mediaflow/domain';
import { awsErrorName } from '../aws-errors.js';
import { awaitsReview, fromItem, mediaRow, num, str, stringAttr, USAGE_ATTRIBUTE, type Item } from './media-row.js';
import { EMPTY_FOOTPRINT, FOOTPRINT_ATTRIBUTE, footprintOf, PENDING_ATTRIBUTE, planIndexSteps, serializeFootprint, stepActions, wantedFootprint } from './search-index.js';
import { countedBytes, countedOf, usageChange } from './usage-counter.js';
import { cancellationCodes, MAX_TRANSACTION_ACTIONS } from './write-actions.js';

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

/** The segments a backfill scans, checked. */
function scanPlan(options: BackfillOptions): { segments: number[]; totalSegments: number; pageSize: number } {
  const totalSegments = options.totalSegments ?? 4;
  if (!Number.isInteger(totalSegments) || totalSegments < 1 || totalSegments > 1_000_000) {
    throw new ValidationError('totalSegments must be an integer from 1 to 1,000,000', [{ path: 'totalSegments', message: 'out of range' }]);
  }
  const segments = options.segments ?? Array.from({ length: totalSegments }, (_, i) => i);
  if (segments.some((s) => !Number.isInteger(s) || s < 0 || s >= totalSegments)) {
    throw new ValidationError(`segments are integers from 0 to ${totalSegments - 1}`, [{ path: 'segments', message: 'out of range' }]);
  }
  return { segments: [...new Set(segments)], totalSegments, pageSize: options.pageSize ?? 1000 };
}

/** The segments' counts added up, field by field (every segment reports the same fields). */
function sumCounts<T extends object>(results: readonly T[]): T {
  const total: Record<string, number> = {};
  for (const result of results) {
    for (const [field, count] of Object.entries(result)) total[field] = (total[field] ?? 0) + Number(count);
  }
  return total as T;
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
 * nor brings back a deleted item. Nor a row {@link backfillTable} indexed meanwhile (that rewrite
 * put the row in the queue already). {@link backfillTable} does all of this too, in its one scan.
 *
 * @example
 * const result = await backfillReviewIndex(createDynamoClient(config), config.tableName, { totalSegments: 8 });
 * logger.info('review index backfilled', { ...result });
 */
export async function backfillReviewIndex(client: DynamoDBClient, tableName: string, options: BackfillOptions = {}): Promise<BackfillResult> {
  const { segments, totalSegments, pageSize } = scanPlan(options);
  const results = await Promise.all(segments.map((segment) => backfillSegment(client, tableName, segment, totalSegments, pageSize)));
  return sumCounts(results);
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
            // Not a row backfillTable rewrote in between: that kept its version and set the footprint
            // (and the count, which this rewrite, as old rows have none, leaves out).
            ConditionExpression: 'version = :version AND attribute_not_exists(#footprint) AND attribute_not_exists(#counted)',
            ExpressionAttributeNames: { '#footprint': FOOTPRINT_ATTRIBUTE, '#counted': USAGE_ATTRIBUTE },
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

/** What {@link backfillTable} did. */
export interface TableBackfillResult {
  /** Rows the scans read (each costs its share of read units, matching or not). */
  scanned: number;
  /**
   * Media rows of items not deleted that have no search footprint (written by a release before the
   * search index), an incomplete one, or no count in their owner's storage used (written by a
   * release before the usage counters).
   */
  found: number;
  /** Rows rewritten as this release writes them, with their date index keys, postings and month count. */
  indexed: number;
  /** Rows whose index an interrupted write had left short, completed. */
  completed: number;
  /** Rows whose bytes were added to their owner's storage used (`usage-counter.ts`), indexed or not. */
  counted: number;
  /** Of the rows indexed, those held for review before the review index existed: now in the queue. */
  queued: number;
  /** Rows a newer write changed between the scan and the rewrite: that write indexed them. */
  conflicts: number;
}

/**
 * Brings a table written by earlier releases up to what this release reads: each media row
 * without a search footprint (every row written before the search index) is rewritten as the
 * repository now writes it, with its date index keys (`GSI3`), its postings and its month count in
 * one transaction, and a row held for review gains the review index's keys on the way (what
 * {@link backfillReviewIndex} does). Rows a write left with an incomplete index are completed.
 * A row that counts nothing yet in its owner's storage used (written before the usage counters)
 * adds its bytes to it, once: that first transaction also requires the row still to count
 * nothing. Deleted items are passed over: they have nothing to index or count.
 *
 * Idempotent, beside live traffic and beside itself: the row's write in each transaction is
 * conditioned on its version and on the footprint the scan saw (absent, for an old row), so a
 * month is counted once per row however often the backfill runs, and a row a newer write changed
 * is left to that write. A second run finds nothing.
 *
 * An offline job, not a request path. Its cost: the Scan reads the whole table (about 1 read unit
 * per 8 KB, eventually consistent); each row indexed is a transaction of the row (about 3 KB: 6
 * write units, transactions bill twice), one counter (2) and its postings (2 each, about 25 for a
 * tagged photo: 50), so about 60 write units a row, 60 million for a million items (on demand,
 * about USD 37 at USD 0.625 per million).
 *
 * @example
 * const result = await backfillTable(createDynamoClient(config), config.tableName, { totalSegments: 8 });
 * logger.info('table backfilled', { ...result });
 */
export async function backfillTable(client: DynamoDBClient, tableName: string, options: BackfillOptions = {}): Promise<TableBackfillResult> {
  const { segments, totalSegments, pageSize } = scanPlan(options);
  const results = await Promise.all(segments.map((segment) => backfillTableSegment(client, tableName, segment, totalSegments, pageSize)));
  return sumCounts(results);
}

/**
 * Makes the first transaction of a row that counts nothing yet count it: the row's write requires
 * that no write counted it meanwhile (its condition expects no count: two backfills at once, or a
 * live write), and the owner's counter moves by the row's bytes in the same transaction.
 */
function countOnce(table: string, item: MediaItem, actions: TransactWriteItem[], counted: number): void {
  const usage = usageChange(table, item, undefined, counted);
  if (usage !== undefined) actions.push(usage);
}

/** Sends a backfill transaction, again after a pause while it meets another (a busy month counter). */
async function sendTransaction(client: DynamoDBClient, actions: TransactWriteItem[]): Promise<'written' | 'changed'> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: actions }));
      return 'written';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'changed';
      if (codes === undefined || !codes.includes('TransactionConflict') || attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random())));
    }
  }
}

async function backfillTableSegment(client: DynamoDBClient, tableName: string, segment: number, totalSegments: number, pageSize: number): Promise<TableBackfillResult> {
  const result: TableBackfillResult = { scanned: 0, found: 0, indexed: 0, completed: 0, counted: 0, queued: 0, conflicts: 0 };
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        Segment: segment,
        TotalSegments: totalSegments,
        Limit: pageSize,
        // Media rows only: tag entries share the `MEDIA#` sort keys but carry no item.
        FilterExpression:
          'begins_with(SK, :media) AND attribute_exists(#item) AND #status <> :deleted AND (attribute_not_exists(#footprint) OR attribute_exists(#pending) OR attribute_not_exists(#counted))',
        ExpressionAttributeNames: { '#item': 'item', '#status': 'status', '#footprint': FOOTPRINT_ATTRIBUTE, '#pending': PENDING_ATTRIBUTE, '#counted': USAGE_ATTRIBUTE },
        ExpressionAttributeValues: { ':media': str('MEDIA#'), ':deleted': str('deleted') },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    result.scanned += page.ScannedCount ?? 0;
    for (const row of page.Items ?? []) {
      result.found += 1;
      const item = fromItem(row);
      const before = footprintOf(row);
      let previous = stringAttr(row, FOOTPRINT_ATTRIBUTE);
      const stored = countedOf(row);
      const counted = stored ?? countedBytes(item);
      // Room for the usage counter beside the row in the first transaction.
      const plan = planIndexSteps(tableName, item, before ?? EMPTY_FOOTPRINT, wantedFootprint(item), MAX_TRANSACTION_ACTIONS - 2);
      let outcome: 'written' | 'changed' = 'written';
      let first = true;
      for (const step of [plan.main, ...plan.after]) {
        // The first step counts a row that counted nothing (on condition that it still does not).
        const actions = stepActions(tableName, item, step, previous, counted, first ? stored : counted);
        if (first && stored === undefined) countOnce(tableName, item, actions, counted);
        first = false;
        outcome = await sendTransaction(client, actions);
        if (outcome === 'changed') break;
        previous = serializeFootprint(step.footprint);
      }
      if (outcome === 'changed') result.conflicts += 1;
      else {
        if (before === undefined) {
          result.indexed += 1;
          if (awaitsReview(item) && row['GSI2PK'] === undefined) result.queued += 1;
        } else if (row[PENDING_ATTRIBUTE] !== undefined) result.completed += 1;
        if (stored === undefined) result.counted += 1;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return result;
}
