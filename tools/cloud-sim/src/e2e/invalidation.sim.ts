// Deleting an item drops its renditions from the distribution's edge cache: the api function,
// given the distribution's id (`DISTRIBUTION_ID`) and `cloudfront:CreateInvalidation` on it, asks
// CloudFront for the item's one wildcard path, and the simulated distribution stops serving the
// copies it holds, while another item's stay cached.
import type { Stage } from '../stage/stage.js';
import { mediaCookies, settled, signIn, upload, type MediaView, type StageUser } from './client.js';
import { jpeg } from './media.js';
import { ALICE, bringUp } from './stage-harness.js';

describe('edge invalidation of deleted items', () => {
  let stage: Stage;
  let alice: StageUser;
  /** Alice's signed cookies: the edge serves /media/* to nobody without them. */
  let cookie: string;
  const get = (url: string): Promise<Response> => fetch(url, { headers: { cookie } });

  const renditionUrl = (view: MediaView): string => {
    const rendition = view.renditions.find((r) => r.format === 'webp' || r.format === 'jpeg');
    if (rendition === undefined) throw new Error(`${view.id} has no image rendition`);
    return stage.localUrl(rendition.url);
  };

  beforeAll(async () => {
    stage = await bringUp();
    alice = await signIn(stage, ALICE.username, ALICE.password);
    cookie = (await mediaCookies(alice)).cookie;
  });

  afterAll(async () => {
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
  });

  it('gives the api function the distribution it invalidates', () => {
    const api = stage.spec.functions.find((fn) => fn.environment['DISTRIBUTION_ID'] !== undefined);
    expect(api?.environment['DISTRIBUTION_ID']).toBe(stage.spec.distributions[0]?.id);
  });

  it('serves a deleted item no more from the edge, and keeps serving the others', async () => {
    const doomed = await settled(alice, await upload(alice, 'doomed.jpg', await jpeg(31), 'image/jpeg'));
    const kept = await settled(alice, await upload(alice, 'kept.jpg', await jpeg(32), 'image/jpeg'));
    expect([doomed.status, kept.status]).toEqual(['ready', 'ready']);
    for (const view of [doomed, kept]) {
      expect((await get(renditionUrl(view))).status).toBe(200);
      const again = await get(renditionUrl(view));
      expect(again.status).toBe(200);
      expect(again.headers.get('x-cache')).toBe('Hit from cloudfront');
    }

    expect((await alice.api('DELETE', `/api/v1/media/${doomed.id}?permanent=true`)).status).toBe(204);

    const after = await get(renditionUrl(doomed));
    expect(after.headers.get('x-cache')).not.toBe('Hit from cloudfront');
    expect(after.status).toBeGreaterThanOrEqual(400);
    const other = await get(renditionUrl(kept));
    expect(other.headers.get('x-cache')).toBe('Hit from cloudfront');
  });

  it('makes the call with a grant the api role has, and refuses nobody', () => {
    const denied = stage.permissionsReport().flatMap((role) => role.denied.filter((call) => call.action.startsWith('cloudfront:')));
    expect(denied).toEqual([]);
  });
});
