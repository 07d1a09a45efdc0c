import type { Stage } from '../stage/stage.js';
import { mediaCookies, settled, signIn, upload, type MediaView, type StageUser } from './client.js';
import { jpeg, mp4, pdf, sizedMp4, wav } from './media.js';
import { ALICE, BOB, bringUp } from './stage-harness.js';

// Test media comes from the machine's ffmpeg (its lavfi sources); the stage's own tools are the layer build.
const ffmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg';

describe('the simulated dev stage, end to end', () => {
  let stage: Stage;
  let alice: StageUser;
  let bob: StageUser;
  const uploads: Record<string, { id: string; bytes: Buffer; view?: MediaView }> = {};
  const uploaded = (name: string): { id: string; bytes: Buffer; view: MediaView } => {
    const entry = uploads[name];
    if (!entry?.view) throw new Error(`${name} was not uploaded and settled`);
    return { ...entry, view: entry.view };
  };

  beforeAll(async () => {
    stage = await bringUp();
    alice = await signIn(stage, ALICE.username, ALICE.password);
    bob = await signIn(stage, BOB.username, BOB.password);
  });

  afterAll(async () => {
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
  });

  it('serves the gallery and its config through CloudFront', async () => {
    const index = await fetch(`${stage.siteUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('<div id="root">');
    const route = await fetch(`${stage.siteUrl}/albums/anything`);
    expect(route.status).toBe(200);
  });

  it('refuses the API without a token and answers health without one', async () => {
    expect((await fetch(`${stage.siteUrl}/api/v1/media`)).status).toBe(401);
    expect((await fetch(`${stage.siteUrl}/api/health`)).status).toBe(200);
  });

  it('takes an image, a video, an audio file, a PDF and a 65 MiB file, and makes each ready', async () => {
    const files: Array<[string, string, Buffer, string]> = [
      ['image', 'photo.jpg', await jpeg(1), 'image/jpeg'],
      ['video', 'clip.mp4', await mp4(ffmpeg), 'video/mp4'],
      ['audio', 'tone.wav', await wav(ffmpeg), 'audio/wav'],
      ['pdf', 'notes.pdf', pdf(), 'application/pdf'],
      ['large', 'archive.bin', Buffer.concat([Buffer.from('MFSIM'), Buffer.alloc(65 * 1024 * 1024, 7)]), 'application/octet-stream'],
    ];
    for (const [name, filename, bytes, type] of files) uploads[name] = { id: await upload(alice, filename, bytes, type), bytes };
    for (const [name, entry] of Object.entries(uploads)) {
      entry.view = await settled(alice, entry.id);
      expect({ name, status: entry.view.status, failure: entry.view.failure }).toEqual({ name, status: 'ready', failure: null });
    }
    expect(uploaded('image').view.kind).toBe('image');
    expect(uploaded('video').view.kind).toBe('video');
    expect(uploaded('audio').view.kind).toBe('audio');
  });

  it('serves renditions through the CloudFront media path to their owner\'s signed cookies', async () => {
    const { cookie } = await mediaCookies(alice);
    for (const name of ['image', 'video']) {
      const rendition = uploaded(name).view.renditions.find((r) => r.format !== 'json');
      if (!rendition) throw new Error(`${name} has no rendition`);
      const response = await fetch(stage.localUrl(rendition.url), { headers: { cookie } });
      expect({ name, url: rendition.url, status: response.status }).toMatchObject({ status: 200 });
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    // Originals never leave through CloudFront: the owner's cookies cover renditions/<owner>/* only.
    for (const headers of [{}, { cookie }]) expect((await fetch(`${stage.siteUrl}/media/originals/anything`, { headers })).status).toBe(403);
  });

  it('downloads every original, byte for byte, as an attachment', async () => {
    for (const [name, entry] of Object.entries(uploads)) {
      const link = await alice.api<{ url: string }>('GET', `/api/v1/media/${entry.id}/original`);
      expect({ name, status: link.status }).toEqual({ name, status: 200 });
      const download = await fetch(link.body.url);
      expect({ name, status: download.status }).toEqual({ name, status: 200 });
      expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(Buffer.from(await download.arrayBuffer()).equals(entry.bytes)).toBe(true);
    }
  });

  it('tags, filters, moves to the trash, restores and deletes for good', async () => {
    const id = uploaded('image').id;
    const tagged = await alice.api<MediaView>('PATCH', `/api/v1/media/${id}`, { tags: ['holiday'] });
    expect(tagged.status).toBe(200);
    const filtered = await alice.api<{ items: MediaView[] }>('GET', '/api/v1/media?tag=holiday');
    expect(filtered.body.items.map((i) => i.id)).toEqual([id]);
    const pdf = uploaded('pdf').id;
    expect((await alice.api('DELETE', `/api/v1/media/${pdf}`)).status).toBe(204);
    expect((await alice.api<MediaView>('GET', `/api/v1/media/${pdf}`)).body.status).toBe('trashed');
    const trash = await alice.api<{ items: MediaView[] }>('GET', '/api/v1/trash');
    expect(trash.body.items.map((i) => i.id)).toEqual([pdf]);
    expect((await alice.api<MediaView>('POST', `/api/v1/media/${pdf}/restore`)).body.status).toBe('ready');
    expect((await alice.api<{ items: MediaView[] }>('GET', '/api/v1/trash')).body.items).toEqual([]);
    expect((await alice.api('DELETE', `/api/v1/media/${pdf}?permanent=true`)).status).toBe(204);
    expect((await alice.api('GET', `/api/v1/media/${pdf}`)).status).toBe(404);
  });

  it('shows another user none of it', async () => {
    const list = await bob.api<{ items: MediaView[] }>('GET', '/api/v1/media');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    expect((await bob.api('GET', `/api/v1/media/${uploaded('image').id}`)).status).toBe(404);
    expect((await bob.api('GET', `/api/v1/media/${uploaded('image').id}/original`)).status).toBe(404);
  });

  it('refuses a presigned upload PUT replayed after the item is ready (412) and keeps the original', async () => {
    const bytes = await jpeg(7);
    // No declared hash, so no signed checksum: only the create-only condition guards the original.
    const started = await alice.api<{ id: string; upload: { url: string; headers: Record<string, string> } }>('POST', '/api/v1/uploads', {
      filename: 'replayed.jpg',
      size: bytes.length,
      contentType: 'image/jpeg',
    });
    expect(started.status).toBe(201);
    const { id, upload: ticket } = started.body;
    expect(ticket.headers['if-none-match']).toBe('*');
    const first = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(bytes) });
    expect(first.status).toBe(200);
    expect((await settled(alice, id)).status).toBe('ready');

    // Same length as signed, other bytes: what a replay that swaps the original would send.
    const html = Buffer.alloc(bytes.length, ' ');
    html.write('<!doctype html><html><body>replaced</body></html>');
    const replay = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(html) });
    expect(replay.status).toBe(412);
    expect(await replay.text()).toContain('<Code>PreconditionFailed</Code>');

    const link = await alice.api<{ url: string }>('GET', `/api/v1/media/${id}/original`);
    expect(link.status).toBe(200);
    const download = await fetch(link.body.url);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await alice.api<MediaView>('GET', `/api/v1/media/${id}`)).body.status).toBe('ready');
  });

  it('transcodes a 20 s 1080p clip in the video function and hands a clip longer than it takes to MediaConvert', async () => {
    const video = stage.spec.functions.find((f) => f.environment['VIDEO_TRANSCODER'] !== undefined);
    expect(video?.environment['VIDEO_TRANSCODER']).toBe('lambda');
    const jobsBefore = stage.mediaConvertJobs().length;
    const short = await upload(alice, 'phone-1080p.mp4', await sizedMp4(ffmpeg, { width: 1920, height: 1080, fps: 30, seconds: 20 }), 'video/mp4');
    // Longer than the 223 s the function takes whatever the size (LAMBDA_FFMPEG.maxPlacedSeconds), tiny so CI stays fast.
    const long = await upload(alice, 'long-tiny.mp4', await sizedMp4(ffmpeg, { width: 96, height: 54, fps: 5, seconds: 240 }), 'video/mp4');
    const [here, there] = await Promise.all([settled(alice, short, 600_000), settled(alice, long, 600_000)]);
    expect([here.status, here.failure, there.status, there.failure]).toEqual(['ready', null, 'ready', null]);

    // The 1080p clip: every rung of the ladder, made by the function; no job was created for it.
    const playlists = here.renditions.filter((r) => r.format === 'm3u8').map((r) => r.name);
    expect(playlists).toEqual(expect.arrayContaining(['hls/master', 'hls/1080p', 'hls/720p', 'hls/540p', 'hls/360p', 'hls/240p']));
    const jobs = stage.mediaConvertJobs().slice(jobsBefore);
    expect(jobs.map((job) => job.userMetadata['mediaId'])).toEqual([long]);
    expect(jobs[0]?.status).toBe('COMPLETE');
    expect(there.renditions.some((r) => r.name === 'hls/master')).toBe(true);
    for (const view of [here, there]) {
      const master = view.renditions.find((r) => r.name === 'hls/master');
      if (!master) throw new Error(`${view.filename} has no master playlist`);
      const response = await fetch(stage.localUrl(master.url), { headers: { cookie: (await mediaCookies(alice)).cookie } });
      expect({ name: view.filename, status: response.status, body: (await response.text()).slice(0, 7) }).toEqual({ name: view.filename, status: 200, body: '#EXTM3U' });
    }
  });

  it('takes a burst of 50 images and 5 videos with no call denied and nothing dead-lettered', async () => {
    const ids: string[] = [];
    const images = await Promise.all(Array.from({ length: 50 }, (_, i) => jpeg(100 + i, 480, 360)));
    const videos = await Promise.all(Array.from({ length: 5 }, (_, i) => mp4(ffmpeg, 2, i + 1)));
    await Promise.all([
      ...images.map(async (bytes, i) => ids.push(await upload(alice, `burst-${i}.jpg`, bytes, 'image/jpeg'))),
      ...videos.map(async (bytes, i) => ids.push(await upload(alice, `burst-${i}.mp4`, bytes, 'video/mp4'))),
    ]);
    const views = await Promise.all(ids.map((id) => settled(alice, id, 300_000)));
    expect(views.filter((v) => v.status !== 'ready').map((v) => [v.filename, v.status, v.failure])).toEqual([]);
    await stage.idle();
    const denied = stage.permissionsReport().flatMap((role) => role.denied.map((d) => `${role.roleName}: ${d.action} ${d.resource}`));
    expect(denied).toEqual([]);
    expect(Object.entries(stage.deadLetters()).filter(([, count]) => count > 0)).toEqual([]);
    // The edge's refusals of the originals probe above were asked for; nothing else may be refused.
    const probed = (e: { source: string; message: string }): boolean => e.source === 'cloudfront' && e.message.startsWith('GET /media/originals/anything:');
    expect(stage.events.filter((e) => (e.kind === 'denied' || e.kind === 'dead-letter') && !probed(e)).map((e) => e.message)).toEqual([]);
  });

  it('throttles one caller past its burst while another is still served (limits shared by every API instance)', async () => {
    // The api function's limit, as the template sets it; its instances count in the media table.
    const api = stage.spec.functions.find((f) => f.environment['OWNER_RATE_LIMIT_BURST'] !== undefined);
    const burst = Number(api?.environment['OWNER_RATE_LIMIT_BURST']);
    expect(burst).toBeGreaterThan(0);
    // Two limits answer 429: the stage's throttle (all callers together, no Retry-After, as API
    // Gateway answers) and the api function's per-caller limit (Retry-After). Flood until the
    // caller's own limit speaks.
    const callerLimited = (a: { status: number; headers: Headers }): boolean => a.status === 429 && a.headers.get('retry-after') !== null;
    let refused: Headers | undefined;
    let admitted = 0;
    for (let round = 0; round < 30 && refused === undefined; round += 1) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => alice.apiOnce('GET', '/api/v1/media?limit=1')));
      admitted += answers.filter((a) => a.status === 200).length;
      refused = answers.find(callerLimited)?.headers;
      expect(answers.filter((a) => a.status !== 200 && a.status !== 429).map((a) => a.status)).toEqual([]);
    }
    if (refused === undefined) throw new Error(`the per-caller limit refused nothing after ${admitted} admitted`);
    expect(Number(refused.get('retry-after'))).toBeGreaterThan(0);
    expect(admitted).toBeGreaterThanOrEqual(burst);
    // The other caller is served: at most the stage's throttle delays them (its bucket refills
    // within a second), never the first caller's limit.
    let other = await bob.apiOnce('GET', '/api/v1/media');
    for (let tries = 0; other.status === 429 && !callerLimited(other) && tries < 20; tries += 1) {
      await new Promise((done) => setTimeout(done, 100));
      other = await bob.apiOnce('GET', '/api/v1/media');
    }
    expect(other.status).toBe(200);
    expect(stage.lambda.pool(api?.name ?? '')?.coldStarts).toBeGreaterThanOrEqual(2);
  });
});
