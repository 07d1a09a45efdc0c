import { InvalidAssumptionsError } from './errors.js';
import {
  INTELLIGENT_TIERING_TIERS,
  STORAGE_CLASS_TERMS,
  type OriginalsStorageRules,
  type S3StorageClass,
  type TransitionClass,
} from './storage-rules.js';

/**
 * Storage is a stock: what a month bills depends on every earlier month still retained. Uploads are
 * assumed to arrive evenly through a month, so the month they arrive in bills half of them, and an
 * age-based transition (30 days) moves the previous month's uploads half-way through this month.
 */

/** GB-months billed in one month for uploads that are `ageMonths` old (0 = arrived this month). */
export interface AgeSlice {
  readonly ageMonths: number;
  readonly gbMonths: number;
  readonly objects: number;
  /** Size of the month's uploads, GB (`gbMonths` is half of it in the month they arrive). */
  readonly gib: number;
}

export interface MonthlyAddition {
  readonly gib: number;
  readonly objects: number;
}

/**
 * The retained uploads billed in the last month of `additions` (index = month), by age.
 * An upload is deleted once it is `retentionMonths` old.
 */
export function ageProfile(additions: readonly MonthlyAddition[], retentionMonths: number): AgeSlice[] {
  const month = additions.length - 1;
  const slices: AgeSlice[] = [];
  for (let age = 0; age <= month && age < retentionMonths; age++) {
    const added = additions[month - age];
    if (!added) continue;
    const weight = age === 0 ? 0.5 : 1;
    slices.push({ ageMonths: age, gbMonths: added.gib * weight, objects: added.objects, gib: added.gib });
  }
  return slices;
}

/** Total GB-months of a stock billed in the last month of `additions`. */
export function stockGbMonths(additions: readonly MonthlyAddition[], retentionMonths: number): number {
  return ageProfile(additions, retentionMonths).reduce((sum, s) => sum + s.gbMonths, 0);
}

const DAYS_PER_MONTH = 30;
const BYTES_PER_GIB = 2 ** 30;

/**
 * Share of a slice's GB-months older than `days` during the month. An upload arriving at day t of
 * its month is, at day s of the month billed, `30 × ageMonths + s − t` days old, with s and t even
 * over the month: this month's uploads (s ≥ t) and older slices (a triangular spread of ±30 days
 * around `30 × ageMonths`) follow from that.
 * @example shareOlderThan(1, 30) // 0.5: last month's uploads cross 30 days half-way through this month
 */
export function shareOlderThan(ageMonths: number, days: number): number {
  if (days <= 0) return 1;
  if (ageMonths === 0) return days >= DAYS_PER_MONTH ? 0 : ((DAYS_PER_MONTH - days) / DAYS_PER_MONTH) ** 2;
  const v = (days - DAYS_PER_MONTH * ageMonths) / DAYS_PER_MONTH;
  if (v <= -1) return 1;
  if (v <= 0) return 1 - (1 + v) ** 2 / 2;
  if (v < 1) return (1 - v) ** 2 / 2;
  return 0;
}

/**
 * Share of a slice's objects that reach `days` of age during the month billed: an upload of day t
 * reaches it on day t + (days mod 30) of a month, so that month or the next.
 */
function shareCrossing(ageMonths: number, days: number): number {
  const whole = Math.floor(days / DAYS_PER_MONTH);
  const rest = days - whole * DAYS_PER_MONTH;
  if (ageMonths === whole) return (DAYS_PER_MONTH - rest) / DAYS_PER_MONTH;
  if (ageMonths === whole + 1) return rest / DAYS_PER_MONTH;
  return 0;
}

/** How originals are read after processing. */
export interface ReadPattern {
  /** Share of the originals past their first month that their owners download in a month. */
  readonly downloadShare: number;
}

/** What was read from one storage class in a month. */
export interface Reads {
  readonly gb: number;
  readonly objects: number;
}

export interface ClassSplit {
  /** GB-months in each class (Intelligent-Tiering by access tier), 128 KB minimums applied. */
  readonly standard: number;
  readonly standardIa: number;
  readonly glacierIr: number;
  readonly itFrequent: number;
  readonly itInfrequent: number;
  readonly itArchiveInstant: number;
  /** Object-months under Intelligent-Tiering monitoring. */
  readonly itObjects: number;
  /** Objects moved by a lifecycle rule this month, by the class they moved into. */
  readonly transitions: Readonly<Record<TransitionClass, number>>;
  /** Owners' downloads this month, by the class they were read from. */
  readonly downloads: Readonly<Record<S3StorageClass, Reads>>;
}

const NO_READS: Reads = { gb: 0, objects: 0 };

/**
 * Checks that a policy's transitions go up in age and that each class is kept for its minimum
 * duration before the next transition (an earlier move would bill the rest of it, which the model
 * does not price).
 * @throws InvalidAssumptionsError naming the offending transition
 */
export function validateStorageRules(rules: OriginalsStorageRules): void {
  rules.transitions.forEach((t, i) => {
    if (!Number.isInteger(t.afterDays) || t.afterDays < 0) {
      throw new InvalidAssumptionsError(`${rules.policy}: transition to ${t.storageClass} needs a whole number of days >= 0, got ${t.afterDays}`);
    }
    if (t.storageClass === 'STANDARD_IA' && t.afterDays < 30) {
      throw new InvalidAssumptionsError(`${rules.policy}: S3 moves objects to STANDARD_IA at 30 days at the earliest, got ${t.afterDays}`);
    }
    const next = rules.transitions[i + 1];
    if (next !== undefined && next.afterDays <= t.afterDays) {
      throw new InvalidAssumptionsError(`${rules.policy}: transitions must go up in age, but ${next.storageClass} at ${next.afterDays} days follows ${t.afterDays}`);
    }
    if (next !== undefined && next.afterDays - t.afterDays < STORAGE_CLASS_TERMS[t.storageClass].minimumDays) {
      throw new InvalidAssumptionsError(
        `${rules.policy}: ${t.storageClass} is left after ${next.afterDays - t.afterDays} days, before its ${STORAGE_CLASS_TERMS[t.storageClass].minimumDays}-day minimum`,
      );
    }
  });
}

/** Lifecycle rules leave objects smaller than the rules' minimum where they are: in Standard. */
function moves(slice: MonthlyAddition, rules: OriginalsStorageRules): boolean {
  if (rules.transitions.length === 0) return false;
  return slice.objects <= 0 || (slice.gib * BYTES_PER_GIB) / slice.objects >= rules.minimumObjectBytes;
}

interface ClassShare {
  readonly storageClass: S3StorageClass;
  /** Share of the slice's GB-months (and objects) in the class. */
  readonly share: number;
  readonly enteredAfterDays: number;
  readonly leftAfterDays: number | undefined;
}

/** Each class's share of one slice: Standard, then each transition's class in order of age. */
function classShares(slice: AgeSlice, rules: OriginalsStorageRules): ClassShare[] {
  const first = rules.transitions[0]?.afterDays;
  if (!moves(slice, rules)) return [{ storageClass: 'STANDARD', share: 1, enteredAfterDays: 0, leftAfterDays: undefined }];
  const older = rules.transitions.map((t) => shareOlderThan(slice.ageMonths, t.afterDays));
  return [
    { storageClass: 'STANDARD', share: 1 - (older[0] ?? 0), enteredAfterDays: 0, leftAfterDays: first },
    ...rules.transitions.map((t, i) => ({
      storageClass: t.storageClass,
      share: (older[i] ?? 0) - (older[i + 1] ?? 0),
      enteredAfterDays: t.afterDays,
      leftAfterDays: rules.transitions[i + 1]?.afterDays,
    })),
  ];
}

/**
 * Splits a stock's GB-months over storage classes by age, following `rules`, and counts this
 * month's lifecycle transitions and downloads.
 * - A transition after D days moves each slice's objects as they reach D days (`shareOlderThan`).
 * - In Intelligent-Tiering an object moves to Infrequent Access after 30 days without access and
 *   to Archive Instant Access after 90. Processing reads it on arrival; after that only downloads
 *   do, at `downloadShare` a month, so the share still unread after T days is e^(−downloadShare × T / 30).
 * - Downloads read `downloadShare` of every slice past its first month, from whichever class holds it.
 * - Classes with a 128 KB minimum bill each object as at least 128 KB.
 * @example splitByClass(ageProfile(additions, 36), originalsStorageRules('glacier-ir'), { downloadShare: 0.01 }).glacierIr
 */
export function splitByClass(slices: readonly AgeSlice[], rules: OriginalsStorageRules, reads: ReadPattern = { downloadShare: 0 }): ClassSplit {
  validateStorageRules(rules);
  const d = reads.downloadShare;
  const stored: Record<Exclude<S3StorageClass, 'INTELLIGENT_TIERING'>, number> = { STANDARD: 0, STANDARD_IA: 0, GLACIER_IR: 0 };
  const tiers = { frequent: 0, infrequent: 0, archiveInstant: 0 };
  const transitions: Record<TransitionClass, number> = { STANDARD_IA: 0, INTELLIGENT_TIERING: 0, GLACIER_IR: 0 };
  const downloads: Record<S3StorageClass, Reads> = { STANDARD: NO_READS, STANDARD_IA: NO_READS, INTELLIGENT_TIERING: NO_READS, GLACIER_IR: NO_READS };
  const unread = (days: number) => Math.exp((-d * days) / DAYS_PER_MONTH);
  let itObjects = 0;

  for (const slice of slices) {
    for (const { storageClass, share, enteredAfterDays, leftAfterDays } of classShares(slice, rules)) {
      if (share <= 0) continue;
      if (slice.ageMonths >= 1 && d > 0) {
        const read = downloads[storageClass];
        downloads[storageClass] = { gb: read.gb + slice.gib * share * d, objects: read.objects + slice.objects * share * d };
      }
      if (storageClass !== 'INTELLIGENT_TIERING') {
        const minimumGib = (slice.objects * STORAGE_CLASS_TERMS[storageClass].minimumBillableBytes) / BYTES_PER_GIB;
        stored[storageClass] += slice.gbMonths * share * (slice.gib > 0 ? Math.max(1, minimumGib / slice.gib) : 1);
        continue;
      }
      itObjects += slice.objects * share;
      const left = leftAfterDays === undefined ? 0 : shareOlderThan(slice.ageMonths, leftAfterDays);
      const idleFor = (days: number) => Math.max(0, shareOlderThan(slice.ageMonths, enteredAfterDays + days) - left) * unread(days);
      const archive = idleFor(INTELLIGENT_TIERING_TIERS.archiveInstantAfterDays);
      const infrequentOrArchive = idleFor(INTELLIGENT_TIERING_TIERS.infrequentAfterDays);
      tiers.archiveInstant += slice.gbMonths * archive;
      tiers.infrequent += slice.gbMonths * (infrequentOrArchive - archive);
      tiers.frequent += slice.gbMonths * (share - infrequentOrArchive);
    }
    if (!moves(slice, rules)) continue;
    for (const t of rules.transitions) transitions[t.storageClass] += slice.objects * shareCrossing(slice.ageMonths, t.afterDays);
  }
  return {
    standard: stored.STANDARD,
    standardIa: stored.STANDARD_IA,
    glacierIr: stored.GLACIER_IR,
    itFrequent: tiers.frequent,
    itInfrequent: tiers.infrequent,
    itArchiveInstant: tiers.archiveInstant,
    itObjects,
    transitions,
    downloads,
  };
}

/**
 * GB-months billed this month, by class, for uploads deleted at the retention age before their
 * class's minimum duration was up (a Glacier Instant Retrieval object pays 90 days, however early
 * it goes). Retention is `retentionMonths` × 30 days; small objects never left Standard.
 */
export function earlyDeletionGbMonths(
  additions: readonly MonthlyAddition[],
  retentionMonths: number,
  rules: OriginalsStorageRules,
): Readonly<Partial<Record<S3StorageClass, number>>> {
  const deleted = additions[additions.length - 1 - retentionMonths];
  if (deleted === undefined || !moves(deleted, rules)) return {};
  const lifetimeDays = retentionMonths * DAYS_PER_MONTH;
  const last = rules.transitions.filter((t) => t.afterDays < lifetimeDays).at(-1);
  if (last === undefined) return {};
  const terms = STORAGE_CLASS_TERMS[last.storageClass];
  const shortBy = terms.minimumDays - (lifetimeDays - last.afterDays);
  if (shortBy <= 0) return {};
  const billable = Math.max(deleted.gib, (deleted.objects * terms.minimumBillableBytes) / BYTES_PER_GIB);
  return { [last.storageClass]: (billable * shortBy) / DAYS_PER_MONTH };
}
