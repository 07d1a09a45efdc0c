import { Duration } from 'aws-cdk-lib';
import type { CapacityScale } from '@mediaflow/cost-model';
import { ARCHIVE_TIME_LIMIT_SECONDS } from '@mediaflow/workers';

/**
 * How long each queue's consumer function may run, by queue name. The queues' visibility timeouts
 * are derived from these, so a message never reappears while its function still works on it.
 * The video function transcodes the videos that fit its time and hands longer ones to MediaConvert.
 */
export const CONSUMER_TIMEOUTS: Readonly<Record<string, Duration>> = {
  // Ingest reads a whole original to hash it when the client declared no checksum: 2 GiB at the
  // ~100 MB/s one function streams from S3 is about 20 s, so 2 minutes leaves room.
  ingest: Duration.seconds(120),
  image: Duration.seconds(90),
  // The video function copies the original to /tmp, probes it, and transcodes it when its estimate
  // fits half of this (a MediaConvert job otherwise): Lambda's longest, 15 minutes.
  video: Duration.seconds(900),
  audio: Duration.seconds(330),
  document: Duration.seconds(30),
  tagging: Duration.seconds(60),
  // Read by the tagging function, whose timeout is the tagging queue's: the same, so that the text
  // queue, too, hides a message longer than that function may run on it.
  text: Duration.seconds(60),
  // One zip a message: Lambda's longest, the archive queue's own limit (ARCHIVE_TIME_LIMIT_SECONDS).
  archive: Duration.seconds(ARCHIVE_TIME_LIMIT_SECONDS),
};

/**
 * The demand a stage's limits are sized for when `-c scale` is not given: month 0 of the cost
 * model's projection (`mediaflow cost --capacity`).
 */
export const DEFAULT_SCALE: CapacityScale = { month: 0 };

/** Cores are a local notion; in the cloud concurrency is Lambda's, so queue definitions use one. */
export const CLOUD_CORES = 1;

/**
 * Feature flags every app of Mediaflow sets. Server access logs are delivered by a bucket policy
 * rather than the log-delivery ACL, so every bucket can keep ACLs disabled (bucket owner enforced).
 */
export const APP_CONTEXT: Readonly<Record<string, unknown>> = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};
