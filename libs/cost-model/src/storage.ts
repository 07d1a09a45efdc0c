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
    slices.push({ ageMonths: age, gbMonths: added.gib * weight, objects: added.objects });
  }
  return slices;
}

/** Total GB-months of a stock billed in the last month of `additions`. */
export function stockGbMonths(additions: readonly MonthlyAddition[], retentionMonths: number): number {
  return ageProfile(additions, retentionMonths).reduce((sum, s) => sum + s.gbMonths, 0);
}

export type OriginalsPolicy = 'standard' | 'standard-then-ia' | 'intelligent-tiering';

export interface ClassSplit {
  readonly standard: number;
  readonly standardIa: number;
  readonly itFrequent: number;
  readonly itInfrequent: number;
  readonly itArchiveInstant: number;
  /** Objects under Intelligent-Tiering monitoring. */
  readonly itObjects: number;
  /** Objects moved into Standard-IA by a lifecycle rule this month. */
  readonly transitions: number;
}

const EMPTY: ClassSplit = {
  standard: 0,
  standardIa: 0,
  itFrequent: 0,
  itInfrequent: 0,
  itArchiveInstant: 0,
  itObjects: 0,
  transitions: 0,
};

/**
 * Splits a stock's GB-months over storage classes by age.
 * - `standard-then-ia`: a lifecycle rule moves objects to Standard-IA at 30 days: age 0 Standard,
 *   age 1 half and half (they cross 30 days mid-month), older Standard-IA.
 * - `intelligent-tiering`: 30 days without access -> infrequent, 90 days -> archive instant access
 *   (owners rarely reopen originals, so every original is assumed to age through the tiers).
 */
export function splitByClass(slices: readonly AgeSlice[], policy: OriginalsPolicy): ClassSplit {
  return slices.reduce<ClassSplit>((acc, s) => {
    const half = s.gbMonths / 2;
    switch (policy) {
      case 'standard':
        return { ...acc, standard: acc.standard + s.gbMonths };
      case 'standard-then-ia':
        if (s.ageMonths === 0) return { ...acc, standard: acc.standard + s.gbMonths };
        if (s.ageMonths === 1) {
          return { ...acc, standard: acc.standard + half, standardIa: acc.standardIa + half, transitions: acc.transitions + s.objects };
        }
        return { ...acc, standardIa: acc.standardIa + s.gbMonths };
      case 'intelligent-tiering': {
        const objects = acc.itObjects + s.objects;
        if (s.ageMonths === 0) return { ...acc, itFrequent: acc.itFrequent + s.gbMonths, itObjects: objects };
        if (s.ageMonths === 1) {
          return { ...acc, itFrequent: acc.itFrequent + half, itInfrequent: acc.itInfrequent + half, itObjects: objects };
        }
        if (s.ageMonths === 2) return { ...acc, itInfrequent: acc.itInfrequent + s.gbMonths, itObjects: objects };
        if (s.ageMonths === 3) {
          return { ...acc, itInfrequent: acc.itInfrequent + half, itArchiveInstant: acc.itArchiveInstant + half, itObjects: objects };
        }
        return { ...acc, itArchiveInstant: acc.itArchiveInstant + s.gbMonths, itObjects: objects };
      }
    }
  }, EMPTY);
}
