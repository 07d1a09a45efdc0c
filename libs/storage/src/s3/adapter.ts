import type { S3Client } from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '@mediaflow/domain';
import { createS3Client, S3StoreConfigSchema, type S3StoreConfig, type S3StoreConfigInput } from './config.js';

/** Injected collaborators of the S3 adapters (tests pass clients aimed at an emulator). */
export interface S3AdapterDependencies {
  /** The client for requests; made from the config when omitted. */
  client?: S3Client;
  /** The client for presigning (no SDK-added checksums); made from the config when omitted. */
  presignClient?: S3Client;
  clock?: Clock;
}

/** What the S3 object store and multipart uploads share: the parsed config, two clients, a clock. */
export abstract class S3Adapter {
  readonly config: S3StoreConfig;
  protected readonly client: S3Client;
  protected readonly presignClient: S3Client;
  protected readonly clock: Clock;

  constructor(config: S3StoreConfigInput, dependencies: S3AdapterDependencies = {}) {
    this.config = S3StoreConfigSchema.parse(config);
    this.client = dependencies.client ?? createS3Client(this.config);
    this.presignClient = dependencies.presignClient ?? createS3Client(this.config, false);
    this.clock = dependencies.clock ?? systemClock;
  }
}
