import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { bearerTokens, createApi, loggedPath, type LocalTokens } from '@mediaflow/api';
import { systemClock, ulidGenerator, type Clock, type DetectedLabel, type EventBus, type MessageQueue, type ModerationLabel, type MultipartUploads } from '@mediaflow/domain';
import { SharpImageProcessor } from '@mediaflow/image-pipeline';
import { linkPageStatus, ServiceConfigSchema, type ServiceConfig, type ServiceDeps, type SweeperDeps } from '@mediaflow/media-service';
import { currentCorrelationId, LocalEventBus, withCorrelationId } from '@mediaflow/messaging';
import { openQueues, type SqliteQueueBroker } from '@mediaflow/messaging/sqlite';
import { FsMultipartUploads, FsObjectStore, presignedHandler } from '@mediaflow/storage/fs';
import { SqliteMediaChangeFeed, SqliteMediaRepository } from '@mediaflow/storage/sqlite';
import { moderate, normaliseLabels, ON_DEVICE_MODERATION_POLICY, ON_DEVICE_NORMALISE_OPTIONS } from '@mediaflow/tagging';
import { OnDeviceTagger } from '@mediaflow/tagging/on-device';
import { OnDeviceTextReader } from '@mediaflow/tagging/ocr';
import { detectFfmpeg, FfmpegAudioProcessor, FfmpegVideoTranscoder, type FfmpegBuild } from '@mediaflow/video-pipeline';
import { pipelineQueues, startLocalWorkers, type LocalWorkerDeps, type QueueDefinition, type RunningWorkers } from '@mediaflow/workers';
import { Hono } from 'hono';
import { isLoopbackHost, type LocalConfig } from './config.js';
import { octalMode, secureDataDir } from './data-dir.js';
import { waitingForLocks } from './lock-wait.js';
import { loadSecrets } from './secrets.js';
import { reannounceStrandedUploads } from './stranded.js';
import { localTokens } from './token-generations.js';
import { localSweeperDeps, startSweeping } from './sweeping.js';

export type Log = (entry: Record<string, unknown>) => void;

export interface LocalStack {
  url: string;
  port: number;
  tokens: LocalTokens;
  deps: ServiceDeps;
  broker: SqliteQueueBroker;
  definitions: readonly QueueDefinition[];
  /** The ffmpeg and ffprobe the workers run (undefined when this process runs no workers). */
  mediaTools: FfmpegBuild | undefined;
  /** Stops HTTP, lets in-flight jobs finish (or go back to their queues), closes the databases. */
  stop(): Promise<void>;
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The gallery runs no inline script and no eval; media and placeholders come from this origin,
 * `data:` (thumbhash) and `blob:` (local previews, HLS buffers).
 */
export const GALLERY_CSP =
  "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/** Definitions of the queues and their dead-letter queues for the SQLite broker. */
export function brokerDefinitions(definitions: readonly QueueDefinition[]): Record<string, { visibilityTimeoutSeconds: number; maxReceives?: number; deadLetter?: string }> {
  const out: Record<string, { visibilityTimeoutSeconds: number; maxReceives?: number; deadLetter?: string }> = {};
  for (const d of definitions) {
    out[d.name] = { visibilityTimeoutSeconds: d.visibilityTimeoutSeconds, maxReceives: d.maxReceives, deadLetter: d.deadLetter };
    out[d.deadLetter] = { visibilityTimeoutSeconds: 30 };
  }
  return out;
}

/**
 * The local pipeline's queues for a config. Every process sharing a data directory (serve, an
 * API-only or workers-only process, `status`, `dlq`) derives them the same way, so the bus routes
 * `media.processed` to tagging whichever process publishes it.
 */
export function localQueues(config: LocalConfig): QueueDefinition[] {
  const limits = { videoTimeLimitSeconds: config.videoTimeLimitSeconds, audioTimeLimitSeconds: config.audioTimeLimitSeconds };
  const queues = pipelineQueues(config.imageConcurrency ?? availableParallelism(), limits, { tagging: config.tagger !== 'off' });
  const cap = config.visibilityTimeoutSeconds;
  // Every local consumer renews its messages' visibility while a job runs, so a short timeout
  // does not cut a long job short; it only decides how soon a dead worker's jobs come back.
  return cap === undefined ? queues : queues.map((q) => ({ ...q, visibilityTimeoutSeconds: Math.min(q.visibilityTimeoutSeconds, cap) }));
}

/**
 * How long one call waits inside SQLite for another process's write lock (the server stands still
 * meanwhile), and how long it keeps trying in all, between pauses that leave the server running.
 */
const LOCK_ATTEMPT_MS = 20;
const LOCK_WAIT = { budgetMs: 5000, pauseMs: 100 };

/** The use cases' settings for a local config. */
export function localServiceConfig(config: LocalConfig): ServiceConfig {
  return ServiceConfigSchema.parse({
    maxUploadBytes: config.maxUploadBytes,
    ...(config.maxImageBytes === undefined ? {} : { maxBytesByKind: { image: config.maxImageBytes } }),
    multipartThresholdBytes: config.multipartThresholdBytes,
    multipartPartBytes: config.multipartPartBytes,
    mediaBaseUrl: '/media',
    videoTimeLimitSeconds: config.videoTimeLimitSeconds,
    audioTimeLimitSeconds: config.audioTimeLimitSeconds,
    trashRetentionDays: config.trashRetentionDays,
    uploadPartUrlTtlSeconds: config.uploadPartUrlTtlSeconds,
    uploadResumeWindowSeconds: config.uploadResumeWindowSeconds,
    ...(config.storageQuotaBytes === undefined ? {} : { storageQuotaBytes: config.storageQuotaBytes }),
  });
}

/** The local stand-in for the SNS topic: each queue with a filter policy subscribes to it. */
export function localEventBus(broker: SqliteQueueBroker, definitions: readonly QueueDefinition[]): EventBus {
  return new LocalEventBus(
    definitions.filter((d) => d.filter).map((d) => (d.filter ? { queue: broker.queue(d.name), policy: d.filter } : { queue: broker.queue(d.name) })),
  );
}

/**
 * The sweeper on a data directory, beside or without a running server (`mediaflow sweep`): the
 * stores, queues and bus the server uses, so what it resumes or announces reaches the server's
 * workers. `clock` lets a test run it as if later. Close it when done.
 */
export function openLocalSweeper(config: LocalConfig, clock: Clock = systemClock): { deps: SweeperDeps; close(): void } {
  const dataDir = resolve(config.dataDir);
  const { presignKey } = loadSecrets(dataDir);
  const baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const fsOptions = { root: join(dataDir, 'objects'), baseUrl, secret: presignKey, clock };
  const store = new FsObjectStore(fsOptions);
  const repo = new SqliteMediaRepository({ filename: join(dataDir, 'media.db') });
  const definitions = localQueues(config);
  let broker: SqliteQueueBroker;
  try {
    broker = openQueues(join(dataDir, 'queues.db'), brokerDefinitions(definitions));
  } catch (error) {
    repo.close();
    throw error;
  }
  const deps: ServiceDeps = {
    repo,
    store,
    bus: localEventBus(broker, definitions),
    ids: ulidGenerator,
    clock,
    config: localServiceConfig(config),
    // An abandoned multipart upload's parts go with its item, as in the server's own sweeps.
    multipart: new FsMultipartUploads(fsOptions),
    albums: repo.albums(),
    shares: repo.shares(),
    review: repo,
    search: repo.search(),
  };
  return {
    deps: localSweeperDeps(deps, store, broker.queue('ingest')),
    close() {
      void broker.close();
      repo.close();
    },
  };
}

/**
 * The ingest message of an object whose bytes arrived, as S3's event would announce it, with the
 * id of the request that sent the last of them: the ingest job and what it causes carry it on.
 */
function ingestMessage(object: { key: string; size: number }): string {
  const correlationId = currentCorrelationId();
  return JSON.stringify(correlationId === undefined ? object : { ...object, correlationId });
}

/** `/api/`, `/media/` and `/_local/` URLs: the API's (CloudFront routes the same prefixes in AWS). */
const API_PATH = /^[a-z]+:\/\/[^/]+\/(?:api|media|_local)\//;
/** The gallery's page of a share link, `/s/{token}`. */
const SHARE_PAGE = /^\/s\/([^/]{1,128})\/?$/;

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolvePromise, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolvePromise(server));
    server.once('error', reject);
  });
}

/**
 * Starts the whole product in this process on embedded parts: the API, the workers, the durable
 * queues and the gallery on one port, with every byte and record under `config.dataDir`.
 */
export async function startLocalStack(config: LocalConfig, log: Log = () => undefined): Promise<LocalStack> {
  const dataDir = resolve(config.dataDir);
  const openMode = secureDataDir(dataDir);
  if (openMode !== undefined) {
    log({ level: 'warn', msg: `the data directory was open to other users of this machine (mode ${octalMode(openMode)}); it is private (0700) again`, dataDir });
  }
  const { presignKey, shareKey } = loadSecrets(dataDir);
  // Tokens and their generations, re-read as they change: `mediaflow token --revoke` takes effect here without a restart.
  const { tokens, generations } = localTokens(dataDir);
  // Chosen and checked before anything listens: a configured ffmpeg that cannot be used stops the start.
  const mediaTools = config.workers ? await chooseMediaTools(config, dataDir, log) : undefined;

  // Listen first so that port 0 (tests) gives a real port for the presigned URLs.
  let handler: (request: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server = await listen((request) => handler(request), config.port, config.host);
  const port = (server.address() as AddressInfo).port;
  if (!isLoopbackHost(config.host)) {
    log({ level: 'warn', msg: `listening on ${config.host}, which is not a loopback address: other machines can reach the API, the gallery and the media on port ${port}; use --host 127.0.0.1 unless that is meant` });
  }
  const url = (config.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');

  const fsOptions = { root: join(dataDir, 'objects'), baseUrl: url, secret: presignKey };
  const store = new FsObjectStore(fsOptions);
  const parts = new FsMultipartUploads(fsOptions);
  const database = new SqliteMediaRepository({ filename: join(dataDir, 'media.db'), revisionCacheMs: 250, busyTimeoutMs: LOCK_ATTEMPT_MS });
  // Live status for the gallery (`GET /api/v1/events`): the log the media table's triggers write,
  // whichever process (this one, a workers-only one) makes the change. Stopping ends its streams.
  const changes = new SqliteMediaChangeFeed({ filename: join(dataDir, 'media.db'), busyTimeoutMs: LOCK_ATTEMPT_MS });
  const streams = new AbortController();
  const repo = waitingForLocks(database, {
    ...LOCK_WAIT,
    onWait: (during) => log({ level: 'info', msg: 'waiting for the media database lock', during }),
  });
  const definitions = localQueues(config);
  const broker = openQueues(join(dataDir, 'queues.db'), brokerDefinitions(definitions));
  const bus = localEventBus(broker, definitions);
  const ingest: MessageQueue = broker.queue('ingest');
  // Like S3, completing a multipart upload is an "object created" event.
  const multipart: MultipartUploads = {
    start: (key, size, options) => parts.start(key, size, options),
    presignParts: (key, uploadId, plan, numbers, options) => parts.presignParts(key, uploadId, plan, numbers, options),
    listParts: (key, uploadId) => parts.listParts(key, uploadId),
    abort: (key, uploadId) => parts.abort(key, uploadId),
    async complete(key, uploadId, list) {
      const head = await parts.complete(key, uploadId, list);
      await ingest.send(ingestMessage({ key, size: head.size }));
      return head;
    },
  };
  const deps: ServiceDeps = {
    repo,
    store,
    bus,
    ids: ulidGenerator,
    clock: systemClock,
    config: localServiceConfig(config),
    multipart,
    // On the media database's own connection: a delete and its album changes are one file's writes.
    albums: database.albums(),
    shares: database.shares(),
    review: database,
    search: database.search(),
  };
  const tagger = config.workers && config.tagger === 'on-device' ? new OnDeviceTagger() : undefined;
  // Words in images (OCR) come with the tagger and go with it: the text queue follows tagging.
  const textReader = config.workers && config.tagger === 'on-device' ? new OnDeviceTextReader({ timeoutMs: Math.max(1, Math.round(config.textTimeLimitSeconds * 1000)) }) : undefined;
  // The processors exist only where workers run: an API-only process has none to misuse.
  const workerDeps: LocalWorkerDeps | undefined = mediaTools && {
    ...deps,
    images: new SharpImageProcessor(),
    ...(await mediaWorkers(mediaTools, dataDir)),
    ...(tagger
      ? {
          tagging: {
            tagger,
            tags: (labels: readonly DetectedLabel[]) => normaliseLabels(labels, ON_DEVICE_NORMALISE_OPTIONS),
            moderate: (labels: readonly ModerationLabel[], now: Date) => moderate(labels, ON_DEVICE_MODERATION_POLICY, now),
          },
        }
      : {}),
    // The on-device reader decodes WebP too, so it gets the 2048 px `large` rendition.
    ...(textReader ? { text: { reader: textReader, formats: ['jpeg', 'png', 'webp'] as const } } : {}),
  };

  /** The local stand-in for S3 presigned URLs; a complete original triggers ingest like an S3 event. */
  const localUploads = presignedHandler({
    store,
    parts,
    secret: presignKey,
    maxUploadBytes: config.maxUploadBytes,
    // A URL writes only while its item waits for its bytes: not after a delete, not over a stored original.
    awaitingUpload: async ({ ownerId, mediaId }) => (await repo.get(ownerId, mediaId))?.status === 'uploading',
    onObjectCreated: async (object) => {
      await ingest.send(ingestMessage(object));
    },
  });

  const api = createApi({
    deps,
    verifier: bearerTokens(tokens),
    mediaFiles: {},
    localUploads,
    shares: { secret: shareKey },
    events: { feed: changes, signal: streams.signal },
    // A deleted account's tokens end with it: the user moves to a generation none of them is in.
    account: { records: database, directory: { deleteUser: async (ownerId) => void generations.revoke(ownerId) } },
    ...(config.responseCache ? {} : { responseCache: false as const }),
    ...(config.rateLimitPerSecond === undefined ? {} : { rateLimit: { perSecond: config.rateLimitPerSecond, burst: Math.ceil(config.rateLimitPerSecond * 4) } }),
    onError: (error, request) => log({ level: 'error', msg: 'request failed', path: loggedPath(new URL(request.url).pathname), error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    // Each request's id: in X-Request-Id, on its access line and on the events (and jobs) it causes.
    tracing: { scope: withCorrelationId, accessLog: log },
  });

  const galleryDir = config.galleryDir ? resolve(config.galleryDir) : undefined;
  const hasGallery = galleryDir !== undefined && existsSync(join(galleryDir, 'index.html'));
  const app = new Hono();
  app.get('*', async (c) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    // A share link's page says with its status whether the link still works (the app says why).
    const link = SHARE_PAGE.exec(path)?.[1];
    const status = link === undefined ? 200 : await linkPageStatus(deps, link);
    if (!hasGallery || !galleryDir) {
      return c.text(
        `Mediaflow is running.\n\nAPI: ${url}/api/v1 (OpenAPI at ${url}/api/openapi.json)\nGet a token with: npx mediaflow token --user NAME\n\nThe web gallery is not built yet.\n`,
        status,
        { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'" },
      );
    }
    const file = resolve(galleryDir, `.${path}`);
    const inside = file.startsWith(galleryDir + sep);
    const target = inside && existsSync(file) && extname(file) !== '' ? file : join(galleryDir, 'index.html');
    const type = STATIC_TYPES[extname(target)] ?? 'application/octet-stream';
    const immutable = target.includes(`${sep}assets${sep}`);
    return c.body(await readFile(target), status, {
      'content-type': type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': GALLERY_CSP,
    });
  });
  // The API's paths go straight to the API app: handing it the request untouched keeps the node
  // adapter's lightweight request (no WHATWG Request, no AbortSignal, per call).
  handler = (request) => (API_PATH.test(request.url) ? api.fetch(request) : app.fetch(request));

  if (config.workers) {
    // Before the workers take messages: what is in the queues now is all the pipeline knows of.
    const carriers = definitions.filter((d) => d.filter?.['type']?.includes('media.uploaded')).flatMap((d) => [broker.queue(d.name), broker.queue(d.deadLetter)]);
    const announced = await reannounceStrandedUploads(deps, carriers);
    if (announced > 0) log({ level: 'info', msg: 'announced stranded uploads again', count: announced });
  }
  const workers: RunningWorkers | undefined = !workerDeps ? undefined : startLocalWorkers({
    deps: workerDeps,
    definitions,
    queue: (name) => broker.queue(name),
    log,
    retryBaseSeconds: config.retryBaseSeconds,
    waitTimeSeconds: config.pollSeconds,
  });
  // Also resumes uploads a crash cut off between their bytes and their ingest message.
  const sweeping = startSweeping(localSweeperDeps(deps, store, ingest), { intervalSeconds: config.sweepIntervalSeconds, graceSeconds: config.sweepGraceSeconds }, log);
  log({ level: 'info', msg: 'mediaflow serve started', url, dataDir });

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    tokens,
    deps,
    broker,
    definitions,
    mediaTools,
    stop() {
      stopped ??= (async () => {
        streams.abort();
        await new Promise<void>((done) => server.close(() => done()));
        await sweeping.stop();
        await workers?.stop();
        await tagger?.close();
        await textReader?.close();
        broker.close();
        changes.close();
        database.close();
      })();
      return stopped;
    },
  };
}

/**
 * ffmpeg-based processors for the workers, with their scratch space under the data directory.
 * Scratch files belong to jobs in flight; after a crash none is, so what is left is removed.
 */
async function mediaWorkers(tools: FfmpegBuild, dataDir: string): Promise<Pick<LocalWorkerDeps, 'video' | 'audio' | 'scratchDir'>> {
  const scratchDir = join(dataDir, 'scratch');
  await rm(scratchDir, { recursive: true, force: true });
  return {
    video: new FfmpegVideoTranscoder({ tools }),
    audio: new FfmpegAudioProcessor({ tools, workDir: scratchDir }),
    scratchDir,
  };
}

/** Where `serve` records the media tools it chose, for `mediaflow status`. */
export const MEDIA_TOOLS_FILE = 'media-tools.json';

/** What `serve` recorded about its media tools (see {@link chooseMediaTools}). */
export interface MediaToolsRecord {
  description: string;
  version: string;
  source: FfmpegBuild['source'];
  current: boolean;
  warning?: string | undefined;
  chosenAt: string;
}

/**
 * `MEDIAFLOW_FFMPEG`/`MEDIAFLOW_FFPROBE`, else a current ffmpeg on PATH, else the bundled fallback
 * (with a warning in the log); recorded in the data directory so that `status` can tell which build
 * the server runs.
 */
async function chooseMediaTools(config: LocalConfig, dataDir: string, log: Log): Promise<FfmpegBuild> {
  const tools = await detectFfmpeg({
    configured: { ffmpeg: config.ffmpegPath, ffprobe: config.ffprobePath },
    searchPath: config.toolSearchPath,
  });
  if (tools.warning) log({ level: 'warn', msg: tools.warning });
  // Whether an input that takes over ffmpeg could reach secret.key depends on how this server runs.
  log({ level: 'info', msg: tools.isolation.description });
  const record: MediaToolsRecord = {
    description: tools.description,
    version: tools.version,
    source: tools.source,
    current: tools.current,
    warning: tools.warning,
    chosenAt: new Date().toISOString(),
  };
  await writeFile(join(dataDir, MEDIA_TOOLS_FILE), `${JSON.stringify(record, null, 2)}\n`);
  return tools;
}
