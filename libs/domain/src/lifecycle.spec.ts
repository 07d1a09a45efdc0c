import { InvalidTransitionError, MediaError } from './errors.js';
import { applyAction, canTransition, isSettled, MEDIA_ACTIONS, reviseItem, transition, type MediaAction } from './lifecycle.js';
import { MediaStatusSchema, type MediaStatus } from './media.js';
import { makeMediaItem } from './testing/fixtures.js';

// The whole lifecycle, written out once by hand: every pair not listed here must be refused.
const LEGAL: Record<string, MediaStatus> = {
  'uploading + upload.completed': 'uploaded',
  'uploading + processing.failed': 'failed',
  'uploading + deleted': 'deleted',
  'uploaded + processing.started': 'processing',
  'uploaded + processing.failed': 'failed',
  'uploaded + deleted': 'deleted',
  'processing + processing.succeeded': 'ready',
  'processing + processing.failed': 'failed',
  'processing + moderation.flagged': 'flagged',
  'processing + deleted': 'deleted',
  'ready + moderation.flagged': 'flagged',
  'ready + reprocess.requested': 'processing',
  'ready + deleted': 'deleted',
  'failed + reprocess.requested': 'processing',
  'failed + deleted': 'deleted',
  'flagged + moderation.released': 'ready',
  'flagged + deleted': 'deleted',
  'ready + trashed': 'trashed',
  'failed + trashed': 'trashed',
  'flagged + trashed': 'trashed',
  'trashed + deleted': 'deleted',
};

const ALL_PAIRS: [MediaStatus, MediaAction][] = MediaStatusSchema.options.flatMap((s) =>
  MEDIA_ACTIONS.map((a) => [s, a] as [MediaStatus, MediaAction]),
);

describe('transition', () => {
  it('covers 8 statuses x 9 actions', () => {
    expect(ALL_PAIRS).toHaveLength(72);
  });

  it.each(ALL_PAIRS.filter(([s, a]) => `${s} + ${a}` in LEGAL))('allows %s + %s', (status, action) => {
    expect(transition(status, action)).toBe(LEGAL[`${status} + ${action}`]);
    expect(canTransition(status, action)).toBe(true);
  });

  it.each(ALL_PAIRS.filter(([s, a]) => !(`${s} + ${a}` in LEGAL)))('refuses %s + %s with a typed error', (status, action) => {
    expect(canTransition(status, action)).toBe(false);
    let thrown: unknown;
    try {
      transition(status, action);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidTransitionError);
    expect(thrown).toBeInstanceOf(MediaError);
    expect((thrown as InvalidTransitionError).code).toBe('invalid_transition');
    expect((thrown as InvalidTransitionError).details).toEqual({ from: status, action });
  });

  it('makes deleted terminal', () => {
    for (const action of MEDIA_ACTIONS) expect(canTransition('deleted', action)).toBe(false);
  });

  it('walks the happy path', () => {
    let s: MediaStatus = 'uploading';
    for (const a of ['upload.completed', 'processing.started', 'processing.succeeded'] as const) s = transition(s, a);
    expect(s).toBe('ready');
  });
});

describe('applyAction', () => {
  const now = new Date('2026-03-01T10:00:00.000Z');

  it('sets the status, bumps the version and the update time, and keeps identity', () => {
    const item = makeMediaItem({ status: 'uploaded', version: 3 });
    const next = applyAction(item, 'processing.started', now, { progress: 0 });
    expect(next).toMatchObject({ id: item.id, ownerId: item.ownerId, status: 'processing', version: 4, progress: 0 });
    expect(next.updatedAt).toBe(now.toISOString());
    expect(next.createdAt).toBe(item.createdAt);
    expect(item.status).toBe('uploaded');
  });

  it('records a failure only on failed items and clears it when reprocessed', () => {
    const failed = applyAction(makeMediaItem({ status: 'processing' }), 'processing.failed', now, {
      failure: { code: 'corrupt', reason: 'truncated JPEG', stage: 'image' },
    });
    expect(failed.failure?.reason).toBe('truncated JPEG');
    const again = applyAction(failed, 'reprocess.requested', now);
    expect(again.failure).toBeUndefined();
    expect(again.status).toBe('processing');
  });

  it('drops progress once processing ends', () => {
    const running = makeMediaItem({ status: 'processing', progress: 0.5 });
    expect(applyAction(running, 'processing.succeeded', now).progress).toBeUndefined();
  });

  it('throws on an illegal step and leaves the item alone', () => {
    const item = makeMediaItem({ status: 'ready' });
    expect(() => applyAction(item, 'upload.completed', now)).toThrow(InvalidTransitionError);
    expect(item.status).toBe('ready');
  });
});

describe('isSettled', () => {
  it.each([
    ['uploading', false],
    ['uploaded', false],
    ['processing', false],
    ['ready', true],
    ['failed', true],
    ['flagged', true],
    ['trashed', true],
    ['deleted', true],
  ] as const)('%s -> %s', (status, settled) => {
    expect(isSettled(status)).toBe(settled);
  });
});

describe('reviseItem', () => {
  const now = new Date('2026-12-06T10:00:00.000Z');

  it('bumps the version and updatedAt, keeps the status, sets and removes fields', () => {
    const item = makeMediaItem({ status: 'processing', version: 4, title: 'Old', progress: 0.1 });
    const next = reviseItem(item, now, { progress: 0.5, title: undefined, facts: { width: 10 } });
    expect(next).toMatchObject({ status: 'processing', version: 5, updatedAt: now.toISOString(), progress: 0.5, facts: { width: 10 } });
    expect('title' in next).toBe(false);
    expect(item).toMatchObject({ version: 4, title: 'Old', progress: 0.1 });
  });
});
