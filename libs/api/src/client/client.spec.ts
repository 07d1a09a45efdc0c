import { makeMediaItem } from '@mediaflow/domain/testing';
import { MediaViewSchema } from '@mediaflow/media-service';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from '../app.js';
import { bearerTokens } from '../auth.js';
import { LocalTokens } from '../local-tokens.js';
import { DuplicateUploadSchema, MediaPageSchema, TagCountsSchema, UploadStartedSchema } from '../schemas.js';
import { createMediaflowClient, MediaflowApiError } from './index.js';

// The generated client against the app itself: each call's path, query and body reach the route
// declared for it, and each answer parses with the schema that route declares.
function setup() {
  const deps = inMemoryDeps({}, { config: { maxUploadBytes: 10_000 } });
  const { clock } = deps;
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 5), now: () => clock.now() });
  const app = createApi({ deps, verifier: bearerTokens(tokens) });
  const client = createMediaflowClient({
    baseUrl: 'http://mediaflow.test',
    fetch: async (url, init) => app.request(url, init),
    headers: () => ({ authorization: `Bearer ${tokens.issue('alice')}` }),
  });
  return { deps, client };
}

describe('the generated client against the API', () => {
  it('starts uploads, reads, lists, edits, counts tags and deletes, each answer in its declared shape', async () => {
    const { deps, client } = setup();
    const started = await client.startUpload({ body: { filename: 'a.png', size: 17 } });
    expect(UploadStartedSchema.parse(started).upload).toMatchObject({ method: 'PUT' });

    const item = await deps.repo.create(makeMediaItem({ ownerId: 'alice', status: 'ready', original: { key: 'originals/alice/x', size: 3, mime: 'image/png', filename: 'x.png', sha256: 'a'.repeat(64) } }));
    expect(DuplicateUploadSchema.parse(await client.startUpload({ body: { filename: 'b.png', size: 3, sha256: 'a'.repeat(64) } }))).toEqual({ id: item.id, duplicate: true });

    expect(MediaViewSchema.parse(await client.getMedia({ path: { id: item.id } })).id).toBe(item.id);
    const edited = await client.updateMedia({ path: { id: item.id }, body: { title: 'Sea', tags: ['Beach'] } });
    expect([edited.title, edited.tags.map((t) => t.name)]).toEqual(['Sea', ['beach']]);
    const page = MediaPageSchema.parse(await client.listMedia({ query: { tag: 'beach', limit: 5, cursor: undefined } }));
    expect(page.items.map((i) => i.id)).toEqual([item.id]);
    expect(TagCountsSchema.parse(await client.listTags())).toEqual({ tags: [{ name: 'beach', count: 1 }] });
    await expect(client.deleteMedia({ path: { id: item.id } })).resolves.toBeUndefined();
    expect((await client.listMedia()).items.map((i) => i.id)).toEqual([started.id]);
    expect(await client.getHealth()).toEqual({ ok: true });
  });

  it('throws a MediaflowApiError with the problem for an answer outside 2xx', async () => {
    const { client } = setup();
    const error = await client.getMedia({ path: { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaflowApiError);
    expect(error).toMatchObject({ status: 404, message: 'no such media item', problem: { code: 'not_found', status: 404 } });
    const tooBig = await client.startUpload({ body: { filename: 'big.mov', size: 10_001 } }).catch((e: unknown) => e);
    expect(tooBig).toMatchObject({ status: 413, problem: { code: 'limit_exceeded' } });
  });

  it('encodes path parameters, so an id cannot reach another route', async () => {
    const { client } = setup();
    await expect(client.getMedia({ path: { id: '../tags' } })).rejects.toMatchObject({ status: 400 });
  });
});
