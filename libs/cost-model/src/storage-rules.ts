/**
 * Where originals are stored as they age: one definition that the cost model prices and the CDK
 * stack turns into the media bucket's lifecycle rule (apps/infra `MediaStorage`), so the bill and
 * the bucket cannot disagree. Originals are read at processing time, within minutes of upload,
 * then only when their owner downloads one; every candidate here serves that download within
 * milliseconds (no restore step), so the choice between them is a matter of price alone.
 */

/** S3 storage classes an original can be in, named as S3, CloudFormation and CDK's `StorageClass` name them. */
export type S3StorageClass = 'STANDARD' | 'STANDARD_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR';

/** A storage class a lifecycle rule can move objects into. */
export type TransitionClass = Exclude<S3StorageClass, 'STANDARD'>;

/** Objects move to `storageClass` once they are `afterDays` old. */
export interface StorageTransition {
  readonly storageClass: TransitionClass;
  readonly afterDays: number;
}

/** The candidate policies for originals; `chooseOriginalsPolicy` prices them and picks one. */
export const ORIGINALS_POLICIES = ['standard', 'standard-then-ia', 'intelligent-tiering', 'glacier-ir', 'standard-then-glacier-ir'] as const;

export type OriginalsPolicy = (typeof ORIGINALS_POLICIES)[number];

/** One policy: the lifecycle transitions of `originals/`, in order of age. */
export interface OriginalsStorageRules {
  readonly policy: OriginalsPolicy;
  /** What the rule does, in a few words (bills, docs). */
  readonly description: string;
  /** Empty: originals stay in S3 Standard. */
  readonly transitions: readonly StorageTransition[];
  /**
   * Objects smaller than this never transition and stay in Standard. It is S3's own default for
   * lifecycle rules since September 2024; the media bucket states it (its transition default
   * minimum object size) so it cannot drift.
   * Below it, Standard-IA and Glacier Instant Retrieval would bill 128 KB anyway, and
   * Intelligent-Tiering would neither monitor nor tier the object.
   */
  readonly minimumObjectBytes: number;
}

/** What a storage class bills beyond storage: minimum durations and sizes (Amazon S3 pricing, footnotes). */
export interface StorageClassTerms {
  /** An object deleted sooner is billed for the rest of this many days. */
  readonly minimumDays: number;
  /** Objects are billed as at least this large. */
  readonly minimumBillableBytes: number;
}

/** Billing terms of each storage class (https://aws.amazon.com/s3/pricing/, https://aws.amazon.com/s3/storage-classes/). */
export const STORAGE_CLASS_TERMS: Readonly<Record<S3StorageClass, StorageClassTerms>> = {
  STANDARD: { minimumDays: 0, minimumBillableBytes: 0 },
  STANDARD_IA: { minimumDays: 30, minimumBillableBytes: 128 * 1024 },
  // No minimum duration; objects under 128 KB are not monitored and stay in the frequent tier.
  INTELLIGENT_TIERING: { minimumDays: 0, minimumBillableBytes: 0 },
  GLACIER_IR: { minimumDays: 90, minimumBillableBytes: 128 * 1024 },
};

/**
 * Intelligent-Tiering's automatic access tiers: days without access before an object moves to
 * Infrequent Access and to Archive Instant Access (both served in milliseconds). The optional
 * Archive Access tiers need a restore and are not configured.
 */
export const INTELLIGENT_TIERING_TIERS = { infrequentAfterDays: 30, archiveInstantAfterDays: 90 } as const;

const MINIMUM_OBJECT_BYTES = 128 * 1024;

/**
 * Every candidate policy. Intelligent-Tiering is entered on the day of upload (processing reads in
 * the frequent tier cost the same as in Standard). Glacier Instant Retrieval is entered a day after
 * upload rather than on it: S3 runs lifecycle rules once a day, at midnight UTC, and an upload just
 * before midnight must be processed before it moves, or its processing reads pay the retrieval fee.
 */
export const ORIGINALS_STORAGE_RULES: Readonly<Record<OriginalsPolicy, OriginalsStorageRules>> = {
  standard: { policy: 'standard', description: 'all originals in Standard', transitions: [], minimumObjectBytes: MINIMUM_OBJECT_BYTES },
  'standard-then-ia': {
    policy: 'standard-then-ia',
    description: 'originals to Standard-IA at 30 days',
    transitions: [{ storageClass: 'STANDARD_IA', afterDays: 30 }],
    minimumObjectBytes: MINIMUM_OBJECT_BYTES,
  },
  'intelligent-tiering': {
    policy: 'intelligent-tiering',
    description: 'originals to Intelligent-Tiering on upload',
    transitions: [{ storageClass: 'INTELLIGENT_TIERING', afterDays: 0 }],
    minimumObjectBytes: MINIMUM_OBJECT_BYTES,
  },
  'glacier-ir': {
    policy: 'glacier-ir',
    description: 'originals to Glacier Instant Retrieval a day after upload',
    transitions: [{ storageClass: 'GLACIER_IR', afterDays: 1 }],
    minimumObjectBytes: MINIMUM_OBJECT_BYTES,
  },
  'standard-then-glacier-ir': {
    policy: 'standard-then-glacier-ir',
    description: 'originals to Glacier Instant Retrieval at 30 days',
    transitions: [{ storageClass: 'GLACIER_IR', afterDays: 30 }],
    minimumObjectBytes: MINIMUM_OBJECT_BYTES,
  },
};

/**
 * The policy Mediaflow deploys and prices: the cheapest candidate under the workload's read pattern
 * over 36 months of growth (`chooseOriginalsPolicy`; its test keeps this constant honest).
 */
export const DEFAULT_ORIGINALS_POLICY: OriginalsPolicy = 'glacier-ir';

/**
 * The storage rules of a policy, the deployed default if none is named.
 * @example originalsStorageRules().transitions // [{ storageClass: 'GLACIER_IR', afterDays: 1 }]
 */
export function originalsStorageRules(policy: OriginalsPolicy = DEFAULT_ORIGINALS_POLICY): OriginalsStorageRules {
  return ORIGINALS_STORAGE_RULES[policy];
}
