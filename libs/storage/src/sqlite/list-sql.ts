/** Which optional filters a listing has; each shape is one SQL text and one cached statement. */
export interface ListShape {
  kind: boolean;
  status: boolean;
  tag: boolean;
  /** A cursor: only ids below `@after`. */
  after: boolean;
}

/**
 * The SQL of one listing shape, newest first. Parameters: `@owner`, `@kind`, `@status`, `@tag`,
 * `@after`, `@limit` (only those the shape uses).
 *
 * Without a tag it reads `media` through a partial listing index, backwards from `@after`. With a
 * tag it walks the tag index backwards and joins each hit to its item; `CROSS JOIN` pins that loop
 * order (SQLite never reorders a CROSS JOIN), so a tag page costs `limit` lookups whatever the stats.
 * The literal `status NOT IN ('trashed', 'deleted')` must match the partial indexes' WHERE clause for them to apply.
 */
export function listSql(shape: ListShape): string {
  if (shape.tag) {
    return [
      'SELECT m.json AS json FROM media_tags t CROSS JOIN media m ON m.owner_id = t.owner_id AND m.id = t.media_id',
      "WHERE t.owner_id = @owner AND t.tag = @tag AND m.status NOT IN ('trashed', 'deleted')",
      shape.kind ? 'AND m.kind = @kind' : '',
      shape.status ? 'AND m.status = @status' : '',
      shape.after ? 'AND t.media_id < @after' : '',
      'ORDER BY t.media_id DESC LIMIT @limit',
    ]
      .filter((line) => line !== '')
      .join(' ');
  }
  return [
    "SELECT json FROM media WHERE owner_id = @owner AND status NOT IN ('trashed', 'deleted')",
    shape.kind ? 'AND kind = @kind' : '',
    shape.status ? 'AND status = @status' : '',
    shape.after ? 'AND id < @after' : '',
    'ORDER BY id DESC LIMIT @limit',
  ]
    .filter((line) => line !== '')
    .join(' ');
}

/** Every shape, for tests that check each one's query plan. */
export function allListShapes(): ListShape[] {
  const shapes: ListShape[] = [];
  for (let bits = 0; bits < 16; bits += 1) {
    shapes.push({ kind: (bits & 1) !== 0, status: (bits & 2) !== 0, tag: (bits & 4) !== 0, after: (bits & 8) !== 0 });
  }
  return shapes;
}
