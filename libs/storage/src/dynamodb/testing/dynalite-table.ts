import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { emulateTransactions } from '../emulated-transactions.js';
import { createMediaTable } from '../table.js';
import { DYNALITE_CREDENTIALS } from './dynalite-server.js';

export { emulateTransactions };

/** One request a client sent: the SDK command's name (`QueryCommand`, ...) and its input. */
export interface SentCommand {
  name: string;
  input: Record<string, unknown>;
}

/** Records every command the client sends (before the emulation sees it), in order. */
export function recordCommands(client: DynamoDBClient): SentCommand[] {
  const sent: SentCommand[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ name: context.commandName ?? '?', input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands', priority: 'high' },
  );
  return sent;
}

/** A fresh media table on dynalite, a recorded client with emulated transactions, and a raw client. */
export interface DynaliteTable {
  tableName: string;
  /** For the repository under test: transactions emulated, every command recorded in `sent`. */
  client: DynamoDBClient;
  /** For looking at (and planting) rows directly. */
  raw: DynamoDBClient;
  sent: SentCommand[];
  /** Names of the commands sent so far. */
  names(): string[];
  /** Another client on the same table and transaction emulation (for racing two repositories), closed with this. */
  anotherClient(): DynamoDBClient;
  close(): void;
}

let tables = 0;

/**
 * Creates a media table (from `MEDIA_TABLE`) under a new name on the dynalite at `endpoint`;
 * `indexesUpTo` leaves out the indexes released after the one it names (a table mid-rollout).
 *
 * @example
 * const dynamo = useDynalite();
 * const t = await freshMediaTable(dynamo.endpoint());
 * const repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
 * const beforeSearch = await freshMediaTable(dynamo.endpoint(), { indexesUpTo: REVIEW_INDEX });
 */
export async function freshMediaTable(endpoint: string, table: { indexesUpTo?: string } = {}): Promise<DynaliteTable> {
  tables += 1;
  const tableName = `media-${process.pid}-${tables}`;
  const options = { endpoint, region: 'us-east-1', credentials: DYNALITE_CREDENTIALS };
  const raw = new DynamoDBClient(options);
  const client = new DynamoDBClient(options);
  const sent = recordCommands(client);
  const transactions = emulateTransactions(raw);
  transactions.attach(client);
  const others: DynamoDBClient[] = [];
  await createMediaTable(raw, tableName, table.indexesUpTo === undefined ? {} : { indexesUpTo: table.indexesUpTo });
  return {
    tableName,
    client,
    raw,
    sent,
    names: () => sent.map((c) => c.name),
    anotherClient: () => {
      const other = new DynamoDBClient(options);
      transactions.attach(other);
      others.push(other);
      return other;
    },
    close: () => {
      for (const c of [client, raw, ...others]) c.destroy();
    },
  };
}
