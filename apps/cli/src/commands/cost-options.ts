import { EXIT_CODES_USAGE } from '../io.js';
import {
  ArchitectureSchema,
  BASELINE,
  MEDIAFLOW,
  WORKLOAD_KEYS,
  parseArchitecture,
  parseWorkload,
  type Architecture,
  type Workload,
} from '@mediaflow/cost-model';
import { parseArgs } from 'node:util';

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
                         --set mediaflow.videoTranscoder=mediaconvert
  --detail               also print the derivation and every priced line
  --capacity             print peak request rates, concurrency and the stack's
                         limits at month 0 and at --months (default 36)
                         instead of prices (text, or --json)
  --peak-factor N        busiest rate over the day's average, for --capacity
                         (default 4)
  --prices               print the price tables and exit
  --json                 print everything as JSON
  --csv                  print the per-service lines and the projection as CSV
  -h, --help             show this help

${EXIT_CODES_USAGE}
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
  /** Print the capacity plan (`--capacity`) instead of prices. */
  readonly capacity: boolean;
  /** Busiest rate over the day's average for the capacity plan; the model's default when absent. */
  readonly peakFactor?: number;
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
        capacity: { type: 'boolean', default: false },
        'peak-factor': { type: 'string' },
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
  if (v.capacity && v.csv) throw new UsageError('--capacity prints text or --json, not --csv');
  const peakFactor = parseNumber('--peak-factor', v['peak-factor']);
  if (peakFactor !== undefined && !v.capacity) throw new UsageError('--peak-factor needs --capacity');
  if (peakFactor !== undefined && (peakFactor < 1 || peakFactor > 100)) throw new UsageError(`--peak-factor must be from 1 to 100, got ${v['peak-factor']}`);
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
      capacity: v.capacity === true,
      ...(peakFactor === undefined ? {} : { peakFactor }),
    };
  } catch (error) {
    throw new UsageError(messageOf(error), { cause: error });
  }
}
