import { InvalidTransitionError } from './errors.js';
import { DAY_MS, moveToTrash, needsTaggingAgain, purgeDueAt, restoreFromTrash } from './trash.js';
import { makeMediaItem } from './testing/fixtures.js';

const now = new Date('2026-03-01T10:00:00.000Z');

describe('the trash', () => {
  it('keeps what the item was, its failure included, and refuses uploads in flight and items already gone', () => {
    const failed = makeMediaItem({ status: 'failed', failure: { code: 'corrupt', reason: 'bad bytes', stage: 'image' }, version: 3 });
    const trashed = moveToTrash(failed, now);
    expect(trashed).toMatchObject({ status: 'trashed', trash: { at: now.toISOString(), from: 'failed' }, failure: failed.failure, version: 4, updatedAt: now.toISOString() });
    expect(() => moveToTrash(makeMediaItem({ status: 'uploading' }), now)).toThrow(InvalidTransitionError);
    expect(() => moveToTrash(trashed, now)).toThrow(InvalidTransitionError);
    expect(() => moveToTrash(makeMediaItem({ status: 'deleted' }), now)).toThrow(InvalidTransitionError);
    expect(restoreFromTrash(trashed, now)).toMatchObject({ status: 'failed', failure: failed.failure, version: 5 });
    expect(restoreFromTrash(trashed, now).trash).toBeUndefined();
  });

  it('brings a held item back held, refuses items still being processed, and knows what was never checked', () => {
    const held = moveToTrash(makeMediaItem({ status: 'flagged', moderation: { verdict: 'flagged', labels: [] } }), now);
    expect(restoreFromTrash(held, now).status).toBe('flagged');
    expect(() => moveToTrash(makeMediaItem({ status: 'processing', progress: 0.4 }), now)).toThrow(InvalidTransitionError);
    expect(() => moveToTrash(makeMediaItem({ status: 'uploaded' }), now)).toThrow(InvalidTransitionError);
    const unchecked = restoreFromTrash(moveToTrash(makeMediaItem({ status: 'ready', moderation: { verdict: 'pending', labels: [] } }), now), now);
    expect(needsTaggingAgain(unchecked)).toBe(true);
    const checked = restoreFromTrash(moveToTrash(makeMediaItem({ status: 'ready', moderation: { verdict: 'safe', labels: [], checkedAt: now.toISOString() } }), now), now);
    expect(needsTaggingAgain(checked)).toBe(false);
    expect(() => restoreFromTrash(makeMediaItem({ status: 'ready' }), now)).toThrow(InvalidTransitionError);
  });

  it('is due for purge its retention after it went there, and only in the trash', () => {
    const trashed = moveToTrash(makeMediaItem({ status: 'ready' }), now);
    expect(purgeDueAt(trashed, 30)?.getTime()).toBe(now.getTime() + 30 * DAY_MS);
    expect(purgeDueAt(makeMediaItem({ status: 'ready' }), 30)).toBeUndefined();
  });
});
