import {
  ArchitectureSchema,
  BASELINE,
  MEDIAFLOW,
  PRICE_REGION,
  PRICES_TAKEN,
  WORKLOAD_KEYS,
  compareArchitectures,
  describeTiers,
  formatNumber,
  formatUsd,
  listMeters,
  parseArchitecture,
  parseWorkload,
  pluralUnit,
  projectCosts,
  renderLogBarChart,
  renderTable,
  toCsv,
  wrap,
  type Architecture,
  type Bill,
  type Comparison,
  type ProjectionRow,
  type Workload,
} from '@mediaflow/cost-model';
import { parseArgs } from 'node:util';
import { EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';

const ARCH_CHOICES = ['both', 'baseline', 'mediaflow'] as const;
type ArchChoice = (typeof ARCH_CHOICES)[number];

export const COST_USAGE = `Usage: mediaflow cost [options]

Prices one month of the workload, service by service, for the briefed baseline
and for Mediaflow's design, then projects demand doubling every 6 months.

Options:
  --dau N                daily active users (default 10000)
  --images-per-user N    images uploaded per user per day (default 6)
  --videos-per-user N    videos uploaded per user per day (default 2)
  --months N             months to project after month 0, 0-120 (default 36)
  --free-tier            apply the always-free allowances (default: off)
  --arch A               both | baseline | mediaflow (default both)
  --set KEY=VALUE        override any workload assumption (repeatable), e.g.
                         --set videoSeconds=30; prefix architecture choices:
                         --set mediaflow.videoTranscoder=lambda-ffmpeg
  --detail               also print the derivation and every priced line
  --prices               print the price tables and exit
  --json                 print everything as JSON
  --csv                  print the per-service lines and the projection as CSV
  -h, --help             show this help
`;

/** Parsed options of `mediaflow cost`. */
export interface CostOptions {
  readonly workload: Workload;
  readonly months: number;
  readonly freeTier: boolean;
  readonly arch: ArchChoice;
  readonly format: 'text' | 'json' | 'csv';
  readonly detail: boolean;
  readonly baseline: Architecture;
  readonly mediaflow: Architecture;
}

/** A usage mistake: reported with the usage text and exit code 2. */
export class UsageError extends Error {}

// Not `instanceof Error`: errors from node:util can come from another realm (as under jest).
function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}

function parseNumber(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag} needs a number, got "${raw}"`);
  if (value < 0) throw new UsageError(`${flag} must be >= 0, got ${raw}`);
  return value;
}

function parseValue(raw: string): string | number | boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

/**
 * Parses `mediaflow cost` arguments.
 * @throws UsageError for anything malformed (unknown flag, bad number, unknown assumption)
 */
export function parseCostArgs(args: readonly string[]): CostOptions | 'help' | 'prices' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        dau: { type: 'string' },
        'images-per-user': { type: 'string' },
        'videos-per-user': { type: 'string' },
        months: { type: 'string' },
        'free-tier': { type: 'boolean', default: false },
        arch: { type: 'string', default: 'both' },
        set: { type: 'string', multiple: true },
        detail: { type: 'boolean', default: false },
        prices: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        csv: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(messageOf(error), { cause: error });
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (v.prices) return 'prices';
  if (v.json && v.csv) throw new UsageError('--json and --csv cannot be used together');
  const arch = v.arch as string;
  if (!(ARCH_CHOICES as readonly string[]).includes(arch)) {
    throw new UsageError(`--arch must be one of ${ARCH_CHOICES.join(', ')}, got "${arch}"`);
  }
  const months = parseNumber('--months', v.months) ?? 36;
  if (!Number.isInteger(months) || months > 120) throw new UsageError(`--months must be a whole number from 0 to 120, got ${v.months}`);

  const workloadInput: Record<string, unknown> = {};
  const archInput: Record<'baseline' | 'mediaflow', Record<string, unknown>> = { baseline: {}, mediaflow: {} };
  for (const pair of v.set ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set needs KEY=VALUE, got "${pair}"`);
    const key = pair.slice(0, eq);
    const value = parseValue(pair.slice(eq + 1));
    const [prefix, archKey] = key.split('.', 2);
    if (archKey !== undefined && (prefix === 'baseline' || prefix === 'mediaflow')) {
      if (!(archKey in ArchitectureSchema.shape) || archKey === 'id') throw new UsageError(`unknown architecture choice "${archKey}"`);
      archInput[prefix][archKey] = value;
    } else if ((WORKLOAD_KEYS as readonly string[]).includes(key)) {
      workloadInput[key] = value;
    } else {
      throw new UsageError(`unknown assumption "${key}" (known: ${WORKLOAD_KEYS.join(', ')})`);
    }
  }
  const dau = parseNumber('--dau', v.dau);
  const images = parseNumber('--images-per-user', v['images-per-user']);
  const videos = parseNumber('--videos-per-user', v['videos-per-user']);
  if (dau !== undefined) workloadInput['dau'] = dau;
  if (images !== undefined) workloadInput['imagesPerUserPerDay'] = images;
  if (videos !== undefined) workloadInput['videosPerUserPerDay'] = videos;

  try {
    return {
      workload: parseWorkload(workloadInput),
      months,
      freeTier: v['free-tier'] === true,
      arch: arch as ArchChoice,
      format: v.json ? 'json' : v.csv ? 'csv' : 'text',
      detail: v.detail === true,
      baseline: parseArchitecture({ ...BASELINE, ...archInput.baseline }),
      mediaflow: parseArchitecture({ ...MEDIAFLOW, ...archInput.mediaflow }),
    };
  } catch (error) {
    throw new UsageError(messageOf(error), { cause: error });
  }
}

/** Everything `mediaflow cost` reports, in one structure (the JSON output). */
export interface CostReport {
  readonly pricesTaken: string;
  readonly region: string;
  readonly freeTier: boolean;
  readonly architectures: readonly string[];
  readonly workload: Workload;
  readonly derived: readonly { name: string; value: number; unit: string; formula: string }[];
  readonly services: readonly { service: string; name: string; costs: Record<string, number>; difference?: number; reason?: string }[];
  readonly totals: Readonly<Record<string, number>>;
  readonly lines: Readonly<Record<string, readonly { service: string; meter: string; description: string; usage: number; unit: string; formula: string; cost: number }[]>>;
  readonly projection: readonly { month: number; multiplier: number; dau: number; uploadsPerMonth: number; storedGb: number; costs: Record<string, number> }[];
}

/** Computes the report for parsed options (pure: no output). */
export function buildCostReport(options: CostOptions): CostReport {
  const comparison: Comparison = compareArchitectures(options.workload, {
    freeTier: options.freeTier,
    baseline: options.baseline,
    mediaflow: options.mediaflow,
  });
  const chosen = options.arch === 'both' ? (['baseline', 'mediaflow'] as const) : ([options.arch] as const);
  const bills: Record<string, Bill> = { baseline: comparison.baseline, mediaflow: comparison.mediaflow };
  const projection: ProjectionRow[] = projectCosts(options.workload, {
    months: options.months,
    freeTier: options.freeTier,
    architectures: chosen.map((id) => (id === 'baseline' ? options.baseline : options.mediaflow)),
  });
  const services = comparison.rows
    .filter((row) => chosen.some((id) => row[id] !== 0 || options.arch === 'both'))
    .map((row) => {
      const costs: Record<string, number> = {};
      for (const id of chosen) costs[id] = row[id];
      return options.arch === 'both'
        ? { service: row.service, name: row.name, costs, difference: row.difference, reason: row.reason }
        : { service: row.service, name: row.name, costs };
    });
  const totals: Record<string, number> = {};
  const lines: Record<string, CostReport['lines'][string]> = {};
  for (const id of chosen) {
    const bill = bills[id];
    if (!bill) continue;
    totals[id] = bill.total;
    lines[id] = bill.lines.map((l) => ({
      service: l.service,
      meter: l.meterId,
      description: l.description,
      usage: l.usage.value,
      unit: l.usage.unit,
      formula: `${l.usage.name} = ${l.usage.formula}`,
      cost: l.cost,
    }));
  }
  return {
    pricesTaken: PRICES_TAKEN,
    region: PRICE_REGION,
    freeTier: options.freeTier,
    architectures: chosen,
    workload: options.workload,
    derived: Object.values(comparison.derived),
    services,
    totals,
    lines,
    projection: projection.map((p) => ({ ...p, costs: { ...p.costs } })),
  };
}

const LABELS: Readonly<Record<string, string>> = { baseline: 'Baseline', mediaflow: 'Mediaflow' };

function renderText(report: CostReport, detail: boolean): string {
  const ids = report.architectures;
  const both = ids.length === 2;
  const w = report.workload;
  const out: string[] = [];
  out.push(
    `Cost model: ${report.region} on-demand list prices (${report.pricesTaken}), free tier ${report.freeTier ? 'on' : 'off'}`,
    `Workload: ${formatNumber(w.dau)} DAU × (${w.imagesPerUserPerDay} images + ${w.videosPerUserPerDay} videos) a day, ` +
      `${w.videoSeconds} s clips, ${w.daysPerMonth}-day month`,
    '',
  );
  if (detail) {
    out.push('Derivation (monthly)', renderTable(
      [{ header: 'Quantity' }, { header: 'Value', align: 'right' }, { header: 'Unit' }],
      report.derived.map((q) => [q.name, formatNumber(q.value), q.unit]),
    ), '');
    for (const q of report.derived) out.push(wrap(`  ${q.name} = ${q.formula}`, 80, '      '));
    out.push('');
  }
  const money = (n: number) => formatUsd(n);
  const header = [{ header: 'Service' }, ...ids.map((id) => ({ header: `${LABELS[id] ?? id} $/mo`, align: 'right' as const }))];
  if (both) header.push({ header: 'Difference', align: 'right' });
  const rows = report.services.map((s) => [s.name, ...ids.map((id) => money(s.costs[id] ?? 0)), ...(both ? [money(s.difference ?? 0)] : [])]);
  const totalRow = ['Total', ...ids.map((id) => money(report.totals[id] ?? 0))];
  if (both) totalRow.push(money((report.totals['mediaflow'] ?? 0) - (report.totals['baseline'] ?? 0)));
  out.push(`Month 0, one month at ${formatNumber(w.dau)} DAU`, renderTable(header, [...rows, totalRow]), '');
  if (both) {
    const base = report.totals['baseline'] ?? 0;
    const mf = report.totals['mediaflow'] ?? 0;
    out.push(`Mediaflow costs ${base > 0 ? ((mf / base) * 100).toFixed(0) : '-'}% of the baseline (saves ${formatUsd(base - mf, true)} a month).`, '');
    out.push('Why the lines differ:');
    for (const s of report.services) if (s.reason) out.push(wrap(`  ${s.name}: ${s.reason}`, 80, '    '));
    out.push('');
  }
  if (detail) {
    for (const id of ids) {
      out.push(`Priced lines, ${LABELS[id] ?? id}`);
      out.push(
        renderTable(
          [{ header: 'Meter' }, { header: 'Usage', align: 'right' }, { header: 'Unit' }, { header: 'Cost', align: 'right' }],
          (report.lines[id] ?? []).map((l) => [l.meter, formatNumber(l.usage), l.unit, money(l.cost)]),
        ),
      );
      for (const l of report.lines[id] ?? []) out.push(wrap(`  ${l.meter}: ${l.formula}`, 80, '      '));
      out.push('');
    }
  }
  const last = report.projection[report.projection.length - 1];
  out.push(`Projection: demand × 2^(month/6)${last ? `, month ${last.month} = ×${formatNumber(last.multiplier)}` : ''}; storage kept ${w.retentionMonths} months`);
  const pHeader = [
    { header: 'Month', align: 'right' as const },
    { header: '×', align: 'right' as const },
    { header: 'DAU', align: 'right' as const },
    { header: 'Stored TB', align: 'right' as const },
    ...ids.map((id) => ({ header: `${LABELS[id] ?? id} $`, align: 'right' as const })),
  ];
  if (both) pHeader.push({ header: 'Difference', align: 'right' });
  const pRows = report.projection.map((p) => [
    String(p.month),
    p.multiplier.toFixed(2),
    formatNumber(Math.round(p.dau)),
    (p.storedGb / 1024).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    ...ids.map((id) => formatUsd(p.costs[id] ?? 0, true)),
    ...(both ? [formatUsd((p.costs['mediaflow'] ?? 0) - (p.costs['baseline'] ?? 0), true)] : []),
  ]);
  out.push(renderTable(pHeader, pRows), '');
  const step = Math.max(1, Math.ceil(report.projection.length / 13));
  const sampled = report.projection.filter((p, i) => i % step === 0 || i === report.projection.length - 1);
  out.push(`Monthly cost, ${ids.map((id) => `${id[0]?.toUpperCase()} = ${LABELS[id] ?? id}`).join(', ')}`);
  out.push(
    renderLogBarChart(
      sampled.map((p) => ({
        label: `m${p.month}`,
        values: ids.map((id) => ({ series: id[0]?.toUpperCase() ?? id, value: p.costs[id] ?? 0 })),
      })),
    ),
    '',
  );
  return out.join('\n');
}

/** The price tables: every meter with its unit, bands, free allowance, source and date. */
export function renderPrices(): string {
  const out = [`Price tables: ${PRICE_REGION}, on-demand list prices in USD, taken ${PRICES_TAKEN}`, ''];
  for (const m of listMeters()) {
    out.push(wrap(`${m.id}  (${m.source})`, 80, '    '));
    out.push(wrap(`    ${m.description}: ${describeTiers(m)}`, 80, '      '));
    if (m.free) out.push(wrap(`    free tier: ${formatNumber(m.free.amount)} ${pluralUnit(m.unit)}; ${m.free.note}`, 80, '      '));
    if (m.notes) out.push(wrap(`    note: ${m.notes}`, 80, '      '));
  }
  return `${out.join('\n')}\n`;
}

function renderCsv(report: CostReport): string {
  const ids = report.architectures;
  const both = ids.length === 2;
  const header = ['section', 'item', 'month', ...ids.map((id) => `${id}_usd`), ...(both ? ['difference_usd'] : [])];
  const cents = (n: number) => n.toFixed(2);
  const rows: (string | number)[][] = [header];
  for (const s of report.services) {
    rows.push(['service', s.name, 0, ...ids.map((id) => cents(s.costs[id] ?? 0)), ...(both ? [cents(s.difference ?? 0)] : [])]);
  }
  rows.push([
    'total',
    'Total',
    0,
    ...ids.map((id) => cents(report.totals[id] ?? 0)),
    ...(both ? [cents((report.totals['mediaflow'] ?? 0) - (report.totals['baseline'] ?? 0))] : []),
  ]);
  for (const p of report.projection) {
    rows.push([
      'projection',
      `x${p.multiplier.toFixed(4)}`,
      p.month,
      ...ids.map((id) => cents(p.costs[id] ?? 0)),
      ...(both ? [cents((p.costs['mediaflow'] ?? 0) - (p.costs['baseline'] ?? 0))] : []),
    ]);
  }
  return toCsv(rows);
}

/**
 * `mediaflow cost`: parses arguments, prints the comparison and projection, returns the exit code
 * (0, or 2 for bad usage).
 */
export async function runCost(args: readonly string[], io: Io): Promise<number> {
  let options: CostOptions | 'help' | 'prices';
  try {
    options = parseCostArgs(args);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mediaflow cost: ${error.message}\n\n${COST_USAGE}`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (options === 'help') {
    io.stdout(COST_USAGE);
    return EXIT_OK;
  }
  if (options === 'prices') {
    io.stdout(renderPrices());
    return EXIT_OK;
  }
  const report = buildCostReport(options);
  if (options.format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (options.format === 'csv') io.stdout(renderCsv(report));
  else io.stdout(renderText(report, options.detail));
  return EXIT_OK;
}

export const costCommand: Command = {
  summary: 'price the workload on AWS: baseline vs Mediaflow, and a 36-month projection',
  run: runCost,
};
