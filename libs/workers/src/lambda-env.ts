/**
 * The Lambda functions' environment, declared once for both sides: `apps/infra` sets these
 * variables on the functions, `apps/lambdas` parses them at each cold start (its `LambdaEnvSchema`
 * has one entry per name of {@link LAMBDA_ENV_KEYS}). Names and plain data only: how a value is
 * validated is the functions' business, what it is set to the stack's.
 */

/** The functions of `apps/lambdas`: one bundle each (`build.mjs`), one Lambda function each in the stack. */
export const LAMBDA_FUNCTIONS = ['api', 'ingest', 'image', 'document', 'audio', 'tagging', 'video', 'video-complete', 'trash-purge', 'archive'] as const;
export type LambdaFunctionName = (typeof LAMBDA_FUNCTIONS)[number];

/** Every variable the functions' configuration reads. */
export const LAMBDA_ENV_KEYS = [
  'AWS_REGION',
  'MEDIA_BUCKET',
  'MEDIA_TABLE',
  'EVENTS_TOPIC_ARN',
  'IDEMPOTENCY_TABLE',
  'MEDIA_BASE_URL',
  'MEDIACONVERT_ROLE_ARN',
  'MEDIACONVERT_QUEUE_ARN',
  'MEDIACONVERT_ENDPOINT',
  'TAGGER',
  'TAGGER_WORKER_PATH',
  'REKOGNITION_BUCKET',
  'REKOGNITION_MAX_CONCURRENCY',
  'FFMPEG_PATH',
  'FFPROBE_PATH',
  'MAX_UPLOAD_BYTES',
  'MAX_RECEIVES',
  'VIDEO_TIME_LIMIT_SECONDS',
  'VIDEO_TRANSCODER',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AUDIO_TIME_LIMIT_SECONDS',
  'UPLOAD_PART_URL_TTL_SECONDS',
  'UPLOAD_RESUME_WINDOW_SECONDS',
  'CACHE_URL',
  'OWNER_RATE_LIMIT_PER_SECOND',
  'OWNER_RATE_LIMIT_BURST',
  'ORIGIN_VERIFY_SECRET',
  'MEDIA_SIGNING_KEY_ID',
  'MEDIA_SIGNING_SECRET_ARN',
  'MEDIA_ACCESS_SECONDS',
  'DISTRIBUTION_ID',
  'PURGE_OBJECT_VERSIONS',
  'ARCHIVE_QUEUE_URL',
  'USER_POOL_ID',
  'STORAGE_QUOTA_BYTES',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SQS',
] as const;
export type LambdaEnvKey = (typeof LAMBDA_ENV_KEYS)[number];

/**
 * What a deployment may set on a function: the configuration's variables but those Lambda sets
 * itself (`AWS_REGION`, `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`) and the AWS SDK's endpoint overrides
 * (`AWS_ENDPOINT_URL*`: an emulator's, never a stage's), and `NODE_OPTIONS`, which Node.js reads.
 */
export type DeployedEnvKey = Exclude<LambdaEnvKey, 'AWS_REGION' | 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE' | 'AWS_ENDPOINT_URL' | 'AWS_ENDPOINT_URL_SQS'> | 'NODE_OPTIONS';

/**
 * The header CloudFront adds to every request it forwards to the API, carrying the api function's
 * `ORIGIN_VERIFY_SECRET`: the stack sets it on the distribution's `/api/*` origin, the function
 * refuses a request without it.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

const COMMON = ['MEDIA_BUCKET', 'MEDIA_TABLE', 'EVENTS_TOPIC_ARN', 'MEDIA_BASE_URL', 'NODE_OPTIONS'] as const satisfies readonly DeployedEnvKey[];
/** A queue consumer fails an item on its message's last receive, before the queue dead-letters it. */
const CONSUMER = [...COMMON, 'MAX_RECEIVES'] as const satisfies readonly DeployedEnvKey[];
/** A consumer that runs each event once through Powertools Idempotency. */
const IDEMPOTENT_CONSUMER = [...CONSUMER, 'IDEMPOTENCY_TABLE'] as const satisfies readonly DeployedEnvKey[];
const MEDIA_TOOLS = ['FFMPEG_PATH', 'FFPROBE_PATH'] as const satisfies readonly DeployedEnvKey[];

/**
 * The variables a deployment may set on each function, and no others. Some are set only where a
 * stage has what they name: `MAX_UPLOAD_BYTES` when it sets an upload limit, `CACHE_URL` with the
 * optional cache, `OWNER_RATE_LIMIT_*` with a limit per caller, `ORIGIN_VERIFY_SECRET` where CloudFront fronts
 * the API, MediaConvert's once its queue exists, `DISTRIBUTION_ID` where CloudFront serves renditions
 * (on the functions that delete or hold items: api, tagging and trash-purge), `MEDIA_SIGNING_*` where the
 * distribution checks signed cookies on media (`MEDIA_ACCESS_SECONDS` keeps its default unless
 * set), `PURGE_OBJECT_VERSIONS` on the functions that delete items for good where they may remove
 * every version of their objects, `ARCHIVE_QUEUE_URL` on the api function where the archive
 * function builds zips, `USER_POOL_ID` on the api function (account deletion deletes the user there), `STORAGE_QUOTA_BYTES`
 * on the api function where the stage sets a quota per user. `MEDIACONVERT_ENDPOINT`,
 * `REKOGNITION_BUCKET` and `UPLOAD_*` are read but never set by the stack: they are overrides for
 * unusual accounts (the resume window's default matches the bucket's one-day rule for incomplete uploads).
 */
export const FUNCTION_ENV_KEYS: { readonly [Name in LambdaFunctionName]: readonly DeployedEnvKey[] } = {
  api: [
    ...COMMON,
    'MAX_UPLOAD_BYTES',
    'UPLOAD_PART_URL_TTL_SECONDS',
    'UPLOAD_RESUME_WINDOW_SECONDS',
    'CACHE_URL',
    'OWNER_RATE_LIMIT_PER_SECOND',
    'OWNER_RATE_LIMIT_BURST',
    'ORIGIN_VERIFY_SECRET',
    'MEDIA_SIGNING_KEY_ID',
    'MEDIA_SIGNING_SECRET_ARN',
    'MEDIA_ACCESS_SECONDS',
    'DISTRIBUTION_ID',
    'PURGE_OBJECT_VERSIONS',
    'ARCHIVE_QUEUE_URL',
    'USER_POOL_ID',
    'STORAGE_QUOTA_BYTES',
  ],
  ingest: [...CONSUMER, 'MAX_UPLOAD_BYTES'],
  image: IDEMPOTENT_CONSUMER,
  document: IDEMPOTENT_CONSUMER,
  audio: [...IDEMPOTENT_CONSUMER, 'AUDIO_TIME_LIMIT_SECONDS', ...MEDIA_TOOLS],
  tagging: [...IDEMPOTENT_CONSUMER, 'TAGGER', 'TAGGER_WORKER_PATH', 'REKOGNITION_MAX_CONCURRENCY', 'DISTRIBUTION_ID'],
  video: [...IDEMPOTENT_CONSUMER, 'VIDEO_TIME_LIMIT_SECONDS', 'VIDEO_TRANSCODER', ...MEDIA_TOOLS, 'MEDIACONVERT_ROLE_ARN', 'MEDIACONVERT_QUEUE_ARN'],
  'video-complete': COMMON,
  'trash-purge': [...COMMON, 'DISTRIBUTION_ID', 'PURGE_OBJECT_VERSIONS'],
  // Builds zips from the queue the api function sends to: each archive is built once by itself (its outcome is recorded).
  archive: CONSUMER,
};
