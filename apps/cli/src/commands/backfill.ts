import { parseArgs } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { backfillTable, createDynamoClient, type TableBackfillResult } from '@mediaflow/storage/dynamodb';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';

export const BACKFILL_USAGE = `Usage: mediaflow backfill --table NAME [options]

Brings a deployed media table (DynamoDB) written by an earlier release up to what this release
reads: every item written before the search index gets its date index keys (GSI3), its search
words and its count in the timeline, and items held by moderation before the review index existed
are added to the moderators' queue. Items whose index a write left unfinished are completed.
Run it once after deploying this release, when the table's new indexes (GSI2, GSI3) are ACTIVE
(storage README, "Rolling out"). Safe to run again and beside live traffic: each item is rewritten
only if no newer write changed it, in one transaction with its index rows, so nothing is counted
twice, and a second run writes nothing.

It scans the whole table: about 1 read unit per 8 KB of table, plus about 60 write units per item
indexed (its row, its words and its month, in a transaction). Credentials and region come from the
usual AWS settings (AWS_PROFILE, AWS_REGION, ...).

Options:
  --table NAME            the media table (the stack's MediaTable output)
  --region REGION         its region (default AWS_REGION, else us-east-1)
  --endpoint URL          a DynamoDB-compatible endpoint instead of AWS's (a local emulator)
  --segments N            scan in N parallel segments, 1-64 (default 4)
  --json                  print the result as JSON
  -h, --help              show this help

Exit codes: 0 done, 1 the table could not be read or written, 2 bad usage.
`;

/** Where the command's DynamoDB client comes from: AWS's (the default), or what a test gives. */
export interface BackfillDependencies {
  readonly client: (options: { region: string; endpoint?: string }) => DynamoDBClient;
}

function summary(table: string, result: TableBackfillResult): string {
  return (
    `mediaflow backfill: ${table}: scanned ${result.scanned} rows; ${result.found} items without a complete search index or usage count: ` +
    `${result.indexed} indexed (${result.queued} of them added to the review queue), ${result.completed} completed, ` +
    `${result.counted} counted in storage used, ` +
    `${result.conflicts} changed meanwhile (indexed by that write)\n`
  );
}

/** `mediaflow backfill`, with its DynamoDB client made by `dependencies`. */
export function createBackfillCommand(dependencies: BackfillDependencies = { client: createDynamoClient }): Command {
  return {
    summary: 'bring a deployed media table up to this release (search index, timeline, review queue)',
    async run(args: readonly string[], io: Io): Promise<number> {
      let values: Record<string, string | boolean | undefined>;
      try {
        ({ values } = parseArgs({
          args: [...args],
          options: {
            table: { type: 'string' },
            region: { type: 'string' },
            endpoint: { type: 'string' },
            segments: { type: 'string' },
            json: { type: 'boolean' },
            help: { type: 'boolean', short: 'h' },
          },
          strict: true,
        }));
      } catch (error) {
        io.stderr(`mediaflow backfill: ${(error as Error).message}\n\n${BACKFILL_USAGE}`);
        return EXIT_USAGE;
      }
      if (values['help'] === true) {
        io.stdout(BACKFILL_USAGE);
        return EXIT_OK;
      }
      const table = values['table'];
      if (typeof table !== 'string' || !/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
        io.stderr(`mediaflow backfill: --table NAME is required (3-255 letters, digits, "_", "." or "-")\n\n${BACKFILL_USAGE}`);
        return EXIT_USAGE;
      }
      const segmentsText = values['segments'];
      const segments = segmentsText === undefined ? 4 : typeof segmentsText === 'string' && /^\d+$/.test(segmentsText) ? Number(segmentsText) : Number.NaN;
      if (!(segments >= 1 && segments <= 64)) {
        io.stderr('mediaflow backfill: --segments must be a whole number from 1 to 64\n');
        return EXIT_USAGE;
      }
      const endpoint = values['endpoint'];
      if (endpoint !== undefined && (typeof endpoint !== 'string' || !URL.canParse(endpoint))) {
        io.stderr('mediaflow backfill: --endpoint must be a URL\n');
        return EXIT_USAGE;
      }
      const region = typeof values['region'] === 'string' ? values['region'] : (process.env['AWS_REGION'] ?? 'us-east-1');

      const client = dependencies.client({ region, ...(typeof endpoint === 'string' ? { endpoint } : {}) });
      try {
        const result = await backfillTable(client, table, { totalSegments: segments });
        io.stdout(values['json'] === true ? `${JSON.stringify({ table, ...result })}\n` : summary(table, result));
        return EXIT_OK;
      } catch (error) {
        io.stderr(`mediaflow backfill: ${table}: ${(error as Error).message}\n`);
        return EXIT_FAILURE;
      } finally {
        client.destroy();
      }
    },
  };
}

export const backfillCommand: Command = createBackfillCommand();
