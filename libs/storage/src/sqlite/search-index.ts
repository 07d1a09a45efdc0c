import type Database from 'better-sqlite3';
import { isListed, searchDocument, takenAtOf, type MediaItem } from '@mediaflow/domain';
import type { SearchField } from '@mediaflow/domain';
import { SEARCH_COLUMNS, SEARCH_COLUMNS_V4, searchInsertSql } from './search-sql.js';

/**
 * The parameters of `SEARCH_INDEX_SQL.insert` for an item: its rowid in `media` and, per column,
 * the words `searchDocument` folds (letters and digits only, space-separated). The table's `ascii`
 * tokenizer splits them at the spaces and changes nothing else, so the index holds exactly the
 * domain's words.
 */
export function searchRow(doc: number, item: MediaItem, columns: readonly SearchField[] = SEARCH_COLUMNS): Record<string, string | number> {
  const document = searchDocument(item);
  const row: Record<string, string | number> = { doc };
  for (const column of columns) row[column] = document[column].join(' ');
  return row;
}

/**
 * What of an item its search document can depend on, as text to compare: everything except the
 * fields that processing and moderation move all the time and that search never reads. Naming the
 * fields left out (rather than those read) keeps the index right if the document ever reads more:
 * an unknown field can only cause a needless rewrite, never a missed one.
 */
export function indexedPart(item: MediaItem): string {
  const {
    status: _status,
    version: _version,
    updatedAt: _updatedAt,
    renditions: _renditions,
    moderation: _moderation,
    placeholder: _placeholder,
    failure: _failure,
    progress: _progress,
    ...rest
  } = item;
  return JSON.stringify(rest);
}

/** Items read per step of {@link indexStoredItems}, so memory stays bounded however many are stored. */
const BATCH = 500;

/**
 * Calls `each` with every stored item and its rowid, in rowid order, a batch at a time (inside the
 * caller's transaction).
 */
function forEachStoredItem(db: Database.Database, each: (doc: number, item: MediaItem) => void): void {
  const read = db.prepare('SELECT rowid AS doc, json FROM media WHERE rowid > ? ORDER BY rowid LIMIT ?');
  let after = 0;
  for (;;) {
    const rows = read.all(after, BATCH) as { doc: number; json: string }[];
    for (const row of rows) {
      each(row.doc, JSON.parse(row.json) as MediaItem);
      after = row.doc;
    }
    if (rows.length < BATCH) break;
  }
}

/**
 * Migration 4's step in JavaScript (the domain folds words in JavaScript): sets `taken_at` of every
 * stored item and indexes the listed ones into the columns migration 4 made, in rowid order, a
 * batch at a time, inside the migration's transaction.
 *
 * Setting a derived column is no edit of the items (their JSON stays as it is), so the trigger that
 * moves owners' revisions on every update is set aside meanwhile and put back from its own stored
 * text: cached pages stay valid, and the backfill does not pay an upsert per item.
 */
export function indexStoredItems(db: Database.Database): void {
  const revisionTrigger = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'media_revision_update'").get() as
    | { sql: string }
    | undefined;
  if (revisionTrigger !== undefined) db.exec('DROP TRIGGER media_revision_update');
  const setTakenAt = db.prepare('UPDATE media SET taken_at = ? WHERE rowid = ?');
  const insert = db.prepare(searchInsertSql(SEARCH_COLUMNS_V4));
  forEachStoredItem(db, (doc, item) => {
    setTakenAt.run(takenAtOf(item), doc);
    if (isListed(item.status)) insert.run(searchRow(doc, item, SEARCH_COLUMNS_V4));
  });
  if (revisionTrigger !== undefined) db.exec(revisionTrigger.sql);
}

/**
 * Migration 9's step: indexes every listed stored item again into the recreated full-text table
 * (every column, `text` included), in rowid order, a batch at a time, inside the migration's
 * transaction. Only the index is written, never a media row, so no owner's revision moves.
 */
export function reindexStoredItems(db: Database.Database): void {
  const insert = db.prepare(searchInsertSql(SEARCH_COLUMNS));
  forEachStoredItem(db, (doc, item) => {
    if (isListed(item.status)) insert.run(searchRow(doc, item));
  });
}
