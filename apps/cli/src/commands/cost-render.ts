import {
  PRICE_REGION,
  PRICES_TAKEN,
  describeTiers,
  formatNumber,
  formatUsd,
  listMeters,
  pluralUnit,
  renderLogBarChart,
  renderTable,
  toCsv,
  wrap,
} from '@mediaflow/cost-model';
import type { CostReport } from './cost-report.js';

const LABELS: Readonly<Record<string, string>> = { baseline: 'Baseline', mediaflow: 'Mediaflow' };

/** The report as text: month-0 table by service, optional derivation and priced lines, projection and chart. */
export function renderText(report: CostReport, detail: boolean): string {
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

/** The per-service lines, the totals and the projection as CSV. */
export function renderCsv(report: CostReport): string {
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
