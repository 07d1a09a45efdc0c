import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeMediaItem, mediaChangeFeedContract } from '@mediaflow/domain/testing';
import { SqliteMediaChangeFeed } from './sqlite-change-feed.js';
import { SqliteMediaRepository } from './sqlite-media-repository.js';
import { sqliteOnFile } from './testing/sqlite-file.js';

// The feed on its own connection, as another process would read the file the repository writes.
mediaChangeFeedContract('sqlite', async () => {
  const { repo, filename, close } = await sqliteOnFile('mf-sqlite-changes-');
  const feed = new SqliteMediaChangeFeed({ filename });
  return {
    repo,
    feed,
    close: async () => {
      feed.close();
      await close();
    },
  };
});

describe('SqliteMediaChangeFeed', () => {
  let dir: string;
  let filename: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-sqlite-change-log-'));
    filename = join(dir, 'media.db');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sees what another connection commits, on its next read, and nothing of a write still in flight', async () => {
    const feed = new SqliteMediaChangeFeed({ filename });
    const writer = new SqliteMediaRepository({ filename });
    const raw = new Database(filename);
    try {
      const start = await feed.head();
      const item = await writer.create(makeMediaItem({ ownerId: 'alice' }));
      const seen = await feed.changesAfter('alice', start, 10);
      expect(seen.changes).toEqual([{ sequence: start + 1, ownerId: 'alice', mediaId: item.id, type: 'created' }]);

      // A transaction not yet committed on a third connection is not in the log; once it commits, it is.
      raw.exec('BEGIN IMMEDIATE');
      raw.prepare("UPDATE media SET status = 'uploaded', version = 2 WHERE owner_id = 'alice' AND id = ?").run(item.id);
      expect((await feed.changesAfter('alice', seen.next, 10)).changes).toEqual([]);
      raw.exec('COMMIT');
      expect((await feed.changesAfter('alice', seen.next, 10)).changes).toEqual([{ sequence: seen.next + 1, ownerId: 'alice', mediaId: item.id, type: 'updated' }]);

      // A rewrite that moves neither the status nor the version is no change of the feed's.
      raw.prepare("UPDATE media SET json = json WHERE owner_id = 'alice' AND id = ?").run(item.id);
      expect(await feed.head()).toBe(seen.next + 1);
    } finally {
      raw.close();
      writer.close();
      feed.close();
    }
  });

  it('keeps the newest 10,000 changes: an older sequence is expired, a recent one resumes', async () => {
    const repo = new SqliteMediaRepository({ filename });
    const feed = new SqliteMediaChangeFeed({ filename });
    const raw = new Database(filename);
    try {
      const mine = await repo.create(makeMediaItem({ ownerId: 'alice' }));
      const theirs = await repo.create(makeMediaItem({ ownerId: 'bob' }));
      // 10,100 updates of bob's item through the real triggers, in one transaction (fast).
      const bump = raw.prepare("UPDATE media SET version = version + 1 WHERE owner_id = 'bob' AND id = ?");
      raw.transaction(() => {
        for (let i = 0; i < 10_100; i += 1) bump.run(theirs.id);
      })();
      await repo.update({ ...mine, status: 'uploaded', version: 2 }, 1);

      const head = await feed.head();
      expect(head).toBe(10_103);
      const kept = raw.prepare('SELECT count(*) AS n, min(seq) AS oldest FROM media_changes').get() as { n: number; oldest: number };
      expect(kept).toEqual({ n: 10_000, oldest: head - 9_999 });

      // alice's creation (sequence 1) is gone: a reader from 0 cannot know what it missed.
      const fromStart = await feed.changesAfter('alice', 0, 10);
      expect(fromStart.expired).toBe(true);
      expect(fromStart.changes.map((c) => c.sequence)).toEqual([head]);
      expect((await feed.changesAfter('alice', kept.oldest - 2, 10)).expired).toBe(true);
      // From just before the oldest kept row, nothing is missing.
      const resumed = await feed.changesAfter('alice', kept.oldest - 1, 10);
      expect(resumed).toEqual({ changes: [{ sequence: head, ownerId: 'alice', mediaId: mine.id, type: 'updated' }], next: head, expired: false });
      const recent = await feed.changesAfter('bob', head - 4, 10);
      expect(recent.changes.map((c) => c.sequence)).toEqual([head - 3, head - 2, head - 1]);
      expect(recent.expired).toBe(false);
    } finally {
      raw.close();
      feed.close();
      repo.close();
    }
  });

  it('brings a fresh file up to date when it opens first, and closes idempotently', async () => {
    const feed = new SqliteMediaChangeFeed({ filename });
    expect(await feed.head()).toBe(0);
    const repo = new SqliteMediaRepository({ filename });
    await repo.delete('alice', 'nothing');
    const item = await repo.create(makeMediaItem({ ownerId: 'alice' }));
    await repo.delete('alice', item.id);
    expect((await feed.changesAfter('alice', 0, 10)).changes.map((c) => c.type)).toEqual(['created', 'deleted']);
    repo.close();
    feed.close();
    feed.close();
    expect(() => new SqliteMediaChangeFeed({ filename, busyTimeoutMs: -1 })).toThrow('busyTimeoutMs');
  });
});
