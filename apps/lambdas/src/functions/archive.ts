import { ArchiveJobMessageSchema, type ReceivedMessage, ValidationError } from '@mediaflow/domain';
import { buildArchive, type ArchiveBuildDeps } from '@mediaflow/media-service';
import { S3StreamedObjectWriter, S3StoreConfigSchema } from '@mediaflow/storage/s3';
import type { WorkerHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import { queueConsumer } from '../consumer.js';

/** A message body that is not JSON can never be built: a 4xx of the queue, not a crash. */
function jobOf(message: ReceivedMessage): unknown {
  try {
    return JSON.parse(message.body);
  } catch (error) {
    throw new ValidationError('the archive job is not JSON', [{ path: 'body', message: 'not JSON' }], { cause: error });
  }
}

/** Builds the archive one message names: `buildArchive`, logged with its outcome. */
export function archiveWorker(deps: ArchiveBuildDeps, log: ((entry: Record<string, unknown>) => void) | undefined): WorkerHandler {
  return async (message) => {
    const job = jobOf(message);
    const outcome = await buildArchive(deps, job);
    const { archiveId, ownerId } = ArchiveJobMessageSchema.parse(job);
    log?.({
      level: 'info',
      msg: 'archive',
      archiveId,
      ownerId,
      outcome: outcome?.status ?? 'gone',
      ...(outcome?.status === 'ready' ? { bytes: outcome.bytes, files: outcome.files, skipped: outcome.skipped } : {}),
    });
  };
}

/**
 * The archive queue's consumer: each message (`{ ownerId, archiveId }`, sent by the api function's
 * `ArchiveJobQueue`) asks for the zip recorded under `downloads/{ownerId}/{archiveId}/`, which
 * `buildArchive` plans and streams into S3 as a multipart upload (`S3StreamedObjectWriter`: a few
 * parts in memory), then records the outcome beside it for the status route. A build done already
 * is not done again, so a repeated delivery costs one read. An error the domain does not decide
 * (S3 or DynamoDB failing) is thrown: the record returns to the queue, and after its last attempt
 * goes to the dead-letter queue, while the status route reports the archive `failed` once it is an
 * hour old.
 */
export function createArchiveHandler(runtime: Runtime<ArchiveBuildDeps>) {
  return queueConsumer(runtime, (deps, options) => archiveWorker(deps, options.log), { kind: 'archive', facts: () => ({}), idempotent: false });
}

export const handler = coldStart(() =>
  createArchiveHandler(
    awsRuntime('archive', (config) => ({ writer: new S3StreamedObjectWriter(S3StoreConfigSchema.parse({ bucket: config.MEDIA_BUCKET, region: config.AWS_REGION })) })),
  ),
);
