import type Database from 'better-sqlite3';
import { TimeoutError } from '@mediaflow/domain';

/**
 * By name and code rather than `instanceof`: the native addon keeps the error class (and realm) of
 * the first copy of better-sqlite3 loaded in the process, which need not be this one (jest loads a
 * fresh copy, in a fresh realm, per test file into the same process).
 */
function isBusy(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * One open database and what every repository on it shares: the prepared-statement cache, the
 * transaction helpers and the busy-to-`TimeoutError` rule. The media, album and share-link
 * repositories of one file use one session, so one connection serialises all their writes.
 */
export class SqliteSession {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  /** The statement for `sql`, prepared on first use and reused after. */
  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Wraps `fn` in a `BEGIN IMMEDIATE` transaction: the write lock is taken before any read. */
  immediate<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const tx = this.db.transaction(fn);
    return (...args: A) => tx.immediate(...args);
  }

  /** Wraps reads in a deferred transaction, so they see one snapshot of the file (WAL readers never wait). */
  snapshot<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const tx = this.db.transaction(fn);
    return (...args: A) => tx.deferred(...args);
  }

  /** Runs a database call, turning "still locked after the busy timeout" into a `TimeoutError`. */
  guard<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (isBusy(error)) throw new TimeoutError(`the media database stayed locked during ${what}`, { cause: error });
      throw error;
    }
  }

  /** Forgets the prepared statements (before the database closes). */
  clear(): void {
    this.statements.clear();
  }
}
