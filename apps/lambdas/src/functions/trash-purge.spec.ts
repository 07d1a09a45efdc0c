import { addAlbumItems, createAlbum, restoreMedia, trashMedia } from '@mediaflow/media-service';
import { makeMediaItem } from '@mediaflow/domain/testing';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { lambdaContext, memoryRuntime } from '../test-support.js';
import { createTrashPurgeHandler, PURGE_DEFAULTS } from './trash-purge.js';

const DAY_MS = 24 * 3600 * 1000;

/** What EventBridge hands a schedule's target. */
function scheduled(id = 'e0d5c3f2-9b1a-4c6d-8e7f-0a1b2c3d4e5f'): ScheduledEvent {
  return {
    version: '0',
    id,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2026-07-02T00:00:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:events:eu-west-1:123456789012:rule/mediaflow-trash-purge'],
    detail: {},
  };
}

/** A context whose remaining time falls by `perCallMs` each time it is asked. */
function timedContext(remainingMs: number, perCallMs = 0): Context {
  let left = remainingMs;
  return {
    ...lambdaContext('trash-purge'),
    getRemainingTimeInMillis: () => {
      const now = left;
      left -= perCallMs;
      return now;
    },
  };
}

/** A run that has all of its 15 minutes ahead. */
const fullRun = (): Context => timedContext(900_000);

async function readyItem(deps: ReturnType<typeof memoryRuntime>['deps'], ownerId: string) {
  const item = await deps.repo.create(makeMediaItem({ ownerId, kind: 'image', status: 'ready' }));
  await deps.store.put(item.original.key, Buffer.from('original bytes'), { contentType: 'image/jpeg' });
  await deps.store.put(`renditions/${ownerId}/${item.id}/small.webp`, Buffer.from('rendition'), { contentType: 'image/webp' });
  return item;
}

describe('trash-purge function (EventBridge schedule)', () => {
  it('deletes for good what has been in the trash past the retention, of every owner, and keeps the rest', async () => {
    const { runtime, deps, clock, bus } = memoryRuntime('trash-purge');
    const old = await readyItem(deps, 'alice');
    const bobs = await readyItem(deps, 'bob');
    const recent = await readyItem(deps, 'alice');
    const kept = await readyItem(deps, 'alice');
    const album = await createAlbum(deps, 'alice', { name: 'Summer' });
    await addAlbumItems(deps, 'alice', album.id, { mediaIds: [old.id, kept.id] });
    await trashMedia(deps, 'alice', old.id);
    await trashMedia(deps, 'bob', bobs.id);
    clock.advance((deps.config.trashRetentionDays - 1) * DAY_MS);
    await trashMedia(deps, 'alice', recent.id);
    clock.advance(2 * DAY_MS);

    const run = await createTrashPurgeHandler(runtime)(scheduled(), fullRun());

    expect(run).toEqual({ purged: 2, batches: 1, done: true });
    expect(await deps.repo.get('alice', old.id)).toBeUndefined();
    expect(await deps.repo.get('bob', bobs.id)).toBeUndefined();
    expect(await deps.store.head(old.original.key)).toBeUndefined();
    expect(await deps.store.head(`renditions/alice/${old.id}/small.webp`)).toBeUndefined();
    // Trashed a day short of the retention, and never trashed: both stay, with their bytes.
    expect(await deps.repo.get('alice', recent.id)).toMatchObject({ status: 'trashed' });
    expect(await deps.store.head(recent.original.key)).toBeDefined();
    expect(await deps.repo.get('alice', kept.id)).toMatchObject({ status: 'ready' });
    // The album forgot the purged item only.
    const members = await deps.albums.listItems('alice', album.id, { order: 'asc', limit: 10 });
    expect(members.items.map((m) => m.mediaId)).toEqual([kept.id]);
    expect(bus.published.filter((e) => e.type === 'media.deleted').map((e) => e.mediaId).sort()).toEqual([old.id, bobs.id].sort());
  });

  it('loops batches until a short one, and leaves an item restored meanwhile', async () => {
    const { runtime, deps, clock } = memoryRuntime('trash-purge');
    const items = [];
    for (let i = 0; i < 5; i += 1) items.push(await readyItem(deps, 'alice'));
    for (const item of items) await trashMedia(deps, 'alice', item.id);
    const restored = items[4];
    if (restored === undefined) throw new Error('no item');
    await restoreMedia(deps, 'alice', restored.id);
    clock.advance((deps.config.trashRetentionDays + 1) * DAY_MS);

    const run = await createTrashPurgeHandler(runtime, { batch: 2, reserveMs: PURGE_DEFAULTS.reserveMs })(scheduled(), fullRun());

    // 2 + 2 + 0: the third batch finds nothing due and ends the run.
    expect(run).toEqual({ purged: 4, batches: 3, done: true });
    expect(await deps.repo.get('alice', restored.id)).toMatchObject({ status: 'ready' });
  });

  it('starts no batch without its reserve of time, and leaves the rest to the next run', async () => {
    const { runtime, deps, clock } = memoryRuntime('trash-purge');
    for (let i = 0; i < 3; i += 1) await trashMedia(deps, 'alice', (await readyItem(deps, 'alice')).id);
    clock.advance((deps.config.trashRetentionDays + 1) * DAY_MS);
    const handler = createTrashPurgeHandler(runtime, { batch: 1, reserveMs: 60_000 });

    // Time for one batch: 90 s left, then 30 s once it is done.
    const first = await handler(scheduled('a'), timedContext(90_000, 60_000));
    expect(first).toEqual({ purged: 1, batches: 1, done: false });
    const next = await handler(scheduled('b'), fullRun());
    expect(next).toEqual({ purged: 2, batches: 3, done: true });
  });

  it('fails the run when a delete fails, for the next one to take up', async () => {
    const { runtime, deps, clock } = memoryRuntime('trash-purge');
    const item = await readyItem(deps, 'alice');
    await trashMedia(deps, 'alice', item.id);
    clock.advance((deps.config.trashRetentionDays + 1) * DAY_MS);
    const failing = { ...runtime, deps: { ...deps, store: Object.assign(Object.create(deps.store) as typeof deps.store, { delete: () => Promise.reject(new Error('S3 is down')) }) } };

    await expect(createTrashPurgeHandler(failing)(scheduled(), fullRun())).rejects.toThrow('S3 is down');
    // Marked `deleted` before its bytes go: out of every listing, and never served again.
    expect(await deps.repo.get('alice', item.id)).toMatchObject({ status: 'deleted' });
  });
});
