import type { AddOutcome } from '../api/types';

export const ADD_OUTCOME_LABELS: Record<AddOutcome, string> = {
  added: 'added',
  present: 'already there',
  not_found: 'not found',
};

/** "2 added, 1 already there": the counts of each outcome, in a fixed order, zeros left out. */
export function outcomeSummary(results: readonly { outcome: AddOutcome }[]): string {
  const order: AddOutcome[] = ['added', 'present', 'not_found'];
  return order
    .map((outcome) => [outcome, results.filter((r) => r.outcome === outcome).length] as const)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${ADD_OUTCOME_LABELS[outcome]}`)
    .join(', ');
}
