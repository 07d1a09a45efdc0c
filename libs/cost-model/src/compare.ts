import { BASELINE, MEDIAFLOW, type Architecture } from './architectures.js';
import { costByService, priceWorkload, type Bill, type PricingOptions } from './pricing.js';
import { SERVICE_NAMES, type ServiceId } from './prices.js';
import { deriveWorkload, type DerivedWorkload, type Workload } from './workload.js';

/** One service's cost under both architectures, with why they differ. */
export interface ComparisonRow {
  readonly service: ServiceId;
  readonly name: string;
  readonly baseline: number;
  readonly mediaflow: number;
  /** mediaflow − baseline (negative = Mediaflow is cheaper). */
  readonly difference: number;
  readonly reason: string;
}

export interface Comparison {
  readonly workload: Workload;
  readonly derived: DerivedWorkload;
  readonly baseline: Bill;
  readonly mediaflow: Bill;
  readonly rows: readonly ComparisonRow[];
  readonly totals: { readonly baseline: number; readonly mediaflow: number; readonly difference: number };
}

export interface CompareOptions extends PricingOptions {
  readonly baseline?: Architecture;
  readonly mediaflow?: Architecture;
}

/** Why a service's cost differs between two architectures, from the choices that differ. */
export function explainDifference(service: ServiceId, a: Architecture, b: Architecture): string {
  const why: string[] = [];
  const changed = <K extends keyof Architecture>(k: K) => a[k] !== b[k];
  switch (service) {
    case 'api-gateway':
      if (changed('api')) why.push(`${a.api.toUpperCase()} API → ${b.api.toUpperCase()} API (REST $3.50/M, HTTP $1.00/M)`);
      break;
    case 'lambda':
      if (changed('lambdaArch')) why.push(`${a.lambdaArch} → ${b.lambdaArch} (arm64 GB-s 20% cheaper, same durations assumed)`);
      if (changed('search')) why.push(b.search === 'opensearch' ? 'adds a search indexer' : 'no search indexer');
      if (changed('videoTranscoder')) why.push(b.videoTranscoder === 'lambda-ffmpeg' ? 'ffmpeg transcoding in Lambda' : 'no ffmpeg in Lambda');
      if (changed('tagger')) why.push(b.tagger === 'lambda-model' ? 'on-device tagger in Lambda' : 'no on-device tagger');
      if (changed('readText')) why.push(b.readText ? 'text step (print gate, OCR) in the tagging function' : 'no text step');
      break;
    case 'sqs':
      if (changed('polledQueues')) why.push(`${a.polledQueues} → ${b.polledQueues} polled queues (idle long polls)`);
      if (changed('readText')) why.push(b.readText ? 'a text queue message per picture' : 'no text queue');
      if (changed('search')) why.push(b.search === 'opensearch' ? 'adds an index queue' : 'no index queue');
      break;
    case 's3':
      if (changed('originalsStorage')) why.push(`originals: ${a.originalsStorage} → ${b.originalsStorage}`);
      if (changed('mediaDelivery')) why.push(b.mediaDelivery === 'cloudfront' ? 'CloudFront hits spare S3 GETs' : 'every view is an S3 GET');
      break;
    case 'data-transfer':
    case 'cloudfront':
      if (changed('mediaDelivery')) {
        why.push(b.mediaDelivery === 'cloudfront' ? 'media via CloudFront, not presigned S3 URLs' : 'media via presigned S3 URLs');
      }
      if (changed('browserCacheHitRatio')) {
        why.push(`browser cache ${pct(a.browserCacheHitRatio)} → ${pct(b.browserCacheHitRatio)} of views (stable, immutable URLs)`);
      }
      if (changed('apiBehindCloudFront')) why.push(b.apiBehindCloudFront ? 'API requests pass CloudFront' : 'API served directly');
      if (changed('hosting')) why.push(b.hosting === 'cloudfront-s3' ? 'gallery app served by CloudFront' : 'gallery app on Amplify');
      if (service === 'cloudfront' && changed('cloudFrontPricing')) {
        why.push(b.cloudFrontPricing === 'cheapest-plan' ? 'a flat-rate plan where the month fits one and it is cheaper' : 'pay-as-you-go, no flat-rate plan');
      }
      break;
    case 'dynamodb':
      if (changed('search')) why.push(b.search === 'dynamodb-tags' ? 'tag index, search postings, month counters and dedup items in the table' : 'tags moved to OpenSearch');
      if (changed('readText')) why.push(b.readText ? 'words read from pictures saved and posted' : 'no text saved');
      break;
    case 'opensearch':
      if (changed('search')) why.push(b.search === 'dynamodb-tags' ? 'no always-on search cluster: the search index is in DynamoDB' : 'adds a search cluster');
      break;
    case 'elasticache':
      if (changed('cache')) why.push(b.cache === 'none' ? 'no cache cluster (DynamoDB reads are cheap enough)' : `adds ${b.cache}`);
      break;
    case 'rekognition':
      if (changed('tagger')) why.push(b.tagger === 'lambda-model' ? 'tagging by the on-device model' : 'tagging by Rekognition');
      if (changed('videoTagging')) why.push(`video: ${a.videoTagging} → ${b.videoTagging}`);
      if (b.tagger === 'rekognition' && changed('faces')) why.push(b.faces ? 'DetectFaces on every tagged frame' : 'no DetectFaces');
      if (b.tagger === 'rekognition' && changed('readText')) why.push(b.readText ? 'DetectText on the pictures the print gate lets through' : 'no DetectText');
      if (why.length === 0) why.push('same calls in both: labels + moderation per image and per sampled frame');
      break;
    case 'mediaconvert':
      if (changed('videoTranscoder')) why.push(b.videoTranscoder === 'lambda-ffmpeg' ? 'transcoding moved to Lambda ffmpeg' : 'transcoding by MediaConvert');
      else if (changed('mediaconvertTier')) {
        why.push(`${a.mediaconvertTier} → ${b.mediaconvertTier} tier (single-pass AVC needs only Basic)`);
      }
      break;
    case 'cognito':
      if (changed('cognitoPlan')) why.push(`${a.cognitoPlan} → ${b.cognitoPlan} feature plan (a JWT authorizer needs only Lite)`);
      break;
    case 'route53':
      if (changed('route53BilledQueryShare')) why.push('alias records to CloudFront: queries free');
      break;
    case 'cloudwatch':
      if (changed('logRetentionMonths')) why.push(`log retention ${a.logRetentionMonths} → ${b.logRetentionMonths} month(s)`);
      if (changed('search')) why.push(b.search === 'opensearch' ? 'indexer invocations logged' : 'no indexer invocations to log');
      break;
    case 'amplify':
      if (changed('hosting')) why.push(b.hosting === 'cloudfront-s3' ? 'gallery on S3 + CloudFront instead' : 'gallery on Amplify');
      break;
  }
  return why.join('; ');
}

function pct(r: number): string {
  return `${Math.round(r * 100)}%`;
}

/**
 * Prices one month of `workload` under the baseline and Mediaflow architectures, line by line.
 * @example compareArchitectures(parseWorkload({ dau: 10_000 })).totals.difference // negative: Mediaflow is cheaper
 */
export function compareArchitectures(workload: Workload, options: CompareOptions = {}): Comparison {
  const a = options.baseline ?? BASELINE;
  const b = options.mediaflow ?? MEDIAFLOW;
  const baseline = priceWorkload(a, workload, options);
  const mediaflow = priceWorkload(b, workload, options);
  const byA = costByService(baseline);
  const byB = costByService(mediaflow);
  const rows: ComparisonRow[] = (Object.keys(SERVICE_NAMES) as ServiceId[])
    .filter((s) => byA.has(s) || byB.has(s))
    .map((service) => {
      const costA = byA.get(service) ?? 0;
      const costB = byB.get(service) ?? 0;
      return {
        service,
        name: SERVICE_NAMES[service],
        baseline: costA,
        mediaflow: costB,
        difference: costB - costA,
        reason: explainDifference(service, a, b),
      };
    });
  return {
    workload,
    derived: deriveWorkload(workload),
    baseline,
    mediaflow,
    rows,
    totals: { baseline: baseline.total, mediaflow: mediaflow.total, difference: mediaflow.total - baseline.total },
  };
}
