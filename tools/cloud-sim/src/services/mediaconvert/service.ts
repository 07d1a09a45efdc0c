/**
 * The MediaConvert stand-in: the REST JSON API the SDK speaks (CreateJob, GetJob, ListJobs,
 * CancelJob, DescribeEndpoints) and a background queue that runs each job with ffmpeg as the job
 * role would: the input is read and every output written through `objects` as that role, so a
 * role the template does not let read originals or write renditions fails the job as in AWS.
 * Each job announces its states (SUBMITTED, PROGRESSING, STATUS_UPDATE, COMPLETE / ERROR /
 * CANCELED) through `emit`, in the shape of EventBridge's "MediaConvert Job State Change".
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RoleSpec, MediaConvertQueueSpec } from '../../specs.js';
import type { Authorization, AwsRequest, AwsResponse, ServiceHandler, SimAccount, SimLog } from '../../types.js';
import { JOB_ERROR_CODES, JobFailure, MediaConvertApiError, UnsupportedSettingError } from './errors.js';
import { probe, type Probe } from './ffmpeg.js';
import { planJob, s3Uri, type JobPlan } from './plan.js';
import { renderGroup, type RenderedGroup } from './render.js';

export const MEDIACONVERT_SERVICE_PRINCIPAL = 'mediaconvert.amazonaws.com';
const API = '/2017-08-29';

/** Object storage as a given role sees it; a refusal or a missing object is a rejection. */
export interface JobObjectStore {
  get(bucket: string, key: string, asRoleArn: string): Promise<Buffer>;
  put(bucket: string, key: string, body: Buffer, contentType: string, asRoleArn: string): Promise<void>;
}

export interface MediaConvertEvent {
  source: 'aws.mediaconvert';
  detailType: 'MediaConvert Job State Change';
  detail: Record<string, unknown>;
  resources: string[];
}

export interface MediaConvertOptions {
  queues: MediaConvertQueueSpec[];
  roles: RoleSpec[];
  account: SimAccount;
  ffmpeg: string;
  ffprobe: string;
  /** Scratch space; each job works in its own folder, removed when it ends. */
  workDir: string;
  objects: JobObjectStore;
  emit(event: MediaConvertEvent): Promise<void>;
  /**
   * Whether `service` may assume `roleArn` for a job of the queue `sourceArn` (the role's trust
   * policy with `aws:SourceArn` / `aws:SourceAccount`): the stage's IAM evaluator decides.
   */
  canAssume(roleArn: string, service: string, sourceArn: string, sourceAccount: string): boolean | Promise<boolean>;
  log: SimLog;
  /** Jobs transcoding at once (the rest wait as SUBMITTED). Default 1. */
  concurrency?: number;
  /** What DescribeEndpoints answers; by default the address the request came to. */
  endpointUrl?: string;
}

export type JobStatus = 'SUBMITTED' | 'PROGRESSING' | 'COMPLETE' | 'ERROR' | 'CANCELED';

export interface JobSummary {
  id: string;
  arn: string;
  status: JobStatus;
  queueArn: string;
  roleArn: string;
  userMetadata: Record<string, string>;
  createdAt: Date;
  errorCode?: number;
  errorMessage?: string;
  /** Every file the job wrote, as `s3://bucket/key`, in the order written. */
  outputs: string[];
}

export interface MediaConvert {
  handler: ServiceHandler;
  /** Resolves once no job is waiting or running (and their events were emitted). */
  idle(): Promise<void>;
  jobs(): JobSummary[];
}

interface OutputGroupReport {
  type: string;
  playlistFilePaths?: string[];
  outputDetails: Array<{ outputFilePaths: string[]; durationInMs?: number; videoDetails?: { widthInPx: number; heightInPx: number } }>;
}

interface JobRecord {
  summary: JobSummary;
  body: Record<string, unknown>;
  plan: JobPlan;
  clientRequestToken?: string;
  abort: AbortController;
  startedAt?: Date;
  finishedAt?: Date;
  percentComplete?: number;
  report?: OutputGroupReport[];
}

/** Counts jobs in flight; `acquire` waits for a free slot. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

function json(status: number, body: unknown): AwsResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function apiError(error: MediaConvertApiError): AwsResponse {
  return { status: error.status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.type }, body: JSON.stringify({ message: error.message }) };
}

/** MediaConvert job ids: creation time in milliseconds and six random characters. */
function newJobId(): string {
  const random = Array.from(randomBytes(6), (byte) => (byte % 36).toString(36)).join('');
  return `${Date.now()}-${random}`;
}

function parseBody(request: AwsRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch (error) {
    throw new MediaConvertApiError('BadRequestException', 'The request body is not valid JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MediaConvertApiError('BadRequestException', 'The request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

type Route = { operation: 'CreateJob' | 'ListJobs' | 'DescribeEndpoints' } | { operation: 'GetJob' | 'CancelJob'; id: string };

function route(request: AwsRequest): Route | undefined {
  const path = request.path.replace(/\/+$/, '');
  const method = request.method.toUpperCase();
  if (path === `${API}/jobs`) {
    if (method === 'POST') return { operation: 'CreateJob' };
    if (method === 'GET') return { operation: 'ListJobs' };
  }
  if (path === `${API}/endpoints` && method === 'POST') return { operation: 'DescribeEndpoints' };
  const job = new RegExp(`^${API}/jobs/([^/]+)$`).exec(path);
  if (job) {
    const id = decodeURIComponent(job[1] as string);
    if (method === 'GET') return { operation: 'GetJob', id };
    if (method === 'DELETE') return { operation: 'CancelJob', id };
  }
  return undefined;
}

function stringMap(value: unknown, member: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MediaConvertApiError('BadRequestException', `/${member}: expected an object`);
  const entries = Object.entries(value);
  for (const [key, entry] of entries) {
    if (typeof entry !== 'string') throw new MediaConvertApiError('BadRequestException', `/${member}/${key}: expected a string`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A MediaConvert account with the template's queues (and the account's `Default` queue).
 *
 * @example
 * const mediaconvert = createMediaConvert({ queues, roles, account, ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe',
 *   workDir, objects, emit: (event) => bus.put(event), canAssume: (role, service, arn, account) => iam.canAssume(...), log });
 * gateway.register('mediaconvert', mediaconvert.handler);
 * // ... a function creates a job ...
 * await mediaconvert.idle();
 */
export function createMediaConvert(options: MediaConvertOptions): MediaConvert {
  const { account } = options;
  const arnPrefix = `arn:${account.partition}:mediaconvert:${account.region}:${account.accountId}`;
  const queues = new Map<string, string>();
  for (const queue of [{ name: 'Default', arn: `${arnPrefix}:queues/Default` }, ...options.queues]) {
    queues.set(queue.arn, queue.arn);
    queues.set(queue.name, queue.arn);
  }
  const roles = new Set(options.roles.map((role) => role.arn));
  const jobs = new Map<string, JobRecord>();
  const running = new Set<Promise<void>>();
  const slots = new Slots(Math.max(1, options.concurrency ?? 1));
  // The job id is chosen when IAM is asked about CreateJob (the job ARN is a resource of it).
  const reservedIds = new WeakMap<AwsRequest, string>();

  const jobArn = (id: string): string => `${arnPrefix}:jobs/${id}`;

  function queueArnOf(queue: unknown): string {
    if (queue === undefined) return `${arnPrefix}:queues/Default`;
    if (typeof queue !== 'string') throw new MediaConvertApiError('BadRequestException', '/queue: expected a string');
    const arn = queues.get(queue);
    if (arn === undefined) throw new MediaConvertApiError('NotFoundException', `The specified queue: ${queue} does not exist`);
    return arn;
  }

  async function emitState(job: JobRecord, status: string, extra: Record<string, unknown> = {}): Promise<void> {
    const { summary } = job;
    const event: MediaConvertEvent = {
      source: 'aws.mediaconvert',
      detailType: 'MediaConvert Job State Change',
      detail: {
        timestamp: Date.now(),
        accountId: account.accountId,
        queue: summary.queueArn,
        jobId: summary.id,
        status,
        userMetadata: summary.userMetadata,
        ...extra,
      },
      resources: [summary.arn],
    };
    try {
      await options.emit(event);
    } catch (error) {
      options.log({ kind: 'dropped', source: 'mediaconvert', message: `the ${status} event of job ${summary.id} could not be delivered: ${describe(error)}`, detail: { jobId: summary.id } });
    }
  }

  async function readInput(job: JobRecord, dir: string): Promise<{ path: string; facts: Probe }> {
    const { input } = job.plan;
    const uri = s3Uri(input);
    let body: Buffer;
    try {
      body = await options.objects.get(input.bucket, input.key, job.summary.roleArn);
    } catch (error) {
      throw new JobFailure(JOB_ERROR_CODES.inputAccess, `Unable to open input file [${uri}]: [Failed probe/open: [Failed to read data: ${describe(error)}]]`, { cause: error });
    }
    const path = join(dir, `input-${input.key.slice(input.key.lastIndexOf('/') + 1) || 'file'}`);
    await writeFile(path, body);
    let facts: Probe;
    try {
      facts = await probe(options.ffprobe, path, job.abort.signal);
    } catch (error) {
      if (job.abort.signal.aborted) throw error;
      throw new JobFailure(JOB_ERROR_CODES.inputUnreadable, `Unable to open input file [${uri}]: [Failed probe/open: [${describe(error)}]]`, { cause: error });
    }
    if (!facts.video) throw new JobFailure(JOB_ERROR_CODES.inputUnreadable, `Input file [${uri}] has no video track`);
    return { path, facts };
  }

  async function upload(job: JobRecord, group: RenderedGroup): Promise<void> {
    const files = [...group.outputs.flatMap((output) => output.files), ...(group.master ? [group.master] : [])];
    for (const file of files) {
      const uri = s3Uri(file.location);
      try {
        await options.objects.put(file.location.bucket, file.location.key, await readFile(file.path), file.contentType, job.summary.roleArn);
      } catch (error) {
        throw new JobFailure(JOB_ERROR_CODES.outputWrite, `Unable to write to output file [${uri}]: [Failed to write data: ${describe(error)}]`, { cause: error });
      }
      job.summary.outputs.push(uri);
    }
  }

  function reportOf(group: RenderedGroup): OutputGroupReport {
    return {
      type: group.type,
      ...(group.master ? { playlistFilePaths: [s3Uri(group.master.location)] } : {}),
      outputDetails: group.outputs.map((output) => ({
        outputFilePaths: [s3Uri(output.reported)],
        ...(output.durationMs !== undefined ? { durationInMs: output.durationMs } : {}),
        ...(output.width !== undefined && output.height !== undefined ? { videoDetails: { widthInPx: output.width, heightInPx: output.height } } : {}),
      })),
    };
  }

  async function transcode(job: JobRecord): Promise<OutputGroupReport[]> {
    const dir = join(options.workDir, job.summary.id);
    await mkdir(dir, { recursive: true });
    try {
      const input = await readInput(job, dir);
      const reports: OutputGroupReport[] = [];
      const groups = job.plan.groups;
      for (const [index, planned] of groups.entries()) {
        let rendered: RenderedGroup;
        try {
          rendered = await renderGroup(planned, { ffmpeg: options.ffmpeg, ffprobe: options.ffprobe, input: input.path, inputFacts: input.facts, dir: join(dir, `group-${index}`), signal: job.abort.signal });
        } catch (error) {
          if (job.abort.signal.aborted) throw error;
          throw new JobFailure(JOB_ERROR_CODES.transcode, `Transcoding output group ${index} (${planned.name || planned.type}) failed: ${describe(error)}`, { cause: error });
        }
        await upload(job, rendered);
        reports.push(reportOf(rendered));
        if (index < groups.length - 1) {
          job.percentComplete = Math.round(((index + 1) / groups.length) * 100);
          await emitState(job, 'STATUS_UPDATE', {
            framesDecoded: 0,
            jobProgress: { jobPercentComplete: job.percentComplete, currentPhase: 'TRANSCODING', retryCount: 0 },
          });
        }
      }
      return reports;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  function finish(job: JobRecord, status: JobStatus): void {
    job.summary.status = status;
    job.finishedAt = new Date();
  }

  async function run(job: JobRecord): Promise<void> {
    await emitState(job, 'SUBMITTED');
    await slots.acquire();
    try {
      if (job.abort.signal.aborted) {
        await emitState(job, 'CANCELED');
        return;
      }
      job.summary.status = 'PROGRESSING';
      job.startedAt = new Date();
      job.percentComplete = 0;
      await emitState(job, 'PROGRESSING');
      try {
        job.report = await transcode(job);
        job.percentComplete = 100;
        finish(job, 'COMPLETE');
        await emitState(job, 'COMPLETE', { outputGroupDetails: job.report });
      } catch (error) {
        if (job.abort.signal.aborted) {
          finish(job, 'CANCELED');
          await emitState(job, 'CANCELED');
          return;
        }
        const failure = error instanceof JobFailure ? error : new JobFailure(JOB_ERROR_CODES.transcode, describe(error), { cause: error });
        job.summary.errorCode = failure.code;
        job.summary.errorMessage = failure.message;
        finish(job, 'ERROR');
        options.log({ kind: 'info', source: 'mediaconvert', message: `job ${job.summary.id} failed: ${failure.message}`, detail: { jobId: job.summary.id, errorCode: failure.code } });
        await emitState(job, 'ERROR', { errorCode: failure.code, errorMessage: failure.message });
      }
    } finally {
      slots.release();
    }
  }

  function start(job: JobRecord): void {
    const promise = run(job).finally(() => running.delete(promise));
    running.add(promise);
  }

  const seconds = (date: Date | undefined): number | undefined => (date === undefined ? undefined : Math.floor(date.getTime() / 1000));

  /** The job as the API returns it (camelCase, timestamps in epoch seconds). */
  function view(job: JobRecord): Record<string, unknown> {
    const { summary, body } = job;
    const timing: Record<string, number | undefined> = { submitTime: seconds(summary.createdAt), startTime: seconds(job.startedAt), finishTime: seconds(job.finishedAt) };
    return {
      arn: summary.arn,
      id: summary.id,
      createdAt: seconds(summary.createdAt),
      status: summary.status,
      queue: summary.queueArn,
      role: summary.roleArn,
      settings: body['settings'],
      userMetadata: summary.userMetadata,
      statusUpdateInterval: body['statusUpdateInterval'] ?? 'SECONDS_60',
      priority: body['priority'] ?? 0,
      billingTagsSource: body['billingTagsSource'] ?? 'JOB',
      accelerationStatus: 'NOT_APPLICABLE',
      retryCount: 0,
      timing: Object.fromEntries(Object.entries(timing).filter(([, value]) => value !== undefined)),
      ...(job.percentComplete !== undefined && summary.status === 'PROGRESSING' ? { jobPercentComplete: job.percentComplete, currentPhase: 'TRANSCODING' } : {}),
      ...(summary.errorCode !== undefined ? { errorCode: summary.errorCode, errorMessage: summary.errorMessage } : {}),
      ...(job.report
        ? { outputGroupDetails: job.report.map((group) => ({ outputDetails: group.outputDetails.map(({ outputFilePaths: _paths, ...detail }) => detail) })) }
        : {}),
    };
  }

  async function createJob(request: AwsRequest): Promise<AwsResponse> {
    const body = parseBody(request);
    const token = typeof body['clientRequestToken'] === 'string' ? body['clientRequestToken'] : undefined;
    if (token !== undefined) {
      const existing = [...jobs.values()].find((job) => job.clientRequestToken === token);
      if (existing) return json(201, { job: view(existing) });
    }
    const role = body['role'];
    if (typeof role !== 'string' || role === '') throw new MediaConvertApiError('BadRequestException', '/role: is a required property');
    if (body['settings'] === undefined) throw new MediaConvertApiError('BadRequestException', '/settings: is a required property');
    const queueArn = queueArnOf(body['queue']);
    const userMetadata = stringMap(body['userMetadata'], 'userMetadata');
    let plan: JobPlan;
    try {
      plan = planJob(body['settings']);
    } catch (error) {
      if (error instanceof UnsupportedSettingError) options.log({ kind: 'info', source: 'mediaconvert', message: error.message });
      throw error;
    }
    const unassumable = `Unable to assume role ${role} for queue ${queueArn}: check that the role exists and trusts ${MEDIACONVERT_SERVICE_PRINCIPAL}`;
    if (!roles.has(role) || !(await options.canAssume(role, MEDIACONVERT_SERVICE_PRINCIPAL, queueArn, account.accountId))) {
      options.log({ kind: 'denied', source: 'mediaconvert', message: unassumable, detail: { role, queue: queueArn } });
      throw new MediaConvertApiError('ForbiddenException', unassumable);
    }
    const id = reservedIds.get(request) ?? newJobId();
    const job: JobRecord = {
      summary: { id, arn: jobArn(id), status: 'SUBMITTED', queueArn, roleArn: role, userMetadata, createdAt: new Date(), outputs: [] },
      body,
      plan,
      abort: new AbortController(),
      ...(token !== undefined ? { clientRequestToken: token } : {}),
    };
    jobs.set(id, job);
    start(job);
    return json(201, { job: view(job) });
  }

  function jobOf(id: string): JobRecord {
    const job = jobs.get(id);
    if (!job) throw new MediaConvertApiError('NotFoundException', `The specified job ${id} does not exist`);
    return job;
  }

  function listJobs(request: AwsRequest): AwsResponse {
    const { query } = request;
    const maxResults = Math.min(20, Math.max(1, Number(query.get('maxResults') ?? 20) || 20));
    const start = Number(query.get('nextToken') ?? 0);
    if (!Number.isInteger(start) || start < 0) throw new MediaConvertApiError('BadRequestException', 'Invalid nextToken');
    const queue = query.get('queue');
    const queueArn = queue === null ? undefined : queueArnOf(queue);
    const status = query.get('status');
    const ascending = query.get('order') === 'ASCENDING';
    const matching = [...jobs.values()]
      .filter((job) => (queueArn === undefined || job.summary.queueArn === queueArn) && (status === null || job.summary.status === status))
      .sort((a, b) => (a.summary.createdAt.getTime() - b.summary.createdAt.getTime()) * (ascending ? 1 : -1));
    const page = matching.slice(start, start + maxResults);
    const next = start + maxResults < matching.length ? { nextToken: String(start + maxResults) } : {};
    return json(200, { jobs: page.map(view), ...next });
  }

  function cancelJob(id: string): AwsResponse {
    const job = jobOf(id);
    if (job.summary.status !== 'SUBMITTED' && job.summary.status !== 'PROGRESSING') {
      throw new MediaConvertApiError('ConflictException', `The job ${id} is ${job.summary.status} and cannot be canceled`);
    }
    job.abort.abort();
    if (job.summary.status === 'SUBMITTED') finish(job, 'CANCELED');
    return json(202, {});
  }

  const handler: ServiceHandler = {
    authorizations(request) {
      const target = route(request);
      if (target === undefined) return [];
      switch (target.operation) {
        case 'CreateJob': {
          const id = newJobId();
          reservedIds.set(request, id);
          const authorizations: Authorization[] = [{ action: 'mediaconvert:CreateJob', resource: jobArn(id) }];
          let body: Record<string, unknown> = {};
          try {
            body = parseBody(request);
          } catch {
            // `handle` answers the malformed body; IAM still decides on the job itself first.
          }
          try {
            authorizations.push({ action: 'mediaconvert:CreateJob', resource: queueArnOf(body['queue']) });
          } catch {
            // An unknown queue is answered by `handle` with NotFoundException.
          }
          if (typeof body['role'] === 'string') {
            authorizations.push({ action: 'iam:PassRole', resource: body['role'], context: { 'iam:PassedToService': MEDIACONVERT_SERVICE_PRINCIPAL } });
          }
          return authorizations;
        }
        case 'GetJob':
          return [{ action: 'mediaconvert:GetJob', resource: jobArn(target.id) }];
        case 'CancelJob':
          return [{ action: 'mediaconvert:CancelJob', resource: jobArn(target.id) }];
        case 'ListJobs':
          return [{ action: 'mediaconvert:ListJobs', resource: `${arnPrefix}:queues/*` }];
        case 'DescribeEndpoints':
          return [{ action: 'mediaconvert:DescribeEndpoints', resource: '*' }];
      }
    },

    async handle(request) {
      try {
        const target = route(request);
        if (target === undefined) throw new MediaConvertApiError('BadRequestException', `cloud-sim does not emulate ${request.method} ${request.path}`);
        switch (target.operation) {
          case 'CreateJob':
            return await createJob(request);
          case 'GetJob':
            return json(200, { job: view(jobOf(target.id)) });
          case 'ListJobs':
            return listJobs(request);
          case 'CancelJob':
            return cancelJob(target.id);
          case 'DescribeEndpoints': {
            const url = options.endpointUrl ?? `http://${request.headers['host'] ?? `mediaconvert.${account.region}.amazonaws.com`}`;
            return json(200, { endpoints: [{ url }] });
          }
        }
      } catch (error) {
        if (error instanceof MediaConvertApiError) return apiError(error);
        throw error;
      }
    },

    denied(_request, message) {
      return apiError(new MediaConvertApiError('ForbiddenException', message));
    },
  };

  return {
    handler,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    jobs: () => [...jobs.values()].map((job) => ({ ...job.summary, userMetadata: { ...job.summary.userMetadata }, outputs: [...job.summary.outputs] })),
  };
}

