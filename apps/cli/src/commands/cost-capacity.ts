import { ALARM_SHARE, formatNumber, formatUsd, parseCapacityOptions, parseWorkload, planCapacity, renderTable, wrap, type CapacityPlan, type FunctionCapacity } from '@mediaflow/cost-model';
import { isDeepStrictEqual } from 'node:util';
import type { CostOptions } from './cost-options.js';

/** What `mediaflow cost --capacity` reports (its JSON output): one plan per month, month 0 first. */
export interface CapacityReport {
  readonly peakToAverage: number;
  readonly headroom: number;
  readonly alarmShare: number;
  readonly plans: readonly CapacityPlan[];
  /**
   * By plan, the context that deploys its limits (`-c scale=month36 -c peakFactor=3`): the stack
   * plans with the model's default workload, so there is none when the workload was changed.
   */
  readonly stackContexts: readonly (string | null)[];
}

/** The capacity plan at month 0 and at the last month of the projection (pure: no output). */
export function buildCapacityReport(options: CostOptions): CapacityReport {
  const months = [...new Set([0, options.months])];
  const capacityOptions = options.peakFactor === undefined ? {} : { peakToAverage: options.peakFactor };
  const plans = months.map((month) => planCapacity(options.workload, { month }, capacityOptions));
  const first = plans[0];
  if (first === undefined) throw new Error('no capacity plan');
  const stackWorkload = isDeepStrictEqual(options.workload, parseWorkload());
  const defaultFactor = first.options.peakToAverage === parseCapacityOptions().peakToAverage;
  const stackContexts = plans.map((plan) =>
    stackWorkload && plan.month !== undefined ? `-c scale=month${plan.month}${defaultFactor ? '' : ` -c peakFactor=${plan.options.peakToAverage}`}` : null,
  );
  return { peakToAverage: first.options.peakToAverage, headroom: first.options.headroom, alarmShare: ALARM_SHARE, plans, stackContexts };
}

const dash = '-';
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const rate = (value: number | undefined) => (value === undefined ? dash : twoDecimals.format(value));
const ms = (value: number | undefined) => (value === undefined ? dash : `${formatNumber(Math.round(value))} ms`);

function functionRow(f: FunctionCapacity): string[] {
  return [f.name, rate(f.averagePerSecond), rate(f.peakPerSecond), ms(f.durationMs), rate(f.peakConcurrency), f.limit === undefined ? dash : formatNumber(f.limit)];
}

/** The capacity report as text: a table per month, the API's and the tagger's rates, and what each figure rests on. */
export function renderCapacity(report: CapacityReport): string {
  const share = `${Math.round(report.alarmShare * 100)}%`;
  const out: string[] = [
    wrap(
      `Capacity: peak = ${formatNumber(report.peakToAverage)} × the day's average rate; peak concurrency = peak rate × duration ` +
        `(Little's law); limit = peak concurrency × ${formatNumber(report.headroom)}, rounded up. Alarms fire at ${share} of each limit. ` +
        'Durations are the workload\'s assumptions (--set imageWorkerMs=3000 changes one).',
      80,
    ),
    '',
  ];
  if (report.stackContexts.every((context) => context === null)) {
    out.push(wrap("The workload differs from the model's defaults, which the stack plans with: these are not the stack's limits.", 80), '');
  }
  for (const [index, plan] of report.plans.entries()) {
    const context = report.stackContexts[index] ?? null;
    out.push(`${plan.label[0]?.toUpperCase() ?? ''}${plan.label.slice(1)}: ${formatNumber(Math.round(plan.dau))} DAU${context === null ? '' : `, deployed with ${context}`}`);
    out.push(
      renderTable(
        [
          { header: 'Function' },
          { header: 'Avg/s', align: 'right' },
          { header: 'Peak/s', align: 'right' },
          { header: 'Duration', align: 'right' },
          { header: 'Peak conc.', align: 'right' },
          { header: 'Limit', align: 'right' },
        ],
        plan.functions.map(functionRow),
      ),
    );
    const { api, perCaller, rekognition } = plan;
    out.push(
      wrap(`HTTP API: ${rate(api.averagePerSecond)} requests/s on average, ${rate(api.peakPerSecond)} at the peak; stage throttle ${formatNumber(api.rateLimit)}/s, burst ${formatNumber(api.burstLimit)}.`, 80, '  '),
      wrap(`Per caller: ${formatNumber(perCaller.perSecond)} requests/s, burst ${perCaller.burst}, counted in the media table by every API instance.`, 80, '  '),
      wrap(
        plan.options.tagger === 'on-device'
          ? `Tagging: the on-device models in the tagging function, ${formatNumber(plan.options.onDeviceMsPerImage)} ms a frame; no Rekognition calls, no quota to share (-c tagger=rekognition plans for Rekognition).`
          : `Rekognition: ${rate(rekognition.peakCallsPerSecond)} calls/s at the peak, quota ${rekognition.quota}/s${rekognition.peakCallsPerSecond > rekognition.quota ? ': request an increase, tagging falls behind at the peak' : ''}.`,
        80,
        '  ',
      ),
      wrap(cloudFrontLine(plan.cloudFront), 80, '  '),
      wrap(
        `Lambda: ${rate(plan.totalPeakConcurrency)} instances at the peak, account quota ${formatNumber(plan.options.accountConcurrency)}${plan.totalPeakConcurrency > plan.options.accountConcurrency ? ': request an increase' : ''}.`,
        80,
        '  ',
      ),
      '',
    );
  }
  out.push('Where the figures come from');
  for (const f of report.plans[0]?.functions ?? []) {
    const bases = report.plans.map((plan) => ({ label: plan.label, basis: plan.functions.find((each) => each.name === f.name)?.basis ?? '' }));
    const distinct = [...new Set(bases.map((b) => b.basis))];
    if (distinct.length === 1) out.push(wrap(`  ${f.name}: ${distinct[0] ?? ''}`, 80, '      '));
    else for (const { label, basis } of bases) out.push(wrap(`  ${f.name} (${label}): ${basis}`, 80, '      '));
  }
  out.push('');
  return out.join('\n');
}

/** The distribution's month and the plan the stage subscribes to for it (or why none). */
function cloudFrontLine(cloudFront: CapacityPlan['cloudFront']): string {
  const month = `${formatNumber(Math.round(cloudFront.requests / 1e5) / 10)}M requests and ${formatNumber(Math.round(cloudFront.transferGiB))} GB a month`;
  return cloudFront.pricing === 'PAY_AS_YOU_GO'
    ? `CloudFront: ${month}, paid by usage (${formatUsd(cloudFront.cost)}): ${cloudFront.reason}.`
    : `CloudFront: ${month}, on the ${cloudFront.pricing} flat-rate plan (${formatUsd(cloudFront.cost)} a month against ${formatUsd(cloudFront.payAsYouGoCost)} by usage): ${cloudFront.reason}; -c cloudFrontPlan overrides it.`;
}
