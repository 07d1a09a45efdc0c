import { formatUsdShort } from '@mediaflow/cost-model';

export interface ChartSeries {
  id: string;
  label: string;
  className: string;
  values: readonly number[];
}

export interface ProjectionChartProps {
  months: readonly number[];
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
}

const PAD = { top: 16, right: 20, bottom: 36, left: 64 };

/** Log-scale ticks: 1, 2, 5 × powers of ten within [min, max]. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** p;
      if (v >= min && v <= max) ticks.push(v);
    }
  }
  return ticks;
}

/**
 * Monthly cost per architecture over the projection, on a log scale (demand doubles every six
 * months, so straight lines mean steady growth). Plain SVG: no chart library.
 */
export function ProjectionChart({ months, series, width = 760, height = 320 }: ProjectionChartProps) {
  const all = series.flatMap((s) => s.values).filter((v) => v > 0);
  if (all.length === 0 || months.length === 0) return null;
  const min = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const max = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const lastMonth = months[months.length - 1] ?? 1;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (month: number) => PAD.left + (lastMonth > 0 ? (month / lastMonth) * plotW : plotW / 2);
  const y = (value: number) => PAD.top + plotH - ((Math.log10(Math.max(value, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min) || 1)) * plotH;
  const xStep = lastMonth > 24 ? 6 : lastMonth > 12 ? 3 : 1;
  const xTicks = months.filter((m) => m % xStep === 0);
  const describe = series
    .map((s) => `${s.label}: ${formatUsdShort(s.values[0] ?? 0)} in month 0, ${formatUsdShort(s.values[s.values.length - 1] ?? 0)} in month ${lastMonth}`)
    .join('; ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Monthly cost projection, log scale. ${describe}`}>
        {logTicks(min, max).map((t) => (
          <g key={t} className="chart-grid">
            <line x1={PAD.left} x2={width - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 8} y={y(t)} dy="0.32em" textAnchor="end">
              {formatUsdShort(t)}
            </text>
          </g>
        ))}
        {xTicks.map((m) => (
          <text key={m} className="chart-axis" x={x(m)} y={height - PAD.bottom + 18} textAnchor="middle">
            {m}
          </text>
        ))}
        <text className="chart-axis" x={PAD.left + plotW / 2} y={height - 4} textAnchor="middle">
          month
        </text>
        {series.map((s) => (
          <g key={s.id} className={`chart-series ${s.className}`}>
            <polyline points={s.values.map((v, i) => `${x(months[i] ?? i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} />
            {s.values.map((v, i) =>
              (months[i] ?? i) % xStep === 0 ? (
                <circle key={i} cx={x(months[i] ?? i)} cy={y(v)} r={3.5}>
                  <title>{`${s.label}, month ${months[i] ?? i}: ${formatUsdShort(v)}`}</title>
                </circle>
              ) : null,
            )}
          </g>
        ))}
      </svg>
      <figcaption className="chart-legend">
        {series.map((s) => (
          <span key={s.id} className={`legend ${s.className}`}>
            {s.label}
          </span>
        ))}
        <span className="muted">Monthly cost, log scale</span>
      </figcaption>
    </figure>
  );
}
