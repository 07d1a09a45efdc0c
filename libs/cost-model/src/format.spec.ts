import { bar, describeTiers, formatUsd, formatUsdShort, renderLogBarChart, renderTable, toCsv, wrap } from './format.js';

describe('formatUsd', () => {
  it('formats dollars with separators, cents optional, sign kept', () => {
    expect(formatUsd(1234.567)).toBe('$1,234.57');
    expect(formatUsd(1234.567, true)).toBe('$1,235');
    expect(formatUsd(-30.4)).toBe('-$30.40');
    expect(formatUsd(-0.001)).toBe('$0.00');
  });

  it('shortens large amounts', () => {
    expect(formatUsdShort(950)).toBe('$950');
    expect(formatUsdShort(1_500)).toBe('$1.50k');
    expect(formatUsdShort(22_968)).toBe('$23.0k');
    expect(formatUsdShort(1_633_691)).toBe('$1.63M');
  });
});

describe('renderTable', () => {
  it('pads columns and right-aligns numbers', () => {
    const text = renderTable([{ header: 'Service' }, { header: 'Cost', align: 'right' }], [['S3', '$1.00'], ['CloudFront', '$100.00']]);
    expect(text.split('\n')).toEqual(['Service        Cost', '──────────  ───────', 'S3            $1.00', 'CloudFront  $100.00']);
  });
});

describe('toCsv', () => {
  it('quotes fields that need it', () => {
    expect(toCsv([['a', 'b,c'], [1, 'say "hi"']])).toBe('a,"b,c"\n1,"say ""hi"""\n');
  });
});

describe('bar and renderLogBarChart', () => {
  it('draws eighths', () => {
    // 2.5 cells = 2 full blocks + 4 eighths (▌)
    expect(bar(2.5)).toBe('██▌');
    expect(bar(0)).toBe('');
  });

  it('draws a log-scale chart within 80 columns', () => {
    const chart = renderLogBarChart([
      { label: 'm0', values: [{ series: 'B', value: 1_000 }, { series: 'M', value: 100 }] },
      { label: 'm36', values: [{ series: 'B', value: 100_000 }, { series: 'M', value: 10_000 }] },
    ]);
    const lines = chart.split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    // scale $100 → $100k spans 3 decades over 50 cells: $1k sits at 50 ÷ 3 = 16.67 cells
    expect(lines[0]).toContain(`│${bar(50 / 3)}`);
    expect(lines[3]).toContain(`│${bar(50 * (2 / 3))}`);
    expect(chart).toContain('$100k');
    expect(chart).toContain('log scale');
  });

  it('says so when there is nothing to chart', () => {
    expect(renderLogBarChart([])).toBe('(nothing to chart)');
  });
});

describe('wrap', () => {
  it('breaks at word boundaries and indents continuations', () => {
    expect(wrap('aaa bbb ccc', 7, '  ')).toBe('aaa bbb\n  ccc');
    // the first line keeps its own indentation
    expect(wrap('  aaa bbb ccc', 9, '    ')).toBe('  aaa bbb\n    ccc');
  });
});

describe('describeTiers', () => {
  it('states flat and tiered prices with their unit', () => {
    expect(describeTiers({ per: 1e6, unit: 'request', tiers: [{ upTo: null, price: 0.2 }] })).toBe('$0.2 per 1M requests');
    expect(
      describeTiers({ per: 1, unit: 'GB', tiers: [{ upTo: 10240, price: 0.085 }, { upTo: null, price: 0.08 }] }),
    ).toBe('$0.085 per GB to 10,240; $0.08 beyond');
    expect(describeTiers({ per: 1, unit: 'GB-second', tiers: [{ upTo: null, price: 0.0000166667 }] })).toBe('$0.0000166667 per GB-second');
  });
});
