import type { TableSpec } from '../../specs.js';
import type { SimAccount } from '../../types.js';

interface KnownTable {
  arn: string;
  keyNames: string[];
}

/**
 * The stage's tables by name: their ARNs (for IAM) and key attribute names (to tell two actions of a
 * transaction on one item apart).
 */
export class TableCatalog {
  private readonly tables = new Map<string, KnownTable>();

  constructor(
    specs: TableSpec[],
    private readonly account: SimAccount,
  ) {
    for (const spec of specs) this.tables.set(spec.name, { arn: spec.arn, keyNames: keyNamesOf(spec.createTable) });
  }

  has(name: string): boolean {
    return this.tables.has(name);
  }

  /** The table's ARN; for a table the stage does not have, the ARN it would have in this account. */
  arn(name: string): string {
    const { partition, region, accountId } = this.account;
    return this.tables.get(name)?.arn ?? `arn:${partition}:dynamodb:${region}:${accountId}:table/${name}`;
  }

  keyNames(name: string): string[] | undefined {
    return this.tables.get(name)?.keyNames;
  }

  add(name: string, createTable: Record<string, unknown>): void {
    this.tables.set(name, { arn: this.arn(name), keyNames: keyNamesOf(createTable) });
  }

  remove(name: string): void {
    this.tables.delete(name);
  }
}

function keyNamesOf(createTable: Record<string, unknown>): string[] {
  const schema = createTable['KeySchema'];
  if (!Array.isArray(schema)) return [];
  return schema
    .map((element: unknown) => (element as { AttributeName?: unknown }).AttributeName)
    .filter((name): name is string => typeof name === 'string');
}
