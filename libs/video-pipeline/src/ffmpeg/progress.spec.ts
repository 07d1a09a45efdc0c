import { ProgressParser, type FfmpegProgress } from './progress.js';

function collect(duration: number | undefined): { parser: ProgressParser; reports: FfmpegProgress[] } {
  const reports: FfmpegProgress[] = [];
  return { parser: new ProgressParser(duration, (p) => reports.push(p)), reports };
}

describe('ProgressParser', () => {
  it('reports one fraction per block, across chunk boundaries', () => {
    const { parser, reports } = collect(4);
    parser.push('frame=10\nout_time_us=1000000\nout_time_ms=1000000\nprog');
    expect(reports).toEqual([]);
    parser.push('ress=continue\nout_time_us=3000');
    parser.push('000\nprogress=continue\n');
    expect(reports).toEqual([
      { outTimeSeconds: 1, fraction: 0.25, done: false },
      { outTimeSeconds: 3, fraction: 0.75, done: false },
    ]);
  });

  it('reaches 1 at the end even when the last time falls short of the duration', () => {
    const { parser, reports } = collect(4);
    parser.push('out_time_us=3960000\nprogress=end\n');
    expect(reports).toEqual([{ outTimeSeconds: 3.96, fraction: 1, done: true }]);
  });

  it('never reports more than 1 and reads out_time_ms when out_time_us is missing', () => {
    const { parser, reports } = collect(2);
    parser.push('out_time_ms=2500000\nprogress=continue\n');
    expect(reports[0]?.fraction).toBe(1);
  });

  it('has no fraction without a duration, and ignores malformed lines', () => {
    const { parser, reports } = collect(undefined);
    parser.push('garbage\n=x\nout_time_us=N/A\nout_time_us=500000\nprogress=continue\n');
    expect(reports).toEqual([{ outTimeSeconds: 0.5, fraction: undefined, done: false }]);
  });
});
