import { EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';
import { buildCapacityReport, renderCapacity } from './cost-capacity.js';
import { COST_USAGE, UsageError, parseCostArgs, type CostOptions } from './cost-options.js';
import { buildCostReport } from './cost-report.js';
import { renderCsv, renderPrices, renderText } from './cost-render.js';

export { buildCapacityReport, renderCapacity, type CapacityReport } from './cost-capacity.js';
export { COST_USAGE, UsageError, parseCostArgs, type CostOptions } from './cost-options.js';
export { buildCostReport, type CostReport } from './cost-report.js';
export { renderPrices } from './cost-render.js';

/**
 * `mediaflow cost`: parses arguments, prints the comparison and projection (or, with `--capacity`,
 * the peak rates, concurrency and the stack's limits), returns the exit code (0, or 2 for bad usage).
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
  if (options.capacity) {
    const capacity = buildCapacityReport(options);
    io.stdout(options.format === 'json' ? `${JSON.stringify(capacity, null, 2)}\n` : renderCapacity(capacity));
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
