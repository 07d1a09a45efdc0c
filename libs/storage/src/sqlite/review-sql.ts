/**
 * The moderators' review queue: held, undecided items of every owner in (id, owner) order, after
 * the cursor's pair. The first page starts after ('', ''), which sorts before every key, so both
 * pages are the same range read of the partial index `media_review_queue`, whose WHERE terms the
 * query repeats exactly (SQLite uses a partial index only for queries that imply its WHERE).
 * Parameters: `@afterId`, `@afterOwner`, `@limit`.
 */
export const REVIEW_QUEUE_SQL = `SELECT json FROM media
  WHERE status = 'flagged' AND json_extract(json, '$.moderation.verdict') = 'flagged'
    AND (id, owner_id) > (@afterId, @afterOwner)
  ORDER BY id, owner_id LIMIT @limit`;
