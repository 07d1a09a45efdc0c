import { CreateJobCommand, type MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { parseKey, type MediaFacts, type VideoJobRequest, type VideoJobTranscoder, type VideoProber } from '@mediaflow/domain';
import { currentCorrelationId } from '@mediaflow/messaging';
import { buildMediaConvertJob, planLadder } from '@mediaflow/video-pipeline';

export interface MediaConvertTranscoderOptions {
  client: MediaConvertClient;
  /** The bucket of originals and renditions (one bucket, two prefixes). */
  bucket: string;
  roleArn: string;
  queueArn?: string | undefined;
  /** Probes the local copy of the original (ffprobe under the pipeline's allow-lists). */
  prober: VideoProber;
}

/**
 * The cloud `VideoJobTranscoder`: the probe runs here (so refused content fails before a job is
 * paid for, and the ladder is planned from the real facts), the transcode is a MediaConvert job
 * with the same ladder and layout as the local runner. It returns the job's id; the job's
 * EventBridge state changes settle the item.
 */
export class MediaConvertTranscoder implements VideoJobTranscoder {
  constructor(private readonly options: MediaConvertTranscoderOptions) {}

  probe(input: string, signal?: AbortSignal): Promise<MediaFacts> {
    return this.options.prober.probe(input, signal);
  }

  async submit(request: VideoJobRequest): Promise<{ jobId: string }> {
    const original = parseKey(request.input);
    if (original?.type !== 'original') throw new Error(`not an original's key: ${request.input}`);
    const job = buildMediaConvertJob(
      planLadder(request.facts),
      { bucket: this.options.bucket, key: request.input },
      { bucket: this.options.bucket, prefix: request.outputPrefix },
      this.options.roleArn,
      // The job's completion comes back through EventBridge, outside this record's scope: the id goes with it.
      { ownerId: original.ownerId, mediaId: original.mediaId, queueArn: this.options.queueArn, correlationId: currentCorrelationId() },
    );
    const created = await this.options.client.send(new CreateJobCommand(job), request.signal ? { abortSignal: request.signal } : {});
    const jobId = created.Job?.Id;
    if (!jobId) throw new Error('MediaConvert accepted the job without returning its id');
    return { jobId };
  }
}
