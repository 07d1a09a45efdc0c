import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { MessageAttributes } from '@mediaflow/domain';
import { configureConnection, migrate } from './schema.js';

/** A message as stored, before it is shaped for a caller. */
export interface MessageRow {
  seq: number;
  id: string;
  body: string;
  attributes: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  receipt: string | null;
  dead_letter_source: string | null;
  dead_letter_receives: number | null;
  dead_lettered_at: number | null;
}

export interface NewMessage {
  queue: string;
  body: string;
  attributes: MessageAttributes;
  delayMs: number;
}

export interface ClaimRequest {
  queue: string;
  max: number;
  visibilityMs: number;
  /** Set when the queue redrives: messages received this many times move to `deadLetter.queue`. */
  deadLetter?: { queue: string; maxReceives: number };
}

export interface Depth {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface StoreOptions {
  busyTimeoutMs: number;
  synchronous: 'normal' | 'full';
}

/**
 * The SQL behind the queues: one connection, prepared statements, and the transactions that make
 * each operation atomic across every process sharing the file. Synchronous on purpose: better-sqlite3
 * runs a statement to completion, so nothing interleaves inside one process, and `BEGIN IMMEDIATE`
 * (with the busy timeout) serialises writers across processes.
 */
export class QueueStore {
  private readonly db: Database.Database;
  private readonly statements: Statements;
  private readonly transactions: Transactions;

  constructor(path: string, options: StoreOptions) {
    this.db = new Database(path);
    try {
      configureConnection(this.db, options);
      migrate(this.db);
      this.statements = prepareStatements(this.db);
      this.transactions = prepareTransactions(this.db, this.statements);
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  get open(): boolean {
    return this.db.open;
  }

  /** Stores the messages in one transaction; returns their ids. */
  send(messages: readonly NewMessage[], now: number): string[] {
    return this.transactions.send.immediate(messages, now);
  }

  /** Moves exhausted messages to the dead-letter queue, then claims up to `max` visible ones. */
  claim(request: ClaimRequest, now: number): { rows: MessageRow[]; moved: number } {
    return this.transactions.claim.immediate(request, now);
  }

  /** Deletes a claimed message; false when the receipt is stale. */
  ack(queue: string, receipt: string, now: number): boolean {
    return this.statements.ack.run({ queue, receipt, now }).changes === 1;
  }

  /** Makes a claimed message visible at `visibleAt`; false when the receipt is stale. */
  release(queue: string, receipt: string, now: number, visibleAt: number): boolean {
    return this.statements.release.run({ queue, receipt, now, visibleAt }).changes === 1;
  }

  /** Keeps a claimed message hidden until `visibleAt`; false when the receipt is stale. */
  changeVisibility(queue: string, receipt: string, now: number, visibleAt: number): boolean {
    return this.statements.changeVisibility.run({ queue, receipt, now, visibleAt }).changes === 1;
  }

  depth(queue: string, now: number): Depth {
    const row = this.statements.depth.get({ queue, now });
    return { visible: row?.visible ?? 0, inFlight: row?.inFlight ?? 0, delayed: row?.delayed ?? 0 };
  }

  /** Messages in storage order, after the message `afterId` when given. */
  list(queue: string, limit: number, afterId?: string): MessageRow[] {
    let afterSeq = 0;
    if (afterId !== undefined) afterSeq = this.statements.seqOf.get({ queue, id: afterId })?.seq ?? Number.MAX_SAFE_INTEGER;
    return this.statements.list.all({ queue, limit, afterSeq });
  }

  /** Moves up to `max` messages that are not in flight from one queue to another, oldest first. */
  redrive(from: string, to: string, max: number, now: number): number {
    return this.transactions.redrive.immediate(from, to, max, now);
  }

  /** Deletes every message of the queue that is not in flight. */
  purge(queue: string, now: number): number {
    return this.statements.purge.run({ queue, now }).changes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

type Statements = ReturnType<typeof prepareStatements>;
type Transactions = ReturnType<typeof prepareTransactions>;

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<[{ id: string; queue: string; body: string; attributes: string; now: number; visibleAt: number }]>(
      `INSERT INTO queue_messages (id, queue, body, attributes, sent_at, visible_at)
       VALUES (@id, @queue, @body, @attributes, @now, @visibleAt)`,
    ),
    // Exhausted messages move in place: the dead-letter queue is another name in the same table.
    moveExhausted: db.prepare<[{ queue: string; deadLetter: string; maxReceives: number; now: number }]>(
      `UPDATE queue_messages
          SET queue = @deadLetter, visible_at = @now, receipt = NULL, receive_count = 0,
              dead_letter_source = @queue, dead_letter_receives = receive_count, dead_lettered_at = @now
        WHERE queue = @queue AND visible_at <= @now AND receive_count >= @maxReceives`,
    ),
    // One statement picks and claims, so a message is claimed by exactly one receiver.
    claim: db.prepare<[{ queue: string; max: number; now: number; until: number }], MessageRow>(
      `UPDATE queue_messages
          SET receive_count = receive_count + 1, visible_at = @until, receipt = lower(hex(randomblob(16)))
        WHERE seq IN (SELECT seq FROM queue_messages
                       WHERE queue = @queue AND visible_at <= @now
                       ORDER BY visible_at, seq LIMIT @max)
        RETURNING *`,
    ),
    ack: db.prepare<[{ queue: string; receipt: string; now: number }]>(
      'DELETE FROM queue_messages WHERE queue = @queue AND receipt = @receipt AND visible_at > @now',
    ),
    release: db.prepare<[{ queue: string; receipt: string; now: number; visibleAt: number }]>(
      `UPDATE queue_messages SET receipt = NULL, visible_at = @visibleAt
        WHERE queue = @queue AND receipt = @receipt AND visible_at > @now`,
    ),
    changeVisibility: db.prepare<[{ queue: string; receipt: string; now: number; visibleAt: number }]>(
      `UPDATE queue_messages SET visible_at = @visibleAt
        WHERE queue = @queue AND receipt = @receipt AND visible_at > @now`,
    ),
    depth: db.prepare<[{ queue: string; now: number }], { visible: number | null; inFlight: number | null; delayed: number | null }>(
      `SELECT sum(visible_at <= @now) AS visible,
              sum(visible_at > @now AND receipt IS NOT NULL) AS inFlight,
              sum(visible_at > @now AND receipt IS NULL) AS delayed
         FROM queue_messages WHERE queue = @queue`,
    ),
    list: db.prepare<[{ queue: string; limit: number; afterSeq: number }], MessageRow>(
      'SELECT * FROM queue_messages WHERE queue = @queue AND seq > @afterSeq ORDER BY seq LIMIT @limit',
    ),
    seqOf: db.prepare<[{ queue: string; id: string }], { seq: number }>(
      'SELECT seq FROM queue_messages WHERE queue = @queue AND id = @id',
    ),
    // Messages in flight stay where they are: someone is working on them.
    redrive: db.prepare<[{ from: string; to: string; now: number; max: number }]>(
      `UPDATE queue_messages
          SET queue = @to, visible_at = @now, receipt = NULL, receive_count = 0,
              dead_letter_source = NULL, dead_letter_receives = NULL, dead_lettered_at = NULL
        WHERE seq IN (SELECT seq FROM queue_messages
                       WHERE queue = @from AND (visible_at <= @now OR receipt IS NULL)
                       ORDER BY seq LIMIT @max)`,
    ),
    purge: db.prepare<[{ queue: string; now: number }]>(
      'DELETE FROM queue_messages WHERE queue = @queue AND (visible_at <= @now OR receipt IS NULL)',
    ),
  };
}

function prepareTransactions(db: Database.Database, s: Statements) {
  return {
    claim: db.transaction((request: ClaimRequest, now: number): { rows: MessageRow[]; moved: number } => {
      let moved = 0;
      if (request.deadLetter) {
        const { queue: deadLetter, maxReceives } = request.deadLetter;
        moved = s.moveExhausted.run({ queue: request.queue, deadLetter, maxReceives, now }).changes;
      }
      const rows = s.claim.all({ queue: request.queue, max: request.max, now, until: now + request.visibilityMs });
      // RETURNING gives no order guarantee; hand them out oldest first.
      rows.sort((a, b) => a.seq - b.seq);
      return { rows, moved };
    }),
    send: db.transaction((messages: readonly NewMessage[], now: number): string[] =>
      messages.map((m) => {
        const id = randomUUID();
        const attributes = JSON.stringify(m.attributes);
        s.insert.run({ id, queue: m.queue, body: m.body, attributes, now, visibleAt: now + m.delayMs });
        return id;
      }),
    ),
    redrive: db.transaction((from: string, to: string, max: number, now: number): number =>
      s.redrive.run({ from, to, now, max }).changes,
    ),
  };
}
