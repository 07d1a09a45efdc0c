import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { pipelineQueues } from '@mediaflow/workers';
import type { Construct } from 'constructs';
import { CLOUD_CORES, CONSUMER_TIMEOUTS } from '../config.js';
import { MediaData } from '../constructs/data.js';
import { MediaEvents } from '../constructs/events.js';
import { MediaStorage } from '../constructs/storage.js';

export interface MediaStackProps extends StackProps {
  /** Stage name (`dev`, `prod`, ...): part of every resource's name and tag. */
  readonly stage: string;
  /** Origin the gallery is served from; browsers upload from it straight to S3. */
  readonly galleryOrigin: string;
  /** Whether tagging (Rekognition) is part of the pipeline. */
  readonly tagging?: boolean;
}

/** Stages whose data outlives the stack: deleting them must never delete media. */
const RETAINED_STAGES: ReadonlySet<string> = new Set(['prod']);

/** One stage of Mediaflow: only composition, every rule lives in the constructs. */
export class MediaStack extends Stack {
  readonly storage: MediaStorage;
  readonly data: MediaData;
  readonly events: MediaEvents;

  constructor(scope: Construct, id: string, props: MediaStackProps) {
    super(scope, id, props);
    const retain = RETAINED_STAGES.has(props.stage);
    Tags.of(this).add('mediaflow:stage', props.stage);

    this.storage = new MediaStorage(this, 'Storage', { galleryOrigin: props.galleryOrigin, retain });
    this.data = new MediaData(this, 'Data', { retain });
    this.events = new MediaEvents(this, 'Events', {
      queues: pipelineQueues(CLOUD_CORES, undefined, { tagging: props.tagging ?? true }),
      consumerTimeouts: CONSUMER_TIMEOUTS,
      originals: this.storage.originals,
    });
  }
}
