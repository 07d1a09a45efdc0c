/**
 * The usage report as plain text for a terminal: one section per role, each with aligned columns,
 * so a run's output can be read (and diffed) without tooling.
 */
import type { RoleUsage } from './usage.js';

/** Left-aligned columns separated by two spaces; the last column is not padded. */
function table(header: readonly string[], rows: readonly (readonly string[])[], indent: string): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    indent +
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * Renders the report of `PermissionLedger.report`.
 *
 * @example
 * console.log(formatReport(ledger.report(stage.roles)));
 */
export function formatReport(usage: readonly RoleUsage[]): string {
  const lines: string[] = [];
  for (const role of usage) {
    if (lines.length > 0) lines.push('');
    lines.push(`${role.roleName}  ${role.roleArn}`);
    if (role.denied.length === 0) lines.push('  denied: none');
    else {
      lines.push(`  denied (${role.denied.length}):`);
      lines.push(
        ...table(
          ['ACTION', 'RESOURCE', 'REASON', 'COUNT'],
          role.denied.map((call) => [call.action, call.resource, call.reason, String(call.count)]),
          '    ',
        ),
      );
    }
    if (role.unusedGrants.length === 0) lines.push('  unused grants: none');
    else {
      lines.push(`  unused grants (${role.unusedGrants.length}):`);
      lines.push(
        ...table(
          ['POLICY', 'SID', 'ACTION', 'RESOURCES'],
          role.unusedGrants.map((grant) => [grant.policy, grant.sid ?? '-', grant.action, grant.resources.join(', ')]),
          '    ',
        ),
      );
    }
  }
  return lines.join('\n');
}
