import { PriceTableError } from './errors.js';
import { flat, tieredCost, type Tier, type TieredCost } from './tiers.js';

// A data table: every meter the design is priced with, each with its public list price and source.
// It is one file so that a price review reads it top to bottom, and it is longer than code would be.

/** Month the list prices below were recorded (us-east-1, on-demand, USD). */
export const PRICES_TAKEN = '2026-11';
export const PRICE_REGION = 'us-east-1';

export type ServiceId =
  | 'lambda'
  | 'sqs'
  | 'sns'
  | 's3'
  | 'data-transfer'
  | 'dynamodb'
  | 'rekognition'
  | 'mediaconvert'
  | 'cloudfront'
  | 'api-gateway'
  | 'route53'
  | 'cognito'
  | 'cloudwatch'
  | 'elasticache'
  | 'opensearch'
  | 'amplify';

/** Display names, in the order bills are printed. */
export const SERVICE_NAMES: Readonly<Record<ServiceId, string>> = {
  'api-gateway': 'API Gateway',
  lambda: 'Lambda',
  sqs: 'SQS',
  sns: 'SNS',
  s3: 'S3',
  'data-transfer': 'Data transfer out (direct)',
  cloudfront: 'CloudFront',
  dynamodb: 'DynamoDB',
  opensearch: 'OpenSearch',
  elasticache: 'ElastiCache',
  rekognition: 'Rekognition',
  mediaconvert: 'MediaConvert',
  cognito: 'Cognito',
  route53: 'Route 53',
  cloudwatch: 'CloudWatch',
  amplify: 'Amplify Hosting',
};

/** A free allowance. Only "always free" ones exist for accounts opened after 2025-07-15. */
export interface FreeAllowance {
  readonly amount: number;
  readonly note: string;
}

/** One billable dimension of one service: a unit, price bands, an optional free allowance, a source. */
export interface Meter {
  readonly id: string;
  readonly service: ServiceId;
  readonly description: string;
  /** The unit usage is counted in, e.g. "GB-second", "request", "GB-month". */
  readonly unit: string;
  /** Band prices are USD per `per` units (1e6 for "per 1M requests"). */
  readonly per: number;
  readonly tiers: readonly Tier[];
  readonly free?: FreeAllowance;
  /** The public page the price comes from. */
  readonly source: string;
  readonly taken: string;
  readonly notes?: string;
}

const M = 1_000_000;
const TB = 1024; // AWS bills storage and transfer in binary GB; 1 TB = 1024 GB in its tier tables.

function meter(
  id: string,
  service: ServiceId,
  description: string,
  unit: string,
  per: number,
  tiers: readonly Tier[],
  source: string,
  extra: { free?: FreeAllowance; notes?: string } = {},
): Meter {
  return { id, service, description, unit, per, tiers, source, taken: PRICES_TAKEN, ...extra };
}

const LAMBDA = 'AWS Lambda pricing';
const S3 = 'Amazon S3 pricing';
const DDB = 'Amazon DynamoDB pricing (on-demand capacity)';
const CF = 'Amazon CloudFront pricing (pay as you go)';
const CF_PLANS = 'Amazon CloudFront pricing (flat-rate plans) and the CloudFront Developer Guide, "Flat-rate pricing plans"';
const CF_PLAN_NOTE =
  'One distribution and one apex domain per plan; a WAF web ACL is required and included, with DDoS protection, Route 53 DNS, standard-log ingestion and S3 storage credits (the credits are not counted here). No overage charges: over the allowance delivery may be slowed. Not for Lambda@Edge, real-time logs or origin access identities.';
const CW = 'Amazon CloudWatch pricing';
const MC = 'AWS Elemental MediaConvert pricing (on-demand, AVC, up to 30 fps, single pass)';
const MC_NOTE =
  'Billed per second of each output, 10 s minimum per output. Monthly volume discounts on normalized minutes are not modelled, so high volumes are over-estimated.';

const meters: readonly Meter[] = [
  // Lambda
  meter('lambda.requests', 'lambda', 'Lambda requests', 'request', M, flat(0.2), LAMBDA, {
    free: { amount: 1 * M, note: 'always free: 1M requests a month' },
  }),
  meter(
    'lambda.duration.x86',
    'lambda',
    'Lambda duration, x86_64',
    'GB-second',
    1,
    [
      { upTo: 6e9, price: 0.0000166667 },
      { upTo: 15e9, price: 0.000015 },
      { upTo: null, price: 0.0000133334 },
    ],
    LAMBDA,
    { free: { amount: 400_000, note: 'always free: 400,000 GB-s a month (shared by both architectures)' } },
  ),
  meter(
    'lambda.duration.arm64',
    'lambda',
    'Lambda duration, arm64 (Graviton)',
    'GB-second',
    1,
    [
      { upTo: 7.5e9, price: 0.0000133334 },
      { upTo: 18.75e9, price: 0.0000120001 },
      { upTo: null, price: 0.0000106667 },
    ],
    LAMBDA,
    { free: { amount: 400_000, note: 'always free: 400,000 GB-s a month (shared by both architectures)' } },
  ),
  // SQS / SNS
  meter(
    'sqs.standard.requests',
    'sqs',
    'SQS standard queue requests (per 64 KB chunk)',
    'request',
    M,
    [
      { upTo: 100e9, price: 0.4 },
      { upTo: 200e9, price: 0.3 },
      { upTo: null, price: 0.24 },
    ],
    'Amazon SQS pricing',
    { free: { amount: 1 * M, note: 'always free: 1M requests a month' } },
  ),
  meter('sns.publish', 'sns', 'SNS standard topic publishes (per 64 KB chunk)', 'request', M, flat(0.5), 'Amazon SNS pricing', {
    free: { amount: 1 * M, note: 'always free: 1M publishes a month' },
    notes: 'Deliveries to SQS and Lambda subscribers are free; attribute-based filter policies are free.',
  }),
  // S3
  meter(
    's3.standard.storage',
    's3',
    'S3 Standard storage',
    'GB-month',
    1,
    [
      { upTo: 50 * TB, price: 0.023 },
      { upTo: 500 * TB, price: 0.022 },
      { upTo: null, price: 0.021 },
    ],
    S3,
    { notes: 'The 12-month 5 GB free tier is no longer offered to accounts opened after 2025-07-15.' },
  ),
  meter('s3.ia.storage', 's3', 'S3 Standard-IA storage (30-day, 128 KB minimums)', 'GB-month', 1, flat(0.0125), S3),
  meter(
    's3.it.frequent',
    's3',
    'S3 Intelligent-Tiering, frequent access tier',
    'GB-month',
    1,
    [
      { upTo: 50 * TB, price: 0.023 },
      { upTo: 500 * TB, price: 0.022 },
      { upTo: null, price: 0.021 },
    ],
    S3,
  ),
  meter('s3.it.infrequent', 's3', 'S3 Intelligent-Tiering, infrequent access tier', 'GB-month', 1, flat(0.0125), S3),
  meter('s3.it.archive-instant', 's3', 'S3 Intelligent-Tiering, archive instant access tier', 'GB-month', 1, flat(0.004), S3),
  meter('s3.it.monitoring', 's3', 'S3 Intelligent-Tiering monitoring and automation', 'object-month', 1000, flat(0.0025), S3),
  meter('s3.standard.put', 's3', 'S3 Standard PUT, COPY, POST, LIST requests', 'request', 1000, flat(0.005), S3),
  meter('s3.standard.get', 's3', 'S3 Standard GET, SELECT and other requests', 'request', 1000, flat(0.0004), S3),
  meter('s3.ia.put', 's3', 'S3 Standard-IA PUT, COPY, POST, LIST requests', 'request', 1000, flat(0.01), S3),
  meter('s3.ia.get', 's3', 'S3 Standard-IA GET requests', 'request', 1000, flat(0.001), S3),
  meter('s3.ia.retrieval', 's3', 'S3 Standard-IA data retrieval', 'GB', 1, flat(0.01), S3),
  meter('s3.lifecycle.to-ia', 's3', 'S3 lifecycle transition requests into Standard-IA', 'request', 1000, flat(0.01), S3),
  // Storage classes the originals may move to (storage-rules.ts), from https://aws.amazon.com/s3/pricing/
  // ("Storage" and "Requests & data retrievals"). GETs in Intelligent-Tiering are priced as in Standard.
  meter('s3.lifecycle.to-it', 's3', 'S3 lifecycle transition requests into Intelligent-Tiering', 'request', 1000, flat(0.01), S3),
  meter('s3.gir.storage', 's3', 'S3 Glacier Instant Retrieval storage (90-day, 128 KB minimums)', 'GB-month', 1, flat(0.004), S3),
  meter('s3.gir.get', 's3', 'S3 Glacier Instant Retrieval GET requests', 'request', 1000, flat(0.01), S3),
  meter('s3.gir.retrieval', 's3', 'S3 Glacier Instant Retrieval data retrieval', 'GB', 1, flat(0.03), S3),
  meter('s3.lifecycle.to-gir', 's3', 'S3 lifecycle transition requests into Glacier Instant Retrieval', 'request', 1000, flat(0.02), S3),
  meter(
    'transfer.internet',
    'data-transfer',
    'Data transfer out to the internet from S3 / API Gateway / EC2',
    'GB',
    1,
    [
      { upTo: 10 * TB, price: 0.09 },
      { upTo: 50 * TB, price: 0.085 },
      { upTo: 150 * TB, price: 0.07 },
      { upTo: null, price: 0.05 },
    ],
    'Amazon S3 pricing (data transfer) / Amazon EC2 on-demand pricing (data transfer)',
    {
      free: { amount: 100, note: 'always free: 100 GB a month out to the internet, aggregated across services' },
      notes: 'Transfer in, and from S3 to CloudFront, is free.',
    },
  ),
  // DynamoDB
  meter('dynamodb.write', 'dynamodb', 'DynamoDB on-demand write request units', 'WRU', M, flat(0.625), DDB),
  meter('dynamodb.read', 'dynamodb', 'DynamoDB on-demand read request units', 'RRU', M, flat(0.125), DDB),
  meter('dynamodb.storage', 'dynamodb', 'DynamoDB table storage (Standard table class)', 'GB-month', 1, flat(0.25), DDB, {
    free: { amount: 25, note: 'always free: 25 GB a month' },
  }),
  meter('dynamodb.pitr', 'dynamodb', 'DynamoDB continuous backups (PITR)', 'GB-month', 1, flat(0.2), DDB),
  // Rekognition
  meter(
    'rekognition.image.group2',
    'rekognition',
    'Rekognition Image group 2 APIs (DetectLabels, DetectModerationLabels)',
    'image',
    1,
    [
      { upTo: 1e6, price: 0.001 },
      { upTo: 10e6, price: 0.0008 },
      { upTo: 100e6, price: 0.0006 },
      { upTo: null, price: 0.00025 },
    ],
    'Amazon Rekognition pricing (Image)',
    {
      notes:
        'Tiers count the monthly images of the API group. The 12-month 5,000 images free tier is no longer offered to new accounts.',
    },
  ),
  meter('rekognition.video.stored', 'rekognition', 'Rekognition Video stored-video analysis (per feature)', 'minute', 1, flat(0.1), 'Amazon Rekognition pricing (Video)'),
  // MediaConvert
  meter('mediaconvert.basic.sd', 'mediaconvert', 'MediaConvert Basic tier, SD output (< 720 lines)', 'output minute', 1, flat(0.0075), MC, { notes: MC_NOTE }),
  meter('mediaconvert.basic.hd', 'mediaconvert', 'MediaConvert Basic tier, HD output (720-1080 lines)', 'output minute', 1, flat(0.015), MC, { notes: MC_NOTE }),
  meter('mediaconvert.basic.uhd', 'mediaconvert', 'MediaConvert Basic tier, UHD output', 'output minute', 1, flat(0.03), MC, { notes: MC_NOTE }),
  meter('mediaconvert.professional.sd', 'mediaconvert', 'MediaConvert Professional tier, SD output', 'output minute', 1, flat(0.012), MC, { notes: MC_NOTE }),
  meter('mediaconvert.professional.hd', 'mediaconvert', 'MediaConvert Professional tier, HD output', 'output minute', 1, flat(0.024), MC, { notes: MC_NOTE }),
  meter('mediaconvert.professional.uhd', 'mediaconvert', 'MediaConvert Professional tier, UHD output', 'output minute', 1, flat(0.048), MC, { notes: MC_NOTE }),
  // CloudFront
  meter(
    'cloudfront.transfer',
    'cloudfront',
    'CloudFront data transfer out (United States, Mexico, Canada, Europe)',
    'GB',
    1,
    [
      { upTo: 10 * TB, price: 0.085 },
      { upTo: 50 * TB, price: 0.08 },
      { upTo: 150 * TB, price: 0.06 },
      { upTo: 500 * TB, price: 0.04 },
      { upTo: 1024 * TB, price: 0.03 },
      { upTo: 5120 * TB, price: 0.025 },
      { upTo: null, price: 0.02 },
    ],
    CF,
    { free: { amount: 1 * TB, note: 'always free: 1 TB a month' } },
  ),
  meter('cloudfront.requests', 'cloudfront', 'CloudFront HTTPS requests', 'request', 10_000, flat(0.01), CF, {
    free: { amount: 10 * M, note: 'always free: 10M requests a month' },
  }),
  // Invalidations are priced per path (a wildcard path counts as one) whatever the distribution's
  // pricing: the flat-rate plans' published contents do not name them, so they are not assumed covered.
  meter('cloudfront.invalidation', 'cloudfront', 'CloudFront invalidation paths', 'path', 1, flat(0.005), 'Amazon CloudFront pricing', {
    free: { amount: 1000, note: 'no charge for the first 1,000 paths a month, counted over all of the account\'s distributions' },
    notes: 'A path with the * wildcard counts as one however many files it covers. At most 15 wildcard paths may be in progress per distribution at once (CloudFront quota).',
  }),
  // Flat-rate plans: a fixed fee per distribution and month in place of the transfer and request lines
  // (allowances in `cloudfront-plans.ts`).
  ...(
    [
      ['free', 'Free', 0, '1M requests, 100 GB'],
      ['pro', 'Pro', 15, '10M requests, 50 TB'],
      ['business', 'Business', 200, '125M requests, 50 TB'],
      ['premium', 'Premium', 1000, '500M requests, 50 TB'],
    ] as const
  ).map(([id, name, fee, allowance]) =>
    meter(`cloudfront.plan.${id}`, 'cloudfront', `CloudFront flat-rate plan, ${name} (${allowance} a month)`, 'plan-month', 1, flat(fee), CF_PLANS, { notes: CF_PLAN_NOTE }),
  ),
  // API Gateway
  meter(
    'apigateway.http',
    'api-gateway',
    'API Gateway HTTP API requests (per 512 KB)',
    'request',
    M,
    [
      { upTo: 300e6, price: 1.0 },
      { upTo: null, price: 0.9 },
    ],
    'Amazon API Gateway pricing (HTTP APIs)',
  ),
  meter(
    'apigateway.rest',
    'api-gateway',
    'API Gateway REST API requests',
    'request',
    M,
    [
      { upTo: 333e6, price: 3.5 },
      { upTo: 1e9, price: 2.8 },
      { upTo: 20e9, price: 2.38 },
      { upTo: null, price: 1.51 },
    ],
    'Amazon API Gateway pricing (REST APIs)',
  ),
  // Route 53
  meter(
    'route53.zone',
    'route53',
    'Route 53 hosted zone',
    'zone-month',
    1,
    [
      { upTo: 25, price: 0.5 },
      { upTo: null, price: 0.1 },
    ],
    'Amazon Route 53 pricing',
  ),
  meter(
    'route53.queries',
    'route53',
    'Route 53 standard queries (alias queries to AWS resources are free)',
    'query',
    M,
    [
      { upTo: 1e9, price: 0.4 },
      { upTo: null, price: 0.2 },
    ],
    'Amazon Route 53 pricing',
  ),
  // Cognito
  meter(
    'cognito.lite',
    'cognito',
    'Cognito user pools, Lite feature plan',
    'MAU',
    1,
    [
      { upTo: 100_000, price: 0.0055 },
      { upTo: 1_000_000, price: 0.0046 },
      { upTo: 10_000_000, price: 0.00325 },
      { upTo: null, price: 0.0025 },
    ],
    'Amazon Cognito pricing',
    { free: { amount: 10_000, note: 'always free: 10,000 MAU (Lite and Essentials)' } },
  ),
  meter('cognito.essentials', 'cognito', 'Cognito user pools, Essentials feature plan (default for new pools)', 'MAU', 1, flat(0.015), 'Amazon Cognito pricing', {
    free: { amount: 10_000, note: 'always free: 10,000 MAU (Lite and Essentials)' },
  }),
  // CloudWatch
  meter(
    'cloudwatch.logs.ingest',
    'cloudwatch',
    'CloudWatch Logs ingestion, Lambda (vended) logs',
    'GB',
    1,
    [
      { upTo: 10 * TB, price: 0.5 },
      { upTo: 30 * TB, price: 0.25 },
      { upTo: 50 * TB, price: 0.1 },
      { upTo: null, price: 0.05 },
    ],
    CW,
    { free: { amount: 5, note: 'always free: 5 GB of log data a month' } },
  ),
  // The 5 GB always-free log allowance covers ingestion and storage together; it is counted once, on ingestion.
  meter('cloudwatch.logs.storage', 'cloudwatch', 'CloudWatch Logs storage (archived)', 'GB-month', 1, flat(0.03), CW),
  meter(
    'cloudwatch.metrics',
    'cloudwatch',
    'CloudWatch custom metrics',
    'metric-month',
    1,
    [
      { upTo: 10_000, price: 0.3 },
      { upTo: 250_000, price: 0.1 },
      { upTo: 1_000_000, price: 0.05 },
      { upTo: null, price: 0.02 },
    ],
    CW,
    { free: { amount: 10, note: 'always free: 10 metrics' } },
  ),
  meter('cloudwatch.alarms', 'cloudwatch', 'CloudWatch standard-resolution alarms', 'alarm-month', 1, flat(0.1), CW, {
    free: { amount: 10, note: 'always free: 10 alarms' },
  }),
  meter('cloudwatch.dashboards', 'cloudwatch', 'CloudWatch dashboards', 'dashboard-month', 1, flat(3), CW, {
    free: { amount: 3, note: 'always free: 3 dashboards' },
  }),
  // ElastiCache
  meter('elasticache.serverless.redis.storage', 'elasticache', 'ElastiCache Serverless for Redis OSS, data stored (1 GB minimum)', 'GB-hour', 1, flat(0.125), 'Amazon ElastiCache pricing (Serverless)'),
  meter('elasticache.serverless.redis.ecpu', 'elasticache', 'ElastiCache Serverless for Redis OSS, ElastiCache Processing Units', 'ECPU', M, flat(0.0034), 'Amazon ElastiCache pricing (Serverless)'),
  meter('elasticache.serverless.valkey.storage', 'elasticache', 'ElastiCache Serverless for Valkey, data stored (100 MB minimum)', 'GB-hour', 1, flat(0.0837), 'Amazon ElastiCache pricing (Serverless)'),
  meter('elasticache.serverless.valkey.ecpu', 'elasticache', 'ElastiCache Serverless for Valkey, ElastiCache Processing Units', 'ECPU', M, flat(0.0023), 'Amazon ElastiCache pricing (Serverless)'),
  // OpenSearch
  meter('opensearch.r6g.large', 'opensearch', 'OpenSearch Service r6g.large.search data node', 'instance-hour', 1, flat(0.167), 'Amazon OpenSearch Service pricing (on-demand instances)'),
  meter('opensearch.m6g.large', 'opensearch', 'OpenSearch Service m6g.large.search dedicated master', 'instance-hour', 1, flat(0.128), 'Amazon OpenSearch Service pricing (on-demand instances)'),
  meter('opensearch.gp3', 'opensearch', 'OpenSearch Service EBS gp3 storage', 'GB-month', 1, flat(0.122), 'Amazon OpenSearch Service pricing (EBS storage)'),
  // Amplify Hosting
  meter('amplify.build', 'amplify', 'Amplify Hosting build and deploy', 'build-minute', 1, flat(0.01), 'AWS Amplify pricing (Hosting)'),
  meter('amplify.storage', 'amplify', 'Amplify Hosting data storage', 'GB-month', 1, flat(0.023), 'AWS Amplify pricing (Hosting)'),
  meter('amplify.transfer', 'amplify', 'Amplify Hosting data transfer out', 'GB', 1, flat(0.15), 'AWS Amplify pricing (Hosting)'),
  meter('amplify.ssr.requests', 'amplify', 'Amplify Hosting SSR requests', 'request', M, flat(0.3), 'AWS Amplify pricing (Hosting)'),
];

/** Every meter of every service in the design, keyed by id. */
export const PRICE_TABLE: Readonly<Record<string, Meter>> = Object.freeze(
  Object.fromEntries(meters.map((m) => [m.id, m])),
);

/** Looks a meter up by id; an unknown id is a programming error, so it throws. */
export function getMeter(id: string): Meter {
  const found = PRICE_TABLE[id];
  if (!found) throw new PriceTableError(`unknown meter "${id}"`);
  return found;
}

/**
 * What `usage` of a meter costs across its bands, with its always-free allowance taken first when
 * `freeTier` is set.
 * @example meterCost('cloudfront.plan.business', 1).cost // 200
 */
export function meterCost(id: string, usage: number, freeTier = false): TieredCost {
  const m = getMeter(id);
  return tieredCost(usage, m.tiers, m.per, freeTier ? (m.free?.amount ?? 0) : 0);
}

/** All meters, in table order. */
export function listMeters(): readonly Meter[] {
  return meters;
}
