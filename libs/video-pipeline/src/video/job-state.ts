import { isCorrelationId, OwnerIdSchema, parseOrThrow, UlidSchema } from '@mediaflow/domain';
import { z } from 'zod';

/*
 * The EventBridge event MediaConvert sends on every job state change ("MediaConvert Job State
 * Change", source `aws.mediaconvert`). Only the fields Mediaflow reads are checked; the rest pass.
 */

const S3UriSchema = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/, 'must be an s3:// URI');

const OutputDetailSchema = z.looseObject({
  outputFilePaths: z.array(S3UriSchema).default([]),
  durationInMs: z.number().nonnegative().optional(),
  videoDetails: z.looseObject({ widthInPx: z.number().int().positive().optional(), heightInPx: z.number().int().positive().optional() }).optional(),
});

const OutputGroupDetailSchema = z.looseObject({
  type: z.string().optional(),
  outputDetails: z.array(OutputDetailSchema).default([]),
  playlistFilePaths: z.array(S3UriSchema).default([]),
});

export const JobStateChangeEventSchema = z.looseObject({
  source: z.literal('aws.mediaconvert'),
  'detail-type': z.literal('MediaConvert Job State Change'),
  detail: z.looseObject({
    jobId: z.string().min(1).max(128),
    status: z.string().min(1),
    userMetadata: z.looseObject({ ownerId: OwnerIdSchema, mediaId: UlidSchema, correlationId: z.string().optional() }),
    outputGroupDetails: z.array(OutputGroupDetailSchema).optional(),
    errorCode: z.number().optional(),
    errorMessage: z.string().optional(),
    jobProgress: z.looseObject({ jobPercentComplete: z.number().min(0).max(100).optional() }).optional(),
  }),
});
export type JobStateChangeEvent = z.infer<typeof JobStateChangeEventSchema>;

/** One file MediaConvert reported, as bucket + key. */
export interface JobOutputFile {
  bucket: string;
  key: string;
  /** `HLS_GROUP`, `FILE_GROUP`, ... */
  group: string;
  /** `true` for an HLS master playlist (reported apart from the outputs). */
  master: boolean;
  durationSeconds?: number;
  width?: number;
  height?: number;
}

export interface JobOutcome {
  ownerId: string;
  mediaId: string;
  jobId: string;
  status: 'complete' | 'error' | 'progressing';
  /** The correlation id the job was submitted with (its `UserMetadata`), when it is a valid one. */
  correlationId?: string;
  /** 0..1 when MediaConvert reported it (PROGRESSING and STATUS_UPDATE events). */
  progress?: number;
  error?: { code?: number; message: string };
  /**
   * The files MediaConvert lists on completion: the master and variant playlists, the preview and
   * the last capture of each frame-capture output. Segments and earlier captures are not listed
   * in the event; list the output prefix for those (see `renditionForKey`).
   */
  outputs?: JobOutputFile[];
}

function toFile(uri: string, group: string, master: boolean, detail?: z.infer<typeof OutputDetailSchema>): JobOutputFile {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const file: JobOutputFile = { bucket: rest.slice(0, slash), key: rest.slice(slash + 1), group, master };
  if (detail?.durationInMs !== undefined) file.durationSeconds = detail.durationInMs / 1000;
  if (detail?.videoDetails?.widthInPx !== undefined) file.width = detail.videoDetails.widthInPx;
  if (detail?.videoDetails?.heightInPx !== undefined) file.height = detail.videoDetails.heightInPx;
  return file;
}

const PROGRESSING = new Set(['SUBMITTED', 'PROGRESSING', 'STATUS_UPDATE']);
const FAILED = new Set(['ERROR', 'CANCELED']);

/**
 * Reads a "MediaConvert Job State Change" event into what the completion handler acts on.
 * Informational states (INPUT_INFORMATION, NEW_WARNING, QUEUE_HOP) give `undefined`: nothing to do.
 *
 * @throws ValidationError when the event is not a MediaConvert state change of a Mediaflow job
 *   (wrong source, or no valid `ownerId`/`mediaId` in its user metadata).
 */
export function parseJobStateChange(event: unknown): JobOutcome | undefined {
  const { detail } = parseOrThrow(JobStateChangeEventSchema, event, 'MediaConvert event');
  const { correlationId } = detail.userMetadata;
  const base = {
    ownerId: detail.userMetadata.ownerId,
    mediaId: detail.userMetadata.mediaId,
    jobId: detail.jobId,
    // A malformed id is left out, not a reason to refuse the event (the job's work is still done).
    ...(isCorrelationId(correlationId) ? { correlationId } : {}),
  };

  if (detail.status === 'COMPLETE') {
    const outputs: JobOutputFile[] = [];
    for (const group of detail.outputGroupDetails ?? []) {
      const type = group.type ?? 'UNKNOWN';
      for (const uri of group.playlistFilePaths) outputs.push(toFile(uri, type, true));
      for (const output of group.outputDetails) for (const uri of output.outputFilePaths) outputs.push(toFile(uri, type, false, output));
    }
    return { ...base, status: 'complete', outputs };
  }
  if (FAILED.has(detail.status)) {
    const message = detail.errorMessage ?? (detail.status === 'CANCELED' ? 'the job was canceled' : 'the job failed');
    return { ...base, status: 'error', error: detail.errorCode === undefined ? { message } : { code: detail.errorCode, message } };
  }
  if (PROGRESSING.has(detail.status)) {
    const percent = detail.jobProgress?.jobPercentComplete;
    return percent === undefined ? { ...base, status: 'progressing' } : { ...base, status: 'progressing', progress: percent / 100 };
  }
  return undefined;
}
