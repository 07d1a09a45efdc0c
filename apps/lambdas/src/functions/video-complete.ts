import { SharpImageProcessor } from '@mediaflow/image-pipeline';
import { applyVideoJobUpdate, type ProcessOutcome, type VideoJobUpdate, type VideoJobUpdateDeps } from '@mediaflow/media-service';
import { isCorrelationId, withCorrelationId } from '@mediaflow/messaging';
import { classifyCloudOutput, parseJobStateChange } from '@mediaflow/video-pipeline';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';

export type JobStateChange = EventBridgeEvent<'MediaConvert Job State Change', unknown>;

/**
 * The correlation id the job was submitted with (its user metadata: the upload's request, through
 * the video step), else the EventBridge event's own id.
 */
export function jobCorrelationId(event: JobStateChange): string {
  const carried = (event.detail as { userMetadata?: { correlationId?: unknown } } | undefined)?.userMetadata?.correlationId;
  return isCorrelationId(carried) ? carried : event.id;
}

/**
 * MediaConvert's job state changes from EventBridge: progress moves the item's progress, COMPLETE
 * records the outputs and makes it `ready` (the poster rendered like a photo: sharp), ERROR fails
 * it. EventBridge invokes asynchronously: a throw is retried by Lambda, then goes to the rule's
 * dead-letter queue; repeated or late events for a settled item change nothing.
 */
export function createVideoCompleteHandler(runtime: Runtime<VideoJobUpdateDeps>): (event: JobStateChange, context: Context) => Promise<ProcessOutcome> {
  const { deps, telemetry } = runtime;
  return telemetry.wrap(
    (event) => jobCorrelationId(event),
    async (event) => {
      const outcome = parseJobStateChange(event);
      if (!outcome) {
        telemetry.logger.info('informational job state ignored', { status: (event.detail as { status?: unknown } | undefined)?.status });
        return { outcome: 'ignored', reason: 'informational state' };
      }
      telemetry.logger.appendKeys({ mediaId: outcome.mediaId, jobId: outcome.jobId });
      const update: VideoJobUpdate = { ownerId: outcome.ownerId, mediaId: outcome.mediaId, jobId: outcome.jobId, status: outcome.status };
      if (outcome.progress !== undefined) update.progress = outcome.progress;
      if (outcome.error) update.error = { message: outcome.error.message };
      const counted = outcome.status !== 'progressing';
      // What the update publishes (media.processed, media.failed) carries the upload's correlation id on.
      const apply = () => withCorrelationId(jobCorrelationId(event), () => applyVideoJobUpdate(deps, update, classifyCloudOutput));
      const result = counted ? await telemetry.measure(() => 'video', apply) : await apply();
      telemetry.logger.info('video job update', { status: outcome.status, outcome: result.outcome, ...('reason' in result ? { reason: result.reason } : {}) });
      return result;
    },
  );
}

export const handler = coldStart(() => createVideoCompleteHandler(awsRuntime('video-complete', () => ({ images: new SharpImageProcessor() }))));
