import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ListQuerySchema } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { allListShapes, listSql, type ListShape } from './list-sql.js';
import { SqliteMediaRepository } from './sqlite-media-repository.js';

/**
 * The listing must stay one index range scan however many items an owner has: checked on the
 * query plans SQLite actually picks for 100,000 items, with and without planner statistics.
 */
describe('listing query plans with 100,000 items for one owner', () => {
  let dir: string;
  let repo: SqliteMediaRepository;
  let db: Database.Database;
  const ids: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-sqlite-plan-'));
    const filename = join(dir, 'media.db');
    repo = new SqliteMediaRepository({ filename });
    db = new Database(filename);
    const base = makeMediaItem({ ownerId: 'big', status: 'ready' });
    const insert = db.prepare(
      `INSERT INTO media (owner_id, id, status, kind, version, sha256, created_at, updated_at, json)
       VALUES (?, ?, ?, ?, 1, NULL, ?, ?, ?)`,
    );
    const tag = db.prepare('INSERT INTO media_tags (owner_id, tag, media_id) VALUES (?, ?, ?)');
    const kinds = ['image', 'video', 'audio', 'document'];
    // Bulk-loaded in one transaction: the point here is the shape of the data, not the write path.
    db.transaction(() => {
      for (const owner of ['big', 'small-1', 'small-2']) {
        const count = owner === 'big' ? 100_000 : 500;
        for (let i = 0; i < count; i += 1) {
          const id = `01JQ${String(i).padStart(22, '0')}`;
          const item = { ...base, ownerId: owner, id, kind: kinds[i % 4], status: i % 20 === 0 ? 'deleted' : 'ready' };
          insert.run(owner, id, item.status, item.kind, base.createdAt, base.updatedAt, JSON.stringify(item));
          if (i % 3 === 0) tag.run(owner, 'dog', id);
          if (owner === 'big' && item.status !== 'deleted') ids.push(id);
        }
      }
    })();
    ids.reverse();
  }, 60_000);

  afterAll(async () => {
    db.close();
    repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  function plan(shape: ListShape): string[] {
    const params: Record<string, string | number> = { owner: 'big', limit: 51 };
    if (shape.kind) params['kind'] = 'video';
    if (shape.status) params['status'] = 'ready';
    if (shape.tag) params['tag'] = 'dog';
    if (shape.after) params['after'] = '01JQ0000000000000000050000';
    return (db.prepare(`EXPLAIN QUERY PLAN ${listSql(shape)}`).all(params) as { detail: string }[]).map((row) => row.detail);
  }

  function expectRangeScans(): void {
    for (const shape of allListShapes()) {
      const details = plan(shape);
      const described = `${JSON.stringify(shape)}: ${details.join(' | ')}`;
      // No full scans, no sorting: newest-first pages come straight off an index.
      expect({ described, scans: details.filter((d) => d.startsWith('SCAN') || d.includes('TEMP B-TREE')) }).toEqual({ described, scans: [] });
      if (shape.tag) {
        expect(details[0]).toMatch(/^SEARCH t USING PRIMARY KEY \(owner_id=\? AND tag=\?/);
        // Then one point lookup per hit (by the primary key or a listing index holding the same id).
        expect(details[1]).toMatch(/^SEARCH m USING INDEX \S+ \(owner_id=\? AND ((kind|status)=\? AND )?id=\?\)$/);
      } else {
        expect(details).toHaveLength(1);
        expect(details[0]).toMatch(/^SEARCH media USING INDEX (media_listed|media_listed_by_kind|media_listed_by_status|sqlite_autoindex_media_1) \(owner_id=\?/);
      }
    }
  }

  it('uses an index range scan for every listing shape, before statistics exist', () => {
    expectRangeScans();
  });

  it('still does after ANALYZE', () => {
    db.exec('ANALYZE');
    expectRangeScans();
  });

  it('pages through the newest items correctly', async () => {
    const first = await repo.list('big', ListQuerySchema.parse({ limit: 50 }));
    expect(first.items.map((i) => i.id)).toEqual(ids.slice(0, 50));
    const second = await repo.list('big', ListQuerySchema.parse({ limit: 50, cursor: first.nextCursor }));
    expect(second.items.map((i) => i.id)).toEqual(ids.slice(50, 100));
    expect((await repo.list('small-1', ListQuerySchema.parse({ limit: 50 }))).items).toHaveLength(50);
  });
});
