import type { LambdaEnvKey } from '@mediaflow/workers';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();
const arn = (service: string) => z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN`);
const bucket = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name');
const table = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name');

/**
 * How each variable of the functions' environment is parsed: one entry per name of the shared list
 * (`LAMBDA_ENV_KEYS` of `@mediaflow/workers`, which the stack sets them by), no more, no fewer.
 */
const VARIABLES = {
  AWS_REGION: z.string().min(1),
  MEDIA_BUCKET: bucket,
  MEDIA_TABLE: table,
  EVENTS_TOPIC_ARN: arn('sns'),
  /** Powertools Idempotency's table, for the queue consumers. */
  IDEMPOTENCY_TABLE: table.optional(),
  /** The public origin of renditions (the CloudFront distribution), e.g. `https://media.example.com/media`. */
  MEDIA_BASE_URL: z.url({ protocol: /^https?$/ }),
  MEDIACONVERT_ROLE_ARN: arn('iam').optional(),
  MEDIACONVERT_QUEUE_ARN: arn('mediaconvert').optional(),
  /** Only for accounts that still need their own endpoint; the regional one otherwise. */
  MEDIACONVERT_ENDPOINT: z.url().optional(),
  /**
   * Which tagger the tagging function runs: `on-device` (the default: Human's detectors and nsfwjs on
   * WebAssembly, from the `tagger-models` layer, loaded once per container) or `rekognition`.
   */
  TAGGER: z.enum(['on-device', 'rekognition']).default('on-device'),
  /**
   * The on-device tagger's worker script (the `tagger-models` layer's, under /opt); unset, the
   * tagger finds it as `@mediaflow/tagging/worker/...` on the module path.
   */
  TAGGER_WORKER_PATH: z.string().regex(/^\//, 'must be an absolute path').optional(),
  /** Where Rekognition reads renditions too large to send inline; the media bucket by default. */
  REKOGNITION_BUCKET: bucket.optional(),
  REKOGNITION_MAX_CONCURRENCY: positiveInt.max(1000).default(5),
  /** ffmpeg and ffprobe of the media-tools layer (mounted under /opt). */
  FFMPEG_PATH: z.string().min(1).default('/opt/bin/ffmpeg'),
  FFPROBE_PATH: z.string().min(1).default('/opt/bin/ffprobe'),
  MAX_UPLOAD_BYTES: positiveInt.optional(),
  /** The consumers' queues' `maxReceiveCount`: the last attempt fails the item before the DLQ. */
  MAX_RECEIVES: positiveInt.max(1000).default(5),
  VIDEO_TIME_LIMIT_SECONDS: positiveInt.optional(),
  /**
   * Who transcodes videos: `lambda` (the default: the video function itself with the ffmpeg ladder,
   * a MediaConvert job for the videos that would not finish well inside its time) or `mediaconvert`
   * (a MediaConvert job for every video).
   */
  VIDEO_TRANSCODER: z.enum(['lambda', 'mediaconvert']).default('lambda'),
  /** Lambda sets it: the function's memory in MB, which its share of CPU follows. */
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: positiveInt.max(10_240).optional(),
  AUDIO_TIME_LIMIT_SECONDS: positiveInt.optional(),
  /**
   * The API's optional cache (the stack's `-c cache=true`), e.g. `rediss://mediaflow-prod-abc123.serverless.use1.cache.amazonaws.com:6379`.
   * ElastiCache Serverless takes TLS only (`rediss://`); `redis://` is for a local Valkey. Unset, the API reads DynamoDB directly.
   */
  CACHE_URL: z.url({ protocol: /^rediss?$/, hostname: /^[^\s/]+$/ }).optional(),
  /**
   * One caller's API requests a second and burst (the stack's capacity plan), counted in the media
   * table by every instance of the api function. Both or neither; unset, the API limits no caller itself.
   */
  OWNER_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(10_000).optional(),
  OWNER_RATE_LIMIT_BURST: positiveInt.max(10_000).optional(),
} satisfies { readonly [Key in LambdaEnvKey]: z.ZodType };

/**
 * The environment every Mediaflow function reads, by variable name. Function-specific settings
 * are optional here and demanded by the function that needs them (`requireSetting`), so the infra
 * gives each function only what it uses (`FUNCTION_ENV_KEYS` of `@mediaflow/workers`).
 */
export const LambdaEnvSchema = z.object(VARIABLES);

export type LambdaEnv = z.infer<typeof LambdaEnvSchema>;

/** Settings a function may need beyond the common ones, by the variable that carries them. */
type OptionalSetting = { [K in keyof LambdaEnv]-?: undefined extends LambdaEnv[K] ? K : never }[keyof LambdaEnv];

/** A missing or invalid environment variable: the function cannot start. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly variables: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once, at a function's cold start; nothing below the composition root
 * reads `process.env`.
 *
 * @throws ConfigError naming every variable that is missing or invalid.
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): LambdaEnv {
  // An empty variable is an unset one (CloudFormation cannot remove a variable, only blank it).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = LambdaEnvSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    return { name, text: `${name}: ${issue.path[0] !== undefined && present[name] === undefined ? 'is not set' : issue.message}` };
  });
  return failConfig(problems);
}

function failConfig(problems: { name: string; text: string }[]): never {
  throw new ConfigError(`invalid environment: ${problems.map((p) => p.text).join('; ')}`, [...new Set(problems.map((p) => p.name))]);
}

/**
 * A setting this function cannot run without, though others can.
 *
 * @throws ConfigError naming the variable when it is not set.
 */
export function requireSetting<K extends OptionalSetting & keyof LambdaEnv>(config: LambdaEnv, name: K): NonNullable<LambdaEnv[K]> {
  const value = config[name];
  if (value === undefined || value === null) return failConfig([{ name, text: `${name}: is not set` }]);
  return value as NonNullable<LambdaEnv[K]>;
}
