import { parseWorkload, planCapacity, QUEUE_CONSUMERS, stackLimits } from '@mediaflow/cost-model';
import { captureIo } from '../testing.js';
import { runCost, type CapacityReport, type CostReport } from './cost.js';

const BRIEF = ['--dau', '10000', '--images-per-user', '6', '--videos-per-user', '2'];

async function run(args: readonly string[]) {
  const io = captureIo();
  const code = await runCost(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('mediaflow cost', () => {
  it('prints the line-by-line table, totals, projection and chart', async () => {
    const { code, out, err } = await run(BRIEF);
    expect(code).toBe(0);
    expect(err).toBe('');
    for (const text of ['Service', 'Baseline $/mo', 'Mediaflow $/mo', 'Difference', 'OpenSearch', 'MediaConvert', 'Total', 'Why the lines differ', 'log scale']) {
      expect(out).toContain(text);
    }
    // 37 projection rows: month 0 to 36
    expect(out).toMatch(/^ {3}36 {2}64\.00/m);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('prints JSON whose service lines add up to the totals', async () => {
    const { code, out } = await run([...BRIEF, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as CostReport;
    for (const id of ['baseline', 'mediaflow']) {
      const sum = report.services.reduce((s, row) => s + (row.costs[id] ?? 0), 0);
      expect(sum).toBeCloseTo(report.totals[id] ?? Number.NaN, 6);
      const lines = (report.lines[id] ?? []).reduce((s, l) => s + l.cost, 0);
      expect(lines).toBeCloseTo(report.totals[id] ?? Number.NaN, 6);
    }
    expect(report.workload.dau).toBe(10_000);
    expect(report.pricesTaken).toBe('2026-11');
    expect(report.projection).toHaveLength(37);
    // month 36 = 2^(36/6) = 64x month 0
    expect(report.projection[36]?.multiplier).toBe(64);
    expect(report.projection[36]?.uploadsPerMonth).toBe(64 * (report.projection[0]?.uploadsPerMonth ?? 0));
    expect(report.derived.find((q) => q.name === 'imagesPerMonth')).toMatchObject({ value: 1_824_000, formula: 'dau × imagesPerUserPerDay × daysPerMonth' });
  });

  it('prints CSV with a header, service rows, a total and the projection', async () => {
    const { code, out } = await run([...BRIEF, '--csv', '--months', '12']);
    expect(code).toBe(0);
    const rows = out.trim().split('\n');
    expect(rows[0]).toBe('section,item,month,baseline_usd,mediaflow_usd,difference_usd');
    const services = rows.filter((r) => r.startsWith('service,'));
    const total = rows.find((r) => r.startsWith('total,'))?.split(',') ?? [];
    const sum = services.reduce((s, r) => s + Number(r.split(',')[3]), 0);
    // each row is rounded to cents: allow a cent per row
    expect(Math.abs(sum - Number(total[3]))).toBeLessThanOrEqual(services.length * 0.005 + 1e-9);
    expect(rows.filter((r) => r.startsWith('projection,'))).toHaveLength(13);
  });

  it('prices one architecture when asked', async () => {
    const { code, out } = await run([...BRIEF, '--arch', 'mediaflow', '--json', '--months', '0']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as CostReport;
    expect(report.architectures).toEqual(['mediaflow']);
    expect(Object.keys(report.totals)).toEqual(['mediaflow']);
    expect(report.services.some((s) => s.name === 'OpenSearch')).toBe(false);
  });

  it('is cheaper with the free tier on', async () => {
    const off = JSON.parse((await run(['--json', '--months', '0'])).out) as CostReport;
    const on = JSON.parse((await run(['--json', '--months', '0', '--free-tier'])).out) as CostReport;
    expect(on.freeTier).toBe(true);
    expect(on.totals['mediaflow']).toBeLessThan(off.totals['mediaflow'] ?? 0);
  });

  it('takes assumption overrides with --set', async () => {
    const { out } = await run(['--json', '--months', '0', '--set', 'videoSeconds=10', '--set', 'mediaflow.videoTranscoder=mediaconvert']);
    const report = JSON.parse(out) as CostReport;
    expect(report.workload.videoSeconds).toBe(10);
    // MediaConvert for every video (the default transcodes these in Lambda): 10 s is its minimum per output.
    expect(report.services.find((s) => s.name === 'MediaConvert')?.costs['mediaflow']).toBeGreaterThan(0);
  });

  it('prints the derivation with --detail', async () => {
    const { out } = await run(['--detail', '--months', '0']);
    expect(out).toContain('imagesPerMonth = dau × imagesPerUserPerDay × daysPerMonth');
    expect(out).toContain('apigateway.rest');
  });

  it('prints the price tables with --prices', async () => {
    const { code, out } = await run(['--prices']);
    expect(code).toBe(0);
    expect(out).toContain('taken 2026-11');
    expect(out).toContain('lambda.duration.arm64 (AWS Lambda pricing)');
    expect(out).toContain('$0.0000120001 to 18,750,000,000');
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('prints, with --capacity, each function\u2019s peak and the limits the stack deploys at month 0 and 36', async () => {
    const { code, out, err } = await run(['--capacity']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).not.toContain('Baseline $/mo');
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const sections = out.split(/^(?=Month \d+: )/m).slice(1);
    expect(sections).toHaveLength(2);
    for (const [index, month] of [0, 36].entries()) {
      const section = sections[index] ?? '';
      const limits = stackLimits({ month });
      expect(section).toContain(`deployed with -c scale=month${month}\n`);
      // Each function's row ends with the limit the stack gives its event source.
      for (const name of QUEUE_CONSUMERS) {
        const row = section.split('\n').find((line) => line.startsWith(`${name} `));
        expect(row?.trim().split(/\s+/).at(-1)?.replace(/,/g, '')).toBe(String(limits.maxConcurrency[name]));
      }
      expect(section.replace(/\s+/g, ' ')).toContain(
        `stage throttle ${limits.api.rateLimit.toLocaleString('en-US')}/s, burst ${limits.api.burstLimit.toLocaleString('en-US')}.`,
      );
    }
    expect(out).toMatch(/^image +44\.44 +177\.78 +5,000 ms +888\.89 +1,000$/m);
    expect(out).toContain('capped at 1000');
    // The stack tags on-device by default: no Rekognition quota to plan for.
    expect(out.replace(/\s+/g, ' ')).toContain('Tagging: the on-device models in the tagging function, 290 ms a frame; no Rekognition calls');
    expect(out).not.toContain('Rekognition: ');
  });

  it('prints the capacity plans as JSON, for month 0 and the last month asked for', async () => {
    const { code, out } = await run(['--capacity', '--json', '--months', '12']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as CapacityReport;
    expect(report.plans.map((plan) => plan.month)).toEqual([0, 12]);
    expect(report.peakToAverage).toBe(4);
    expect(report.stackContexts).toEqual(['-c scale=month0', '-c scale=month12']);
    const month12 = planCapacity(parseWorkload(), { month: 12 });
    expect(report.plans[1]?.functions).toEqual(month12.functions);
    expect(report.plans[1]?.api).toEqual(month12.api);
  });

  it('takes the peak-to-average factor from --peak-factor, and names the context that deploys it', async () => {
    const report = JSON.parse((await run(['--capacity', '--json', '--peak-factor', '8'])).out) as CapacityReport;
    expect(report.peakToAverage).toBe(8);
    expect(report.plans[0]?.functions.find((f) => f.name === 'image')?.limit).toBe(35);
    expect(report.stackContexts[1]).toBe('-c scale=month36 -c peakFactor=8');
  });

  it('says when the limits printed are not the stack\u2019s: another workload than the default', async () => {
    const { out } = await run(['--capacity', '--set', 'imageWorkerMs=2500']);
    expect(out).toContain("differs from the model's defaults");
    expect(out).not.toContain('deployed with');
    expect(out).toMatch(/^image +0\.69 +2\.78 +2,500 ms +6\.94 +9$/m);
  });

  it('prints help with exit code 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: mediaflow cost');
  });

  it.each([
    [['--dau', 'many'], /--dau needs a number/],
    [['--dau=-5'], /--dau must be >= 0/],
    [['--months', '2.5'], /--months must be a whole number/],
    [['--months', '500'], /--months must be a whole number/],
    [['--arch', 'cheapest'], /--arch must be one of/],
    [['--json', '--csv'], /cannot be used together/],
    [['--frobnicate'], /Unknown option/],
    [['extra'], /positional/],
    [['--set', 'nonsense'], /KEY=VALUE/],
    [['--set', 'bogus=1'], /unknown assumption "bogus"/],
    [['--set', 'mediaflow.bogus=1'], /unknown architecture choice/],
    [['--set', 'mediaflow.api=soap'], /invalid architecture/],
    [['--set', 'videoWatchFraction=3'], /videoWatchFraction/],
    [['--peak-factor', '3'], /--peak-factor needs --capacity/],
    [['--capacity', '--peak-factor', '0.5'], /--peak-factor must be from 1 to 100/],
    [['--capacity', '--csv'], /--capacity prints text or --json/],
  ])('rejects %j with exit code 2', async (args, message) => {
    const { code, out, err } = await run(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err).toContain('Usage: mediaflow cost');
  });
});
