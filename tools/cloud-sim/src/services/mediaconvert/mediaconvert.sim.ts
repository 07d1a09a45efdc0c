import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  CancelJobCommand,
  CreateJobCommand,
  GetJobCommand,
  ListJobsCommand,
  MediaConvertClient,
  type CreateJobCommandInput,
} from '@aws-sdk/client-mediaconvert';
import { buildMediaConvertJob, classifyCloudOutput, detectFfmpeg, parseJobStateChange, planLadder } from '@mediaflow/video-pipeline';
import type { RoleSpec } from '../../specs.js';
import { DEFAULT_ACCOUNT, type Authorization, type AwsRequest, type SimEvent } from '../../types.js';
import { createMediaConvert, type MediaConvert, type MediaConvertEvent } from './index.js';

const run = promisify(execFile);
// The stand-in needs a maintained ffmpeg (the npm-bundled pair cannot read back the MPEG-TS it
// writes), so this runs with the stage's tests (`test:sim`), on a machine that has one.
let FFMPEG = 'ffmpeg';
let FFPROBE = 'ffprobe';

const account = DEFAULT_ACCOUNT;
const BUCKET = 'mediaflow-media';
const queue = { logicalId: 'TranscodingQueue', name: 'mediaflow-dev', arn: `arn:aws:mediaconvert:us-east-1:${account.accountId}:queues/mediaflow-dev` };
const role = (name: string): RoleSpec => ({ logicalId: name, name, arn: `arn:aws:iam::${account.accountId}:role/${name}`, assumeRolePolicy: { Statement: [] }, policies: [] });
const transcodingRole = role('TranscodingRole');
/** Trusted by MediaConvert but allowed to read nothing. */
const blindRole = role('BlindTranscodingRole');
const submitterRole = 'arn:aws:iam::123456789012:role/VideoSubmitRole';
const ownerId = 'alice';
const mediaId = '01JABCDEFGHJKMNPQRSTVWXYZ0';
const inputKey = `originals/${ownerId}/${mediaId}`;
const prefix = `renditions/${ownerId}/${mediaId}/`;

class AccessDenied extends Error {}

let dir: string;
let server: Server;
let endpoint: string;
let mediaconvert: MediaConvert;
let objects: Map<string, { body: Buffer; contentType: string }>;
let events: MediaConvertEvent[];
let authorizations: Authorization[][];
let logged: SimEvent[];

function client(): MediaConvertClient {
  return new MediaConvertClient({ region: account.region, endpoint, credentials: { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

const plan = planLadder({ width: 320, height: 240, frameRate: 30, durationSeconds: 3, audioCodec: 'aac' });

function productJob(roleArn: string): CreateJobCommandInput {
  return buildMediaConvertJob(plan, { bucket: BUCKET, key: inputKey }, { bucket: BUCKET, prefix }, roleArn, { ownerId, mediaId, queueArn: queue.arn });
}

/** The EventBridge envelope around an emitted event, as the video-complete function receives it. */
function envelope(event: MediaConvertEvent): unknown {
  return { version: '0', id: 'e', 'detail-type': event.detailType, source: event.source, account: account.accountId, region: account.region, resources: event.resources, detail: event.detail };
}

async function ffprobeJson(file: string): Promise<{ streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>; format: { duration?: string } }> {
  const { stdout } = await run(FFPROBE, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  return JSON.parse(stdout) as never;
}

beforeAll(async () => {
  const build = await detectFfmpeg({ configured: { ffmpeg: process.env['MEDIAFLOW_FFMPEG'], ffprobe: process.env['MEDIAFLOW_FFPROBE'] }, searchPath: process.env['PATH'] });
  FFMPEG = build.ffmpeg;
  FFPROBE = build.ffprobe;
  dir = await mkdtemp(join(tmpdir(), 'cloud-sim-mediaconvert-'));
  const source = join(dir, 'source.mp4');
  await run(FFMPEG, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30:duration=3',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', source,
  ]);
  const sourceBytes = await readFile(source);

  // An HTTP front for the handler, as the gateway would be (signature and IAM left out: the
  // authorizations it would evaluate are recorded instead).
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const request: AwsRequest = {
        service: 'mediaconvert',
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')])),
        body: Buffer.concat(chunks),
        principal: { type: 'role', roleArn: submitterRole, sessionName: 'video', accessKeyId: 'AKIDSIM' },
      };
      void (async () => {
        authorizations.push(await mediaconvert.handler.authorizations(request));
        const response = await mediaconvert.handler.handle(request);
        res.writeHead(response.status, response.headers);
        res.end(response.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  objects = new Map();
  events = [];
  authorizations = [];
  logged = [];
  mediaconvert = createMediaConvert({
    queues: [queue],
    roles: [transcodingRole, blindRole],
    account,
    ffmpeg: FFMPEG,
    ffprobe: FFPROBE,
    workDir: join(dir, 'work'),
    objects: {
      async get(bucket, key, asRoleArn) {
        if (asRoleArn !== transcodingRole.arn || !key.startsWith('originals/')) throw new AccessDenied('Access Denied');
        if (bucket === BUCKET && key === inputKey) return sourceBytes;
        throw new Error('NoSuchKey');
      },
      async put(bucket, key, body, contentType, asRoleArn) {
        if (asRoleArn !== transcodingRole.arn || !key.startsWith('renditions/')) throw new AccessDenied('Access Denied');
        objects.set(`${bucket}/${key}`, { body, contentType });
      },
    },
    emit: async (event) => {
      events.push(event);
    },
    canAssume: (roleArn, service, sourceArn, sourceAccount) =>
      (roleArn === transcodingRole.arn || roleArn === blindRole.arn) && service === 'mediaconvert.amazonaws.com' && sourceArn === queue.arn && sourceAccount === account.accountId,
    log: (event) => logged.push(event),
  });
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  objects.clear();
  events.length = 0;
  authorizations.length = 0;
});

describe('MediaConvert stand-in with the real SDK and ffmpeg', () => {
  it("renders the product's job: events in order, every output at its destination, playable", async () => {
    const created = await client().send(new CreateJobCommand(productJob(transcodingRole.arn)));
    const jobId = created.Job?.Id as string;
    expect(jobId).toMatch(/^\d{13}-[a-z0-9]{6}$/);
    expect(created.Job).toMatchObject({ Status: 'SUBMITTED', Queue: queue.arn, Role: transcodingRole.arn, UserMetadata: { ownerId, mediaId } });
    expect(created.Job?.Settings?.OutputGroups?.[0]?.OutputGroupSettings?.HlsGroupSettings?.Destination).toBe(`s3://${BUCKET}/${prefix}hls/master`);

    await mediaconvert.idle();

    // Four output groups (HLS, preview, poster, thumbnails): progress after each but the last.
    expect(events.map((e) => e.detail['status'])).toEqual(['SUBMITTED', 'PROGRESSING', 'STATUS_UPDATE', 'STATUS_UPDATE', 'STATUS_UPDATE', 'COMPLETE']);
    for (const event of events) {
      expect(event).toMatchObject({ source: 'aws.mediaconvert', detailType: 'MediaConvert Job State Change', resources: [`arn:aws:mediaconvert:us-east-1:${account.accountId}:jobs/${jobId}`] });
      expect(event.detail).toMatchObject({ jobId, queue: queue.arn, accountId: account.accountId, userMetadata: { ownerId, mediaId } });
      expect(typeof event.detail['timestamp']).toBe('number');
    }
    const outcomes = events.map((event) => parseJobStateChange(envelope(event)));
    expect(outcomes.slice(0, -1).every((o) => o?.status === 'progressing')).toBe(true);
    const complete = outcomes.at(-1);
    expect(complete?.status).toBe('complete');

    // Every path the event names was written; a frame capture is named by its last capture.
    const reported = complete?.outputs ?? [];
    const lastThumbnail = String(plan.thumbnails.length - 1).padStart(7, '0');
    expect(reported.map((o) => o.key)).toEqual([
      `${prefix}hls/master.m3u8`,
      `${prefix}hls/master_240p.m3u8`,
      `${prefix}preview.mp4`,
      `${prefix}frames/poster.0000001.jpeg`,
      `${prefix}thumbs/t.${lastThumbnail}.jpeg`,
    ]);
    for (const output of reported) expect(objects.has(`${output.bucket}/${output.key}`)).toBe(true);
    const playlist = reported.find((o) => o.key.endsWith('master_240p.m3u8'));
    expect(playlist).toMatchObject({ width: 320, height: 240 });
    expect(playlist?.durationSeconds).toBeCloseTo(3, 0);

    // Every file written is one the product's layout knows.
    const kinds = new Map<string, number>();
    for (const key of objects.keys()) {
      expect(key.startsWith(`${BUCKET}/${prefix}`)).toBe(true);
      const what = classifyCloudOutput(key.slice(`${BUCKET}/${prefix}`.length));
      expect(what).toBeDefined();
      const kind = what?.poster ? 'poster' : `${what?.format}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    expect(objects.get(`${BUCKET}/${prefix}frames/poster.0000000.jpeg`)).toBeDefined();
    expect(kinds.get('ts')).toBeGreaterThanOrEqual(1);
    expect(kinds.get('poster')).toBe(1);
    expect(kinds.get('jpeg')).toBe(1 + plan.thumbnails.length);
    expect(objects.get(`${BUCKET}/${prefix}preview.mp4`)?.contentType).toBe('video/mp4');

    // Laid out on disk as in the bucket, the HLS tree, the preview and the stills are valid media.
    const out = join(dir, 'out');
    for (const [key, { body }] of objects) {
      const file = join(out, key.slice(`${BUCKET}/${prefix}`.length));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, body);
    }
    const hls = await ffprobeJson(join(out, 'hls/master.m3u8'));
    expect(hls.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 320, height: 240 });
    expect(hls.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });
    expect(Number(hls.format.duration)).toBeCloseTo(3, 0);
    const master = await readFile(join(out, 'hls/master.m3u8'), 'utf8');
    expect(master).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",RESOLUTION=320x240,FRAME-RATE=30\.000\nmaster_240p\.m3u8/);
    const preview = await ffprobeJson(join(out, 'preview.mp4'));
    expect(preview.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    const poster = await ffprobeJson(join(out, 'frames/poster.0000001.jpeg'));
    expect(poster.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 320, height: 240 });

    const fetched = await client().send(new GetJobCommand({ Id: jobId }));
    expect(fetched.Job?.Status).toBe('COMPLETE');
    expect(fetched.Job?.OutputGroupDetails?.[0]?.OutputDetails?.[0]?.VideoDetails).toEqual({ WidthInPx: 320, HeightInPx: 240 });
    const listed = await client().send(new ListJobsCommand({ Queue: queue.arn, Status: 'COMPLETE' }));
    expect(listed.Jobs?.map((j) => j.Id)).toContain(jobId);
  }, 120_000);

  it('asks IAM for CreateJob on the job and the queue, and PassRole to MediaConvert', async () => {
    await client().send(new CreateJobCommand(productJob(transcodingRole.arn)));
    await mediaconvert.idle();
    const [asked] = authorizations;
    const jobId = events[0]?.detail['jobId'] as string;
    expect(asked).toEqual([
      { action: 'mediaconvert:CreateJob', resource: `arn:aws:mediaconvert:us-east-1:${account.accountId}:jobs/${jobId}` },
      { action: 'mediaconvert:CreateJob', resource: queue.arn },
      { action: 'iam:PassRole', resource: transcodingRole.arn, context: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
    ]);
  }, 120_000);

  it('fails the job when its role may not read the input', async () => {
    const created = await client().send(new CreateJobCommand(productJob(blindRole.arn)));
    await mediaconvert.idle();
    expect(events.map((e) => e.detail['status'])).toEqual(['SUBMITTED', 'PROGRESSING', 'ERROR']);
    const error = events[2]?.detail;
    expect(error).toMatchObject({ jobId: created.Job?.Id, errorCode: 1401 });
    expect(error?.['errorMessage']).toContain(`s3://${BUCKET}/${inputKey}`);
    expect(error?.['errorMessage']).toContain('Access Denied');
    expect(parseJobStateChange(envelope(events[2] as MediaConvertEvent))).toMatchObject({ status: 'error', error: { code: 1401 } });
    expect(objects.size).toBe(0);
    expect(mediaconvert.jobs().find((j) => j.id === created.Job?.Id)).toMatchObject({ status: 'ERROR', errorCode: 1401, outputs: [] });
  }, 60_000);

  it('cancels a job waiting in the queue: it never runs', async () => {
    const first = await client().send(new CreateJobCommand(productJob(transcodingRole.arn)));
    const second = await client().send(new CreateJobCommand(productJob(transcodingRole.arn)));
    // One job at a time: the second waits as SUBMITTED while the first transcodes.
    await client().send(new CancelJobCommand({ Id: second.Job?.Id as string }));
    await mediaconvert.idle();
    const statusesOf = (id: string | undefined) => events.filter((e) => e.detail['jobId'] === id).map((e) => e.detail['status']);
    expect(statusesOf(second.Job?.Id)).toEqual(['SUBMITTED', 'CANCELED']);
    expect(statusesOf(first.Job?.Id).at(-1)).toBe('COMPLETE');
    expect(mediaconvert.jobs().find((j) => j.id === second.Job?.Id)).toMatchObject({ status: 'CANCELED', outputs: [] });
    await expect(client().send(new CancelJobCommand({ Id: second.Job?.Id as string }))).rejects.toMatchObject({ name: 'ConflictException' });
  }, 120_000);

  it('refuses jobs MediaConvert would refuse, with the exceptions the SDK knows', async () => {
    const job = productJob(transcodingRole.arn);
    await expect(client().send(new CreateJobCommand({ ...job, Queue: `${queue.arn}-missing` }))).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
    // The Default queue exists, but the role trusts MediaConvert only for the stage's queue.
    const { Queue: _queue, ...onDefault } = job;
    await expect(client().send(new CreateJobCommand(onDefault))).rejects.toMatchObject({ name: 'ForbiddenException' });
    await expect(client().send(new CreateJobCommand({ ...job, Role: role('Unknown').arn }))).rejects.toMatchObject({ name: 'ForbiddenException' });
    await expect(client().send(new CreateJobCommand({ ...job, Settings: { ...job.Settings, Inputs: [] } }))).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(client().send(new CreateJobCommand({ Role: transcodingRole.arn, Queue: queue.arn } as CreateJobCommandInput))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('/settings'),
    });
    await expect(client().send(new GetJobCommand({ Id: '1700000000000-nosuch' }))).rejects.toMatchObject({ name: 'NotFoundException' });
    await mediaconvert.idle();
    expect(events).toEqual([]);
    expect(logged.some((e) => e.kind === 'denied' && e.message.includes('Unable to assume role'))).toBe(true);
  }, 60_000);
});
