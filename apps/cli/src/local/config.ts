import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';

/** pino's levels, lowest first; `silent` logs nothing. */
export const LogLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** JSON lines (one object a line, for files, pipes and log stores) or lines for people to read. */
export const LogFormatSchema = z.enum(['json', 'pretty']);
export type LogFormat = z.infer<typeof LogFormatSchema>;

/**
 * The local stack's settings, parsed once at start-up from the environment (`MEDIAFLOW_*`) and
 * command-line flags (flags win). Nothing deeper reads `process.env`.
 */
export const LocalConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('.mediaflow'),
  /** The URL people and presigned links use; defaults to http://localhost:{port}. */
  publicUrl: z.url().optional(),
  maxUploadBytes: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  /** How many bytes each user may store (originals and renditions, the trash included); unset, no limit. */
  storageQuotaBytes: z.coerce.number().int().positive().optional(),
  /** How many days an item stays in the trash before it is removed for good. */
  trashRetentionDays: z.coerce.number().int().min(1).max(3650).default(30),
  /** How long a presigned part URL lives, and how long a multipart upload may be resumed (docs/uploads.md). */
  uploadPartUrlTtlSeconds: z.coerce.number().int().positive().max(7 * 24 * 3600).default(900),
  uploadResumeWindowSeconds: z.coerce.number().int().positive().max(30 * 24 * 3600).default(24 * 3600),
  /**
   * The largest image accepted, in bytes: images are decoded in memory, so a larger one is refused
   * at ingest before anything reads it whole. Unset: the service's own limit (200 MiB).
   */
  maxImageBytes: z.coerce.number().int().positive().optional(),
  /** Uploads above this size go in presigned parts (S3 multipart semantics). */
  multipartThresholdBytes: z.coerce.number().int().positive().default(64 * 1024 ** 2),
  multipartPartBytes: z.coerce.number().int().min(5 * 1024 ** 2).default(16 * 1024 ** 2),
  /** The web gallery's build; served at `/` when it exists. */
  galleryDir: z.string().optional(),
  /** Worker concurrency for CPU-bound queues (defaults to the core count). */
  imageConcurrency: z.coerce.number().int().min(1).max(64).optional(),
  /** First retry delay of a failed job in seconds, doubling per attempt. */
  retryBaseSeconds: z.coerce.number().min(0).max(300).default(2),
  /** Run the queue workers in this process (off: API only, with workers in another process). */
  workers: z.boolean().default(true),
  /**
   * Keep serialised list pages and tag counts in memory until the owner's data changes (32 MiB).
   * Off only to measure what a cache miss costs.
   */
  responseCache: z.boolean().default(true),
  /**
   * Labels and moderation for images, video frames and audio covers: the on-device tagger (models
   * shipped in npm packages, run in a worker thread, fully offline), or off.
   */
  tagger: z.enum(['on-device', 'off']).default('on-device'),
  /**
   * How long the text step's OCR may take over one image, from when its engine gets it, before the
   * image is skipped (its text saved empty). Local only; tests on a loaded machine raise it.
   */
  textTimeLimitSeconds: z.number().positive().max(600).default(20),
  /**
   * API requests per second allowed to each owner (bursts of four times as many), for a server
   * shared by several people; off when unset.
   */
  rateLimitPerSecond: z.coerce.number().positive().max(100_000).optional(),
  /**
   * How long a job a worker took stays hidden from other workers between two heartbeats: after a
   * crash, the jobs the dead process held run again this soon. Unset: each queue's own (at most
   * two minutes); shorter recovers sooner at the cost of more heartbeat writes.
   */
  visibilityTimeoutSeconds: z.coerce.number().int().min(5).max(120).optional(),
  /** Long-poll wait of the workers; shorter makes shutdown quicker. */
  pollSeconds: z.coerce.number().min(0.05).max(20).default(2),
  /** The longest one video job may run before its item fails with `timeout`. */
  videoTimeLimitSeconds: z.coerce.number().int().min(10).max(6 * 3600).default(1800),
  /** The same for an audio job. */
  audioTimeLimitSeconds: z.coerce.number().int().min(10).max(3600).default(300),
  /**
   * The ffmpeg/ffprobe to run (paths or commands on PATH), which must be of one build and at least
   * 5.1. Unset: a current pair found on `toolSearchPath`, else the old static build that ships in
   * the npm package, as a fallback with a warning.
   */
  ffmpegPath: z.string().min(1).optional(),
  ffprobePath: z.string().min(1).optional(),
  /** Where to look for ffmpeg and ffprobe (the environment's `PATH`); not searched when unset. */
  toolSearchPath: z.string().optional(),
  /**
   * How often the sweeper puts the data directory back in step (orphaned objects, abandoned
   * uploads, temp files of interrupted writes); it also runs at start-up. 0: at start-up only.
   */
  sweepIntervalSeconds: z.coerce.number().int().min(0).max(7 * 24 * 3600).default(3600),
  /** Objects younger than this are never swept: an upload or a job may still be recording them. */
  sweepGraceSeconds: z.coerce.number().int().min(0).max(30 * 24 * 3600).default(3600),
  /** The lowest level `serve` writes to its log (docs/logging.md). */
  logLevel: LogLevelSchema.default('info'),
  /** How `serve` writes its log; unset: pretty on a terminal, JSON lines elsewhere. */
  logFormat: LogFormatSchema.optional(),
  /** `NO_COLOR` (no-color.org): set to anything, the pretty log has no colours. */
  noColor: z.string().optional(),
}).refine((c) => (c.ffmpegPath === undefined) === (c.ffprobePath === undefined), {
  // A probe from one build and an encode from another disagree on what they accept.
  message: 'MEDIAFLOW_FFMPEG and MEDIAFLOW_FFPROBE are set together or not at all',
  path: ['ffprobePath'],
});
export type LocalConfig = z.infer<typeof LocalConfigSchema>;

const ENV_KEYS: Record<string, keyof LocalConfig> = {
  MEDIAFLOW_PORT: 'port',
  MEDIAFLOW_HOST: 'host',
  MEDIAFLOW_DATA_DIR: 'dataDir',
  MEDIAFLOW_PUBLIC_URL: 'publicUrl',
  MEDIAFLOW_MAX_UPLOAD_BYTES: 'maxUploadBytes',
  MEDIAFLOW_STORAGE_QUOTA_BYTES: 'storageQuotaBytes',
  MEDIAFLOW_TRASH_RETENTION_DAYS: 'trashRetentionDays',
  MEDIAFLOW_UPLOAD_PART_URL_TTL_SECONDS: 'uploadPartUrlTtlSeconds',
  MEDIAFLOW_UPLOAD_RESUME_WINDOW_SECONDS: 'uploadResumeWindowSeconds',
  MEDIAFLOW_MAX_IMAGE_BYTES: 'maxImageBytes',
  MEDIAFLOW_GALLERY_DIR: 'galleryDir',
  MEDIAFLOW_IMAGE_CONCURRENCY: 'imageConcurrency',
  MEDIAFLOW_TAGGER: 'tagger',
  MEDIAFLOW_RATE_LIMIT: 'rateLimitPerSecond',
  MEDIAFLOW_VIDEO_TIME_LIMIT_SECONDS: 'videoTimeLimitSeconds',
  MEDIAFLOW_AUDIO_TIME_LIMIT_SECONDS: 'audioTimeLimitSeconds',
  MEDIAFLOW_FFMPEG: 'ffmpegPath',
  MEDIAFLOW_FFPROBE: 'ffprobePath',
  PATH: 'toolSearchPath',
  MEDIAFLOW_VISIBILITY_TIMEOUT_SECONDS: 'visibilityTimeoutSeconds',
  MEDIAFLOW_SWEEP_INTERVAL_SECONDS: 'sweepIntervalSeconds',
  MEDIAFLOW_SWEEP_GRACE_SECONDS: 'sweepGraceSeconds',
  MEDIAFLOW_LOG_LEVEL: 'logLevel',
  MEDIAFLOW_LOG_FORMAT: 'logFormat',
  NO_COLOR: 'noColor',
};

/** Reads the settings from an environment and overrides (from flags). */
export function loadLocalConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<keyof LocalConfig, unknown>> = {}): LocalConfig {
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return LocalConfigSchema.parse({ ...fromEnv, ...defined });
}

/**
 * True when `host` can only be reached from this machine: `localhost`, 127.0.0.0/8 or ::1 (also
 * written in full, bracketed or as an IPv4-mapped address). Anything else, `0.0.0.0` and `::`
 * above all, lets other machines reach the server.
 *
 * @example
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0');   // false
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost') return true;
  if (isIPv4(name)) return name.startsWith('127.');
  if (!isIPv6(name)) return false;
  // The URL parser writes an IPv6 address in its one canonical, compressed form.
  const canonical = new URL(`http://[${name}]/`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
}
