import { CorruptMediaError, ListQuerySchema, TimeoutError, type MediaItem, type Moderation, type Rendition, type TaggerInput, type TaggerResult } from '@mediaflow/domain';
import { FakeTagger, makeMediaItem } from '@mediaflow/domain/testing';
import type { TaggingDeps } from '../context.js';
import { inMemoryDeps } from '../testing/index.js';
import { framesToTag, mostFaces, peopleTag, tagMedia } from './tagging.js';

const ID = '01JQ0000000000000000000002';

function rendition(name: string, format: Rendition['format']): Rendition {
  const ext = format === 'jpeg' ? 'jpg' : format;
  return { name, format, key: `renditions/alice/${ID}/${name}.${ext}`, contentType: `image/${format}`, bytes: 10 };
}

/** A policy as simple as can be checked: labels become `ai` tags over 0.5, flagged from 0.8. */
function policy(tagger: FakeTagger): TaggingDeps {
  return {
    tagger,
    tags: (labels) => labels.filter((l) => l.confidence >= 0.5).map((l) => ({ name: l.name, confidence: l.confidence, source: 'ai' as const })),
    moderate: (labels, now): Moderation => ({
      verdict: labels.some((l) => l.confidence >= 0.8) ? 'flagged' : 'safe',
      labels: labels.filter((l) => l.confidence >= 0.5),
      checkedAt: now.toISOString(),
    }),
  };
}

async function setup(item: Partial<MediaItem>, answer: (input: TaggerInput) => TaggerResult) {
  const tagger = new FakeTagger(answer);
  const deps = inMemoryDeps({ tagging: policy(tagger) });
  const created = makeMediaItem({ id: ID, ownerId: 'alice', status: 'ready', ...item });
  await deps.repo.create(created);
  for (const r of created.renditions) await deps.store.put(r.key, new TextEncoder().encode(r.name));
  return { deps, tagger, bus: deps.bus };
}

describe('framesToTag', () => {
  it('looks at one still of an image: the small size first, then a format the tagger reads', () => {
    const item = makeMediaItem({ kind: 'image', renditions: [rendition('large', 'webp'), rendition('small', 'avif'), rendition('small', 'webp'), rendition('medium', 'jpeg')] });
    expect(framesToTag(item).map((r) => `${r.name}.${r.format}`)).toEqual(['small.webp']);
    // Rekognition reads JPEG and PNG only.
    expect(framesToTag(item, ['jpeg', 'png']).map((r) => `${r.name}.${r.format}`)).toEqual(['medium.jpeg']);
    // Not a 256 px thumbnail while a 640 px picture exists (the detector looks at about 384-640 px).
    const local = makeMediaItem({ kind: 'image', renditions: [rendition('thumb', 'webp'), rendition('thumb', 'jpeg'), rendition('small', 'webp'), rendition('small', 'avif')] });
    expect(framesToTag(local).map((r) => `${r.name}.${r.format}`)).toEqual(['small.webp']);
    const noJpeg = makeMediaItem({ kind: 'image', renditions: [rendition('large', 'webp'), rendition('small', 'webp'), rendition('small', 'avif')] });
    expect(framesToTag(noJpeg).map((r) => `${r.name}.${r.format}`)).toEqual(['small.webp']);
  });

  it('looks at the poster and first, middle and last thumbnails of a video', () => {
    const thumbs = [1, 2, 3, 4, 5].map((n) => rendition(`thumbs/0${n}`, 'jpeg'));
    const item = makeMediaItem({ kind: 'video', renditions: [rendition('hls/master', 'm3u8'), rendition('poster', 'jpeg'), ...thumbs] });
    expect(framesToTag(item).map((r) => r.name)).toEqual(['poster', 'thumbs/01', 'thumbs/03', 'thumbs/05']);
  });

  it('has nothing to look at in a document', () => {
    expect(framesToTag(makeMediaItem({ kind: 'document', renditions: [] }))).toEqual([]);
  });
});

describe('tagMedia', () => {
  it('replaces AI tags, keeps the owner\u2019s and metadata tags, records a safe verdict and publishes media.tagged', async () => {
    const { deps, tagger, bus } = await setup(
      {
        renditions: [rendition('small', 'jpeg')],
        tags: [
          { name: 'holiday', confidence: 1, source: 'user' },
          { name: 'old guess', confidence: 0.9, source: 'ai' },
        ],
      },
      () => ({ labels: [{ name: 'dog', confidence: 0.93 }, { name: 'frisbee', confidence: 0.2 }], moderation: [{ name: 'suggestive', confidence: 0.3 }] }),
    );
    const result = await tagMedia(deps, 'alice', ID);
    expect(result.outcome).toBe('tagged');
    const item = await deps.repo.get('alice', ID);
    expect(item?.status).toBe('ready');
    expect(item?.tags).toEqual([
      { name: 'holiday', confidence: 1, source: 'user' },
      { name: 'dog', confidence: 0.93, source: 'ai' },
    ]);
    expect(item?.moderation).toEqual({ verdict: 'safe', labels: [], checkedAt: '2026-06-01T00:00:00.000Z' });
    expect(tagger.calls).toHaveLength(1);
    expect(tagger.calls[0]).toMatchObject({ kind: 'image', objectKey: `renditions/alice/${ID}/small.jpg` });
    expect(bus.published.map((e) => e.type)).toEqual(['media.tagged']);
    expect((await deps.repo.list('alice', ListQuerySchema.parse({ limit: 10, tag: 'dog' }))).items.map((i) => i.id)).toEqual([ID]);

    // A second delivery of the same event changes nothing and asks the tagger nothing.
    expect(await tagMedia(deps, 'alice', ID)).toEqual({ outcome: 'ignored', reason: 'already tagged' });
    expect(tagger.calls).toHaveLength(1);
  });

  it('holds an item over the moderation threshold (flagged) and publishes media.flagged', async () => {
    const { deps, bus } = await setup({ renditions: [rendition('small', 'jpeg')] }, () => ({
      labels: [],
      moderation: [{ name: 'explicit nudity', confidence: 0.97 }],
    }));
    expect((await tagMedia(deps, 'alice', ID)).outcome).toBe('flagged');
    const item = await deps.repo.get('alice', ID);
    expect(item?.status).toBe('flagged');
    expect(item?.moderation.labels).toEqual([{ name: 'explicit nudity', confidence: 0.97 }]);
    expect(bus.published.map((e) => e.type)).toEqual(['media.tagged', 'media.flagged']);
  });

  it('merges a video\u2019s frames, keeping the strongest sighting of each label', async () => {
    const scores: Record<string, number> = { poster: 0.6, 'thumbs/01': 0.9, 'thumbs/02': 0.7 };
    const { deps, tagger } = await setup(
      { kind: 'video', renditions: [rendition('poster', 'jpeg'), rendition('thumbs/01', 'jpeg'), rendition('thumbs/02', 'jpeg')] },
      (input) => ({ labels: [{ name: 'car', confidence: scores[new TextDecoder().decode(input.bytes)] ?? 0 }], moderation: [] }),
    );
    await tagMedia(deps, 'alice', ID);
    expect(tagger.calls).toHaveLength(3);
    expect((await deps.repo.get('alice', ID))?.tags).toEqual([{ name: 'car', confidence: 0.9, source: 'ai' }]);
  });

  it('leaves an item it cannot read as it is, and one that is not ready alone', async () => {
    const unreadable = await setup({ renditions: [rendition('small', 'jpeg')] }, () => {
      throw new CorruptMediaError('not an image');
    });
    expect((await tagMedia(unreadable.deps, 'alice', ID)).outcome).toBe('ignored');
    expect((await unreadable.deps.repo.get('alice', ID))?.moderation.verdict).toBe('pending');

    const processing = await setup({ status: 'processing', renditions: [rendition('small', 'jpeg')] }, () => ({ labels: [], moderation: [] }));
    expect(await tagMedia(processing.deps, 'alice', ID)).toEqual({ outcome: 'ignored', reason: 'item is processing' });
    expect(processing.tagger.calls).toEqual([]);
  });

  it('retries a tagger that runs out of time while deliveries remain, and leaves the item ready on the last', async () => {
    const { deps } = await setup({ renditions: [rendition('small', 'jpeg')] }, () => {
      throw new TimeoutError('the tagger took longer than 30 s');
    });
    await expect(tagMedia(deps, 'alice', ID, { lastAttempt: false })).rejects.toThrow('the tagger took longer than 30 s');
    expect(await tagMedia(deps, 'alice', ID, { lastAttempt: true })).toEqual({ outcome: 'ignored', reason: 'the tagger could not read it: the tagger took longer than 30 s' });
    expect(await deps.repo.get('alice', ID)).toMatchObject({ status: 'ready', moderation: { verdict: 'pending' } });
  });

  it('lets the queue retry when the tagger fails for another reason', async () => {
    const { deps } = await setup({ renditions: [rendition('small', 'jpeg')] }, () => {
      throw new Error('worker crashed');
    });
    await expect(tagMedia(deps, 'alice', ID)).rejects.toThrow('worker crashed');
  });

  it('gives a photo with faces the AI tag people and its face count', async () => {
    const { deps, bus } = await setup({ renditions: [rendition('small', 'jpeg')], tags: [{ name: 'holiday', confidence: 1, source: 'user' }] }, () => ({
      labels: [{ name: 'person', confidence: 0.88 }],
      moderation: [],
      faces: 3,
    }));
    expect((await tagMedia(deps, 'alice', ID)).outcome).toBe('tagged');
    const item = await deps.repo.get('alice', ID);
    expect(item?.faces).toBe(3);
    expect(item?.tags).toEqual([
      { name: 'holiday', confidence: 1, source: 'user' },
      { name: 'people', confidence: 1, source: 'ai' },
      { name: 'person', confidence: 0.88, source: 'ai' },
    ]);
    expect((await deps.repo.list('alice', ListQuerySchema.parse({ limit: 10, tag: 'people' }))).items.map((i) => i.id)).toEqual([ID]);
    const tagged = bus.published[0];
    expect(tagged?.type === 'media.tagged' ? tagged.data.tags.map((t) => t.name) : []).toContain('people');
  });

  it('gives a photo without faces neither people nor a count', async () => {
    const { deps } = await setup({ renditions: [rendition('small', 'jpeg')] }, () => ({ labels: [{ name: 'sheep', confidence: 0.9 }], moderation: [], faces: 0 }));
    await tagMedia(deps, 'alice', ID);
    const item = await deps.repo.get('alice', ID);
    expect(item?.faces).toBeUndefined();
    expect(item?.tags.map((t) => t.name)).toEqual(['sheep']);
  });

  it('replaces an earlier count and people tag on a retag, and never repeats the owner’s own people tag', async () => {
    const stale = await setup(
      {
        renditions: [rendition('small', 'jpeg')],
        faces: 4,
        tags: [
          { name: 'people', confidence: 1, source: 'ai' },
          { name: 'crowd', confidence: 0.7, source: 'ai' },
        ],
      },
      () => ({ labels: [{ name: 'boat', confidence: 0.8 }], moderation: [] }),
    );
    await tagMedia(stale.deps, 'alice', ID);
    const retagged = await stale.deps.repo.get('alice', ID);
    expect(retagged?.faces).toBeUndefined();
    expect(retagged?.tags).toEqual([{ name: 'boat', confidence: 0.8, source: 'ai' }]);

    const own = await setup({ renditions: [rendition('small', 'jpeg')], tags: [{ name: 'people', confidence: 1, source: 'user' }] }, () => ({
      labels: [],
      moderation: [],
      faces: 2,
    }));
    await tagMedia(own.deps, 'alice', ID);
    const item = await own.deps.repo.get('alice', ID);
    expect(item?.faces).toBe(2);
    expect(item?.tags).toEqual([{ name: 'people', confidence: 1, source: 'user' }]);
  });

  it('counts the most faces in any one frame of a video, and keeps the count on a held item', async () => {
    const faces: Record<string, number | undefined> = { poster: 1, 'thumbs/01': 3, 'thumbs/02': undefined };
    const { deps } = await setup(
      { kind: 'video', renditions: [rendition('poster', 'jpeg'), rendition('thumbs/01', 'jpeg'), rendition('thumbs/02', 'jpeg')] },
      (input) => {
        const frame = new TextDecoder().decode(input.bytes);
        const count = faces[frame];
        return { labels: [], moderation: frame === 'poster' ? [{ name: 'explicit nudity', confidence: 0.95 }] : [], ...(count === undefined ? {} : { faces: count }) };
      },
    );
    expect((await tagMedia(deps, 'alice', ID)).outcome).toBe('flagged');
    const item = await deps.repo.get('alice', ID);
    expect(item).toMatchObject({ status: 'flagged', faces: 3 });
    expect(item?.tags.map((t) => t.name)).toEqual(['people']);
  });
});

describe('mostFaces and peopleTag', () => {
  it('takes the largest count reported, none when no frame reported one', () => {
    expect(mostFaces([1, undefined, 4, 2])).toBe(4);
    expect(mostFaces([undefined, undefined])).toBeUndefined();
    expect(mostFaces([0])).toBe(0);
    expect(mostFaces([5000])).toBe(1000);
    expect(peopleTag(0)).toEqual([]);
    expect(peopleTag(undefined)).toEqual([]);
    expect(peopleTag(1)).toEqual([{ name: 'people', confidence: 1, source: 'ai' }]);
  });
});
