import sharp from 'sharp';
import type { Stage } from '../stage/stage.js';
import { settled, signIn, upload, type MediaView, type StageUser } from './client.js';
import { jpeg } from './media.js';
import { ALICE, BOB, bringUp } from './stage-harness.js';

// Search and the timeline on the simulated stage, through the distribution and the authorizer:
// the API function queries the posting items, GSI3 and the month counters; the pipeline's writes
// keep them in step (postings, GSI3 keys, counters in the same transactions), under IAM.

interface SearchPage {
  items: Array<MediaView & { matched: string[]; takenAt: string }>;
  nextCursor: string | null;
}
interface Timeline {
  months: Array<{ month: string; count: number }>;
}

/** A photo with a capture date (EXIF DateTimeOriginal) and a camera, so the pipeline learns both. */
async function takenPhoto(seed: number, taken: string): Promise<Buffer> {
  return sharp(await jpeg(seed))
    .withExif({ IFD0: { Make: 'FUJIFILM', Model: 'X-T30' }, IFD2: { DateTimeOriginal: taken, OffsetTimeOriginal: '+00:00' } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

describe('search and the timeline on the simulated stage', () => {
  let stage: Stage;
  let alice: StageUser;
  let bob: StageUser;
  let lighthouse: MediaView;
  let market: MediaView;

  const search = async (user: StageUser, query: string): Promise<SearchPage> => {
    const answer = await user.api<SearchPage>('GET', `/api/v1/search?${query}`);
    expect([query, answer.status]).toEqual([query, 200]);
    return answer.body;
  };

  beforeAll(async () => {
    stage = await bringUp();
    [alice, bob] = await Promise.all([signIn(stage, ALICE.username, ALICE.password), signIn(stage, BOB.username, BOB.password)]);
    const ids = await Promise.all([
      upload(alice, 'old-lighthouse-at-dusk.jpg', await takenPhoto(31, '2019:03:14 09:12:00'), 'image/jpeg'),
      upload(alice, 'market-day.jpg', await takenPhoto(32, '2021:07:14 16:05:00'), 'image/jpeg'),
      upload(bob, 'lighthouse-of-bob.jpg', await jpeg(33), 'image/jpeg'),
    ]);
    const views = await Promise.all([settled(alice, ids[0] as string), settled(alice, ids[1] as string), settled(bob, ids[2] as string)]);
    expect(views.map((v) => v.status)).toEqual(['ready', 'ready', 'ready']);
    [lighthouse, market] = views as [MediaView, MediaView, MediaView];
  }, 400_000);

  afterAll(async () => {
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
  });

  it('finds an item by part of its file name, only among the owner’s items, and says where', async () => {
    const typed = await search(alice, 'q=lightho');
    expect(typed.items.map((i) => [i.id, i.matched])).toEqual([[lighthouse.id, ['filename']]]);
    expect((await search(bob, 'q=lightho')).items.map((i) => i.filename)).toEqual(['lighthouse-of-bob.jpg']);
    expect((await search(alice, 'q=fujifilm%20')).items.map((i) => i.id).sort()).toEqual([lighthouse.id, market.id].sort());
  });

  it('lists by date taken either way, filters by a date range, and follows an edit', async () => {
    expect((await search(alice, 'order=taken-desc')).items.map((i) => i.id)).toEqual([market.id, lighthouse.id]);
    expect((await search(alice, 'order=taken-asc')).items.map((i) => i.id)).toEqual([lighthouse.id, market.id]);
    expect((await search(alice, 'from=2019-03-01&to=2019-03-31')).items.map((i) => i.id)).toEqual([lighthouse.id]);
    const edited = await alice.api('PATCH', `/api/v1/media/${market.id}`, { title: 'Puppies at the market', tags: ['weekend'] });
    expect(edited.status).toBe(200);
    expect((await search(alice, 'q=dog%20')).items.map((i) => [i.id, i.matched])).toEqual([[market.id, ['title']]]);
    expect((await search(alice, 'tags=weekend&q=market')).items.map((i) => i.id)).toEqual([market.id]);
  });

  it('counts the months of the timeline from the counters', async () => {
    const timeline = await alice.api<Timeline>('GET', '/api/v1/timeline');
    expect(timeline.status).toBe(200);
    expect(timeline.body.months).toEqual([
      { month: '2021-07', count: 1 },
      { month: '2019-03', count: 1 },
    ]);
  });

  it('forgets a deleted item at once', async () => {
    expect((await alice.api('DELETE', `/api/v1/media/${lighthouse.id}`)).status).toBe(204);
    expect((await search(alice, 'q=lighthouse')).items).toEqual([]);
    await stage.idle();
    expect((await alice.api<Timeline>('GET', '/api/v1/timeline')).body.months).toEqual([{ month: '2021-07', count: 1 }]);
  });

  it('refused no AWS call of any function', async () => {
    await stage.idle();
    const denied = stage.permissionsReport().flatMap((role) => role.denied.map((d) => `${role.roleName}: ${d.action} ${d.resource}`));
    expect(denied).toEqual([]);
  });
});
