import { InvalidTransitionError } from './errors.js';
import { DAY_MS, moveToTrash, needsProcessingAgain, purgeDueAt, restoreFromTrash } from './trash.js';
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

  it('brings a held item back held, and interrupted processing back to the start of it', () => {
    const held = moveToTrash(makeMediaItem({ status: 'flagged', moderation: { verdict: 'flagged', labels: [] } }), now);
    expect(restoreFromTrash(held, now).status).toBe('flagged');
    const interrupted = restoreFromTrash(moveToTrash(makeMediaItem({ status: 'processing', progress: 0.4 }), now), now);
    expect([interrupted.status, interrupted.progress, needsProcessingAgain(interrupted)]).toEqual(['uploaded', undefined, 'processing']);
    const unchecked = restoreFromTrash(moveToTrash(makeMediaItem({ status: 'ready', moderation: { verdict: 'pending', labels: [] } }), now), now);
    expect(needsProcessingAgain(unchecked)).toBe('tagging');
    const checked = restoreFromTrash(moveToTrash(makeMediaItem({ status: 'ready', moderation: { verdict: 'safe', labels: [], checkedAt: now.toISOString() } }), now), now);
    expect(needsProcessingAgain(checked)).toBeUndefined();
    expect(() => restoreFromTrash(makeMediaItem({ status: 'ready' }), now)).toThrow(InvalidTransitionError);
  });

  it('is due for purge its retention after it went there, and only in the trash', () => {
    const trashed = moveToTrash(makeMediaItem({ status: 'ready' }), now);
    expect(purgeDueAt(trashed, 30)?.getTime()).toBe(now.getTime() + 30 * DAY_MS);
    expect(purgeDueAt(makeMediaItem({ status: 'ready' }), 30)).toBeUndefined();
  });
});
