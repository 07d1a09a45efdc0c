const usdWhole = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0, minimumFractionDigits: 0 });
const usdCents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2, minimumFractionDigits: 2 });
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** "$1,234.56"; `whole` drops the cents. Negative amounts keep their sign: "-$12.00". */
export function formatUsd(value: number, whole = false): string {
  // Avoid printing "-$0.00" for rounding noise.
  const v = Math.abs(value) < 0.005 ? 0 : value;
  return (whole ? usdWhole : usdCents).format(v);
}

/** "$950", "$23.0k", "$1.45M": short amounts for charts. */
export function formatUsdShort(value: number): string {
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  if (abs >= 1e6) return `${sign}$${(abs / 1e6).toFixed(abs >= 1e7 ? 1 : 2)}M`;
  if (abs >= 1e3) return `${sign}$${(abs / 1e3).toFixed(abs >= 1e4 ? 1 : 2)}k`;
  return `${sign}$${abs.toFixed(0)}`;
}

/** A plain number with thousands separators and at most 2 decimals. */
export function formatNumber(value: number): string {
  return number.format(value);
}

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/** A fixed-width text table: header, a rule, rows; columns padded to their widest cell. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (columns[i]?.align === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** RFC 4180 CSV: fields with a comma, quote or newline are quoted, quotes doubled. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  const field = (v: string | number) => {
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(field).join(',')).join('\n') + '\n';
}

/** "$1", "$10", "$100", "$1k", "$10k", "$100k", "$1M": labels for powers of ten. */
function tickLabel(value: number): string {
  if (value >= 1e6) return `$${value / 1e6}M`;
  if (value >= 1e3) return `$${value / 1e3}k`;
  return `$${value}`;
}

/** Breaks `text` into lines of at most `width` characters, continuing lines with `indent`. */
export function wrap(text: string, width: number, indent = ''): string {
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line === '' ? `${lines.length === 0 ? lead : ''}${word}` : `${line} ${word}`;
    if (candidate.length > width && line !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

function price(value: number): string {
  // List prices go down to 1e-10 dollars; print them in full, without float noise.
  return `$${Number(value.toPrecision(6)).toString()}`;
}

/** "requests", "images", but "GB-month", "MAU": only lower-case units take an s. */
export function pluralUnit(unit: string): string {
  return /^[a-z]/.test(unit) && !unit.endsWith('s') ? `${unit}s` : unit;
}

function per(count: number, unit: string): string {
  if (count === 1) return `per ${unit}`;
  if (count === 1e6) return `per 1M ${pluralUnit(unit)}`;
  return `per ${formatNumber(count)} ${pluralUnit(unit)}`;
}

/**
 * One meter's price in words, e.g. "$0.4 per 1M requests to 100,000,000,000; $0.3 to 200,000,000,000; $0.24 beyond".
 */
export function describeTiers(meter: { readonly per: number; readonly unit: string; readonly tiers: readonly { readonly upTo: number | null; readonly price: number }[] }): string {
  const unit = per(meter.per, meter.unit);
  if (meter.tiers.length === 1) return `${price(meter.tiers[0]?.price ?? 0)} ${unit}`;
  return meter.tiers
    .map((t, i) => `${price(t.price)}${i === 0 ? ` ${unit}` : ''}${t.upTo === null ? ' beyond' : ` to ${formatNumber(t.upTo)}`}`)
    .join('; ');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `length` character cells (fractional), drawn with eighth blocks. */
export function bar(length: number): string {
  const eighths = Math.max(0, Math.round(length * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

export interface ChartRow {
  readonly label: string;
  readonly values: readonly { readonly series: string; readonly value: number }[];
}

export interface ChartOptions {
  /** Width of the bar area in characters (default 50). */
  readonly width?: number;
}

/**
 * A horizontal bar chart on a log₁₀ scale: one bar per series per row, ticks at powers of ten, so a
 * series doubling every 6 months climbs steadily and two series stay comparable over 64x. Fits in
 * 80 columns with the default width.
 */
export function renderLogBarChart(rows: readonly ChartRow[], options: ChartOptions = {}): string {
  const width = options.width ?? 50;
  const values = rows.flatMap((r) => r.values.map((v) => v.value)).filter((v) => v > 0);
  if (values.length === 0) return '(nothing to chart)';
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const span = Math.log10(hi) - Math.log10(lo) || 1;
  const scale = (v: number) => (v <= lo ? 0 : ((Math.log10(v) - Math.log10(lo)) / span) * width);
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const seriesWidth = Math.max(...rows.flatMap((r) => r.values.map((v) => v.series.length)));
  const out: string[] = [];
  for (const row of rows) {
    row.values.forEach((v, i) => {
      const label = (i === 0 ? row.label : '').padEnd(labelWidth);
      const drawn = bar(scale(v.value));
      out.push(`${label} ${v.series.padEnd(seriesWidth)} │${drawn.padEnd(width)} ${formatUsdShort(v.value)}`);
    });
  }
  // Axis: a tick under each power of ten.
  const indent = ' '.repeat(labelWidth + seriesWidth + 2);
  const axis = Array.from({ length: width + 1 }, () => '─');
  const labels = Array.from({ length: width + 12 }, () => ' ');
  for (let p = Math.log10(lo); p <= Math.log10(hi); p++) {
    const x = Math.round(((p - Math.log10(lo)) / span) * width);
    axis[x] = '┴';
    const text = tickLabel(10 ** p);
    const start = Math.min(Math.max(0, x - Math.floor(text.length / 2)), labels.length - text.length);
    for (let k = 0; k < text.length; k++) labels[start + k] = text[k] ?? ' ';
  }
  out.push(`${indent}└${axis.join('').slice(1)}`);
  out.push(`${indent}${labels.join('').trimEnd()}`);
  out.push(`${indent}(log scale)`);
  return out.join('\n');
}
