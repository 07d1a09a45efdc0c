import { LISTED_STATUSES, MediaStatusSchema, UNLISTED_STATUSES } from '@mediaflow/domain';
import { allListShapes, listSql } from './list-sql.js';

describe('listSql', () => {
  it('builds one statement per shape, every one scoped by owner and newest first', () => {
    const statements = allListShapes().map(listSql);
    expect(new Set(statements).size).toBe(16);
    for (const sql of statements) {
      expect(sql).toMatch(/owner_id = @owner/);
      expect(sql).toMatch(/ORDER BY (t\.media_id|id) DESC LIMIT @limit$/);
    }
  });

  it('hides exactly the statuses the domain does not list', () => {
    // The SQL (and the partial indexes) say `status NOT IN ('trashed', 'deleted')`; the domain says LISTED_STATUSES.
    // If the domain ever hides another status, this fails and the schema needs a migration.
    for (const sql of allListShapes().map(listSql)) expect(sql).toContain("status NOT IN ('trashed', 'deleted')");
    expect([...LISTED_STATUSES].sort()).toEqual(MediaStatusSchema.options.filter((s) => !(UNLISTED_STATUSES as readonly string[]).includes(s)).sort());
    expect([...UNLISTED_STATUSES].sort()).toEqual(['deleted', 'trashed']);
  });
});
