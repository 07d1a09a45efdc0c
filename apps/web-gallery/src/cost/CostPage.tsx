import './jitless';
import {
  BASELINE,
  MEDIAFLOW,
  compareArchitectures,
  formatNumber,
  formatUsd,
  parseWorkload,
  PRICE_REGION,
  PRICES_TAKEN,
  projectCosts,
} from '@mediaflow/cost-model';
import { useDeferredValue, useId, useMemo, useState } from 'react';
import { ProjectionChart } from './ProjectionChart';

export interface CostInputs {
  dau: number;
  imagesPerUser: number;
  videosPerUser: number;
  months: number;
  freeTier: boolean;
}

export const DEFAULT_INPUTS: CostInputs = { dau: 10_000, imagesPerUser: 6, videosPerUser: 2, months: 36, freeTier: false };

/** What `mediaflow cost` computes for the same inputs: the per-service comparison and the projection. */
export function costReport(inputs: CostInputs) {
  const workload = parseWorkload({ dau: inputs.dau, imagesPerUserPerDay: inputs.imagesPerUser, videosPerUserPerDay: inputs.videosPerUser });
  const comparison = compareArchitectures(workload, { freeTier: inputs.freeTier, baseline: BASELINE, mediaflow: MEDIAFLOW });
  const projection = projectCosts(workload, { months: inputs.months, freeTier: inputs.freeTier, architectures: [BASELINE, MEDIAFLOW] });
  return { workload, comparison, projection };
}

function NumberField({ label, value, min, max, step, onChange }: { label: string; value: number; min: number; max?: number; step?: number; onChange: (v: number) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step ?? 1}
        value={Number.isFinite(value) ? value : ''}
        onChange={(e) => {
          const v = e.target.valueAsNumber;
          if (Number.isFinite(v) && v >= min && (max === undefined || v <= max)) onChange(v);
        }}
      />
    </div>
  );
}

/** The Cost page: the same inputs as `mediaflow cost`, the per-service table and the projection chart. */
export default function CostPage() {
  const [inputs, setInputs] = useState<CostInputs>(DEFAULT_INPUTS);
  const deferred = useDeferredValue(inputs);
  const report = useMemo(() => {
    try {
      return { ok: true as const, ...costReport(deferred) };
    } catch (error) {
      return { ok: false as const, message: error instanceof Error ? error.message : String(error) };
    }
  }, [deferred]);
  const set = (patch: Partial<CostInputs>) => setInputs((current) => ({ ...current, ...patch }));

  return (
    <main id="main" className="page cost" tabIndex={-1}>
      <h1>What it costs on AWS</h1>
      <p className="muted">
        {PRICE_REGION} on-demand list prices taken {PRICES_TAKEN}. The briefed baseline against Mediaflow's serverless design, then demand doubling every six months.
      </p>
      <form className="cost-inputs" onSubmit={(e) => e.preventDefault()} aria-label="Workload">
        <NumberField label="Daily users" value={inputs.dau} min={0} step={1000} onChange={(dau) => set({ dau })} />
        <NumberField label="Images per user a day" value={inputs.imagesPerUser} min={0} step={1} onChange={(imagesPerUser) => set({ imagesPerUser })} />
        <NumberField label="Videos per user a day" value={inputs.videosPerUser} min={0} step={1} onChange={(videosPerUser) => set({ videosPerUser })} />
        <NumberField label="Months to project" value={inputs.months} min={0} max={120} onChange={(months) => set({ months: Math.round(months) })} />
        <label className="check">
          <input type="checkbox" checked={inputs.freeTier} onChange={(e) => set({ freeTier: e.target.checked })} /> Free tier
        </label>
      </form>
      {!report.ok ? (
        <p className="form-error" role="alert">
          {report.message}
        </p>
      ) : (
        <>
          <div className="cost-totals">
            <div className="stat">
              <span className="stat-label">Baseline</span>
              <span className="stat-value">{formatUsd(report.comparison.totals.baseline, true)}</span>
              <span className="muted">a month</span>
            </div>
            <div className="stat stat-accent">
              <span className="stat-label">Mediaflow</span>
              <span className="stat-value">{formatUsd(report.comparison.totals.mediaflow, true)}</span>
              <span className="muted">
                a month ·{' '}
                {report.comparison.totals.baseline > 0
                  ? `${Math.round((report.comparison.totals.mediaflow / report.comparison.totals.baseline) * 100)}% of the baseline`
                  : '—'}
              </span>
            </div>
          </div>
          <h2>Month 0 at {formatNumber(report.workload.dau)} daily users</h2>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col" className="num">Baseline $/mo</th>
                  <th scope="col" className="num">Mediaflow $/mo</th>
                  <th scope="col" className="num">Difference</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {report.comparison.rows.map((row) => (
                  <tr key={row.service}>
                    <th scope="row">{row.name}</th>
                    <td className="num">{formatUsd(row.baseline)}</td>
                    <td className="num">{formatUsd(row.mediaflow)}</td>
                    <td className={`num ${row.difference < 0 ? 'good' : row.difference > 0 ? 'bad' : ''}`}>{formatUsd(row.difference)}</td>
                    <td className="why">{row.reason}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td className="num">{formatUsd(report.comparison.totals.baseline)}</td>
                  <td className="num">{formatUsd(report.comparison.totals.mediaflow)}</td>
                  <td className="num good">{formatUsd(report.comparison.totals.difference)}</td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
          <h2>Projection over {deferred.months} months</h2>
          <ProjectionChart
            months={report.projection.map((p) => p.month)}
            series={[
              { id: 'baseline', label: 'Baseline', className: 'series-baseline', values: report.projection.map((p) => p.costs['baseline'] ?? 0) },
              { id: 'mediaflow', label: 'Mediaflow', className: 'series-mediaflow', values: report.projection.map((p) => p.costs['mediaflow'] ?? 0) },
            ]}
          />
          <details className="projection-table">
            <summary>Projection as a table</summary>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col" className="num">Month</th>
                    <th scope="col" className="num">×</th>
                    <th scope="col" className="num">Daily users</th>
                    <th scope="col" className="num">Stored TB</th>
                    <th scope="col" className="num">Baseline</th>
                    <th scope="col" className="num">Mediaflow</th>
                  </tr>
                </thead>
                <tbody>
                  {report.projection.map((p) => (
                    <tr key={p.month}>
                      <td className="num">{p.month}</td>
                      <td className="num">{p.multiplier.toFixed(2)}</td>
                      <td className="num">{formatNumber(Math.round(p.dau))}</td>
                      <td className="num">{(p.storedGb / 1024).toFixed(1)}</td>
                      <td className="num">{formatUsd(p.costs['baseline'] ?? 0, true)}</td>
                      <td className="num">{formatUsd(p.costs['mediaflow'] ?? 0, true)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </main>
  );
}
