import { purgeExpiredTrash, type SweeperDeps } from '@mediaflow/media-service';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';

/** What one scheduled run did. */
export interface PurgeRun {
  /** Items deleted for good in this run. */
  purged: number;
  batches: number;
  /** False when the run stopped for its time with a full batch just done: the next run goes on. */
  done: boolean;
}

export interface PurgeOptions {
  /** Items per batch: one read of the due items (`listTrashedBefore`), then their deletes one by one. */
  batch: number;
  /** No batch starts with less than this left before the timeout. */
  reserveMs: number;
}

/**
 * A delete for good is a few DynamoDB writes, an S3 listing and delete per prefix, an invalidation
 * and an SNS publish: about 100-200 ms, so a batch of 100 takes well under the reserve of two
 * minutes, and the last batch of a run ends before the timeout.
 */
export const PURGE_DEFAULTS: PurgeOptions = { batch: 100, reserveMs: 120_000 };

/**
 * The trash's retention in AWS, run by an EventBridge schedule: deletes for good, batch after
 * batch, the items of any owner that went to the trash more than `trashRetentionDays` ago
 * (`purgeExpiredTrash`: the item, every object and its versions where `PURGE_OBJECT_VERSIONS` is
 * set, the edge's copies, its albums and links). It stops when a batch comes back short (nothing
 * due is left) or when too little time is left for another; a run that stops early, or fails,
 * leaves the rest to the next one, which reads the days it missed (`PURGE_LOOKBACK_DAYS` of the
 * DynamoDB adapter). An item restored meanwhile is left alone.
 */
export function createTrashPurgeHandler(runtime: Runtime<SweeperDeps>, options: PurgeOptions = PURGE_DEFAULTS): (event: ScheduledEvent, context: Context) => Promise<PurgeRun> {
  const { deps, telemetry } = runtime;
  return telemetry.wrap(
    (event) => event.id,
    async (_event, context) => {
      const run: PurgeRun = { purged: 0, batches: 0, done: false };
      while (context.getRemainingTimeInMillis() > options.reserveMs) {
        const purged = await telemetry.measure(
          () => 'trash',
          () => purgeExpiredTrash(deps, { batch: options.batch }),
        );
        run.batches += 1;
        run.purged += purged;
        // A short batch: nothing due is left (or what is left was restored meanwhile).
        if (purged < options.batch) {
          run.done = true;
          break;
        }
      }
      telemetry.logger.info('trash purged', { ...run, retentionDays: deps.config.trashRetentionDays, purgeObjectVersions: deps.config.purgeObjectVersions });
      return run;
    },
  );
}

export const handler = coldStart(() => createTrashPurgeHandler(awsRuntime('trash-purge')));
