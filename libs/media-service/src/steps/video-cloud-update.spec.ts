import { type MediaItem } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { inMemoryDeps, type InMemoryDeps } from '../testing/index.js';
import { applyVideoJobUpdate, type OutputClassifier } from './video-cloud.js';

const ID = '01JQ0000000000000000000002';
const PREFIX = `renditions/alice/${ID}/`;

/** The cloud layout in miniature: master and variant playlists, segments, a preview, a poster capture. */
const classify: OutputClassifier = (key) => {
  if (key === 'hls/master.m3u8') return { name: 'hls/master', format: 'm3u8', listed: true };
  if (/^hls\/master_\d+p\.m3u8$/.test(key)) return { name: key.slice(0, -5), format: 'm3u8', listed: true };
  if (/^hls\/master_\d+p_\d{5}\.ts$/.test(key)) return { name: key.slice(0, -3), format: 'ts', listed: false };
  if (key === 'preview.mp4') return { name: 'preview', format: 'mp4', listed: true };
  if (key === 'frames/poster.0000001.jpeg') return { name: 'frames/poster.0000001', format: 'jpeg', listed: true, poster: true };
  return undefined;
};

async function setup(status: MediaItem['status'] = 'processing') {
  const deps = inMemoryDeps({
    images: {
      inspect: async () => ({ facts: { width: 640, height: 360 }, mime: 'image/jpeg' }),
      render: async (input: Uint8Array) => ({ files: [{ name: 'thumb', format: 'webp' as const, contentType: 'image/webp', body: input, width: 256, height: 144 }], placeholder: { dominantColor: '#203040' } }),
    },
  });
  await deps.repo.create(makeMediaItem({ id: ID, ownerId: 'alice', kind: 'video', status, progress: 0.1 }));
  return { deps, bus: deps.bus };
}

async function written(deps: InMemoryDeps, ...keys: string[]): Promise<void> {
  for (const key of keys) await deps.store.put(`${PREFIX}${key}`, new TextEncoder().encode(key), { contentType: 'application/octet-stream' });
}

const update = { ownerId: 'alice', mediaId: ID, jobId: 'job-1' };

describe('applyVideoJobUpdate', () => {
  it('records progress, only forwards', async () => {
    const { deps } = await setup();
    await applyVideoJobUpdate(deps, { ...update, status: 'progressing', progress: 0.4 }, classify);
    expect((await deps.repo.get('alice', ID))?.progress).toBe(0.4);
    await applyVideoJobUpdate(deps, { ...update, status: 'progressing', progress: 0.2 }, classify);
    expect((await deps.repo.get('alice', ID))?.progress).toBe(0.4);
  });

  it('on completion lists the outputs, keeps segments unlisted, renders the poster for the grid and becomes ready', async () => {
    const { deps, bus } = await setup();
    await written(deps, 'hls/master.m3u8', 'hls/master_720p.m3u8', 'hls/master_720p_00001.ts', 'hls/master_720p_00002.ts', 'preview.mp4', 'frames/poster.0000001.jpeg', 'stray.txt');
    const result = await applyVideoJobUpdate(deps, { ...update, status: 'complete' }, classify);
    expect(result.outcome).toBe('ready');
    const item = (await deps.repo.get('alice', ID)) as MediaItem;
    expect(item.status).toBe('ready');
    expect(item.renditions.map((r) => `${r.name}.${r.format}`).sort()).toEqual(
      ['frames/poster.0000001.jpeg', 'hls/master.m3u8', 'hls/master_720p.m3u8', 'preview.mp4', 'thumb.webp'].sort(),
    );
    expect(item.renditions.find((r) => r.format === 'm3u8')?.contentType).toBe('application/vnd.apple.mpegurl');
    expect(item.placeholder).toEqual({ dominantColor: '#203040' });
    expect(bus.published.at(-1)?.type).toBe('media.processed');
    // A repeated completion event finds the item settled.
    expect((await applyVideoJobUpdate(deps, { ...update, status: 'complete' }, classify)).outcome).toBe('ignored');
  });

  it('fails the item with the transcoder\u2019s reason, and a completion without a playlist too', async () => {
    const failed = await setup();
    const result = await applyVideoJobUpdate(failed.deps, { ...update, status: 'error', error: { message: 'Demuxer: unsupported codec' } }, classify);
    expect(result.outcome).toBe('failed');
    expect((await failed.deps.repo.get('alice', ID))?.failure).toMatchObject({ code: 'transcode_failed', stage: 'video', reason: expect.stringContaining('unsupported codec') });

    const empty = await setup();
    await written(empty.deps, 'preview.mp4');
    expect((await applyVideoJobUpdate(empty.deps, { ...update, status: 'complete' }, classify)).outcome).toBe('failed');
  });

  it('ignores events for an item that is not being processed', async () => {
    const { deps } = await setup('ready');
    expect(await applyVideoJobUpdate(deps, { ...update, status: 'error', error: { message: 'late' } }, classify)).toEqual({ outcome: 'ignored', reason: 'item is ready' });
  });
});
