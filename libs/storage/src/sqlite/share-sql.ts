/**
 * Every statement of the SQLite share-link repository, by name, so the query-plan tests check
 * exactly what runs. Named parameters: `@hash`, `@owner`, `@id`, `@type`, `@target`, `@limit`, `@at`,
 * plus the link's columns in `insert` and `update`.
 *
 * A visitor's lookup is a primary-key read by token hash; everything an owner does goes through
 * the unique (owner, id) index or, for one target's links, the (owner, type, target, id) index.
 */
export const SHARE_SQL = {
  byHash: 'SELECT json FROM share_links WHERE token_hash = @hash',
  hashHeld: 'SELECT 1 FROM share_links WHERE token_hash = @hash',
  get: 'SELECT json FROM share_links WHERE owner_id = @owner AND id = @id',
  state: `SELECT version, token_hash, json_extract(json, '$.lastOpenedAt') AS last_opened_at
    FROM share_links WHERE owner_id = @owner AND id = @id`,
  insert: `INSERT INTO share_links (token_hash, owner_id, id, target_type, target_id, version, json)
    VALUES (@hash, @owner, @id, @type, @target, @version, @json)`,
  update: `UPDATE share_links SET token_hash = @hash, target_type = @type, target_id = @target, version = @version, json = @json
    WHERE owner_id = @owner AND id = @id AND version = @expectedVersion`,
  list: 'SELECT json FROM share_links WHERE owner_id = @owner ORDER BY id DESC LIMIT @limit',
  listByTarget: `SELECT json FROM share_links WHERE owner_id = @owner AND target_type = @type AND target_id = @target
    ORDER BY id DESC LIMIT @limit`,
  /** Only ever forward: a late write of an earlier visit leaves the later one. */
  touch: `UPDATE share_links SET json = json_set(json, '$.lastOpenedAt', @at)
    WHERE owner_id = @owner AND id = @id
      AND (json_extract(json, '$.lastOpenedAt') IS NULL OR json_extract(json, '$.lastOpenedAt') < @at)`,
  delete: 'DELETE FROM share_links WHERE owner_id = @owner AND id = @id',
} as const;
