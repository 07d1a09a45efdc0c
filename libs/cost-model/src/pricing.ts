import { InvalidAssumptionsError } from './errors.js';
import type { Architecture } from './architectures.js';
import { chooseCloudFrontPricing } from './cloudfront-plans.js';
import { getMeter, meterCost, type ServiceId } from './prices.js';
import { HOURS_PER_MONTH, KIB_PER_GIB, quantity, type Quantity } from './quantity.js';
import { ageProfile, earlyDeletionGbMonths, splitByClass, stockGbMonths, type MonthlyAddition } from './storage.js';
import { originalsStorageRules, type S3StorageClass } from './storage-rules.js';
import type { TieredCost } from './tiers.js';
import { deriveWorkload, type DerivedWorkload, type Workload } from './workload.js';

/**
 * Prices an architecture (`architectures.ts`) against a workload, line by line: every line names
 * its service, meter, usage with the formula behind it, and cost.
 */

/** One priced line: a service, what is metered, the usage (with its formula) and the cost. */
export interface BillLine {
  readonly service: ServiceId;
  readonly meterId: string;
  readonly description: string;
  readonly usage: Quantity;
  readonly cost: number;
  readonly tiers: TieredCost;
}

export interface Bill {
  readonly architecture: Architecture;
  readonly lines: readonly BillLine[];
  readonly total: number;
}

export interface PricingOptions {
  /** Apply the always-free allowances (off by default: a bill as if they were used elsewhere). */
  readonly freeTier?: boolean;
}

/** One month of history: the workload that month and what it derived. */
export interface MonthState {
  readonly workload: Workload;
  readonly derived: DerivedWorkload;
}

/** A month's state from a workload. */
export function monthState(workload: Workload): MonthState {
  return { workload, derived: deriveWorkload(workload) };
}

const IDLE_RECEIVES_PER_QUEUE = 5 * ((HOURS_PER_MONTH * 3600) / 20);

/**
 * Prices one month for an architecture. `history` holds every month so far, the last being the
 * month priced; storage stocks (S3, DynamoDB, search index, logs) accumulate over it.
 * @example priceMonth(MEDIAFLOW, [monthState(parseWorkload())]).total
 */
export function priceMonth(arch: Architecture, history: readonly MonthState[], options: PricingOptions = {}): Bill {
  const current = history[history.length - 1];
  if (!current) throw new InvalidAssumptionsError('history needs at least one month');
  const w = current.workload;
  const d = current.derived;
  const freeTier = options.freeTier ?? false;
  const lines: BillLine[] = [];
  const add = (meterId: string, usage: Quantity) => {
    const m = getMeter(meterId);
    const tiers = meterCost(meterId, usage.value, freeTier);
    lines.push({ service: m.service, meterId, description: m.description, usage, cost: tiers.cost, tiers });
  };
  const opensearch = arch.search === 'opensearch';
  const items = d.itemsPerMonth.value;
  const images = d.imagesPerMonth.value;
  const videos = d.videosPerMonth.value;
  const mediaShare = 1 - arch.browserCacheHitRatio;

  // API Gateway
  add(arch.api === 'rest' ? 'apigateway.rest' : 'apigateway.http', d.apiRequests);

  // Lambda. The function hands videos longer than it takes to MediaConvert: the workload's one
  // duration decides for all. Videos it transcodes itself have no MediaConvert completion to settle.
  const ffmpeg = arch.videoTranscoder === 'lambda-ffmpeg' && w.videoSeconds <= arch.ffmpegMaxVideoSeconds;
  // The text step reads each picture from its own queue, one picture per invocation.
  const textSteps = arch.readText ? images : 0;
  const invocations = d.apiRequests.value + d.pipelineInvocations.value - (ffmpeg ? videos : 0) + (opensearch ? items : 0) + textSteps;
  add(
    'lambda.requests',
    quantity(
      'lambdaInvocations',
      invocations,
      'requests',
      `apiRequests + pipelineInvocations${ffmpeg ? ' − videosPerMonth [no MediaConvert completion: transcoded in the video function]' : ''}${opensearch ? ' + itemsPerMonth [indexer]' : ''}${
        arch.readText ? ' + imagesPerMonth [text step]' : ''
      }`,
    ),
  );
  const model = arch.tagger === 'lambda-model';
  const ffmpegGbSeconds = ffmpeg ? (d.videoMinutes.value * 60 * arch.ffmpegSecondsPerVideoSecond * arch.ffmpegMiB) / 1024 : 0;
  // On-device, one pass of the models gives labels and moderation, once per frame (a picture, or a
  // video's sampled frames), and the model's time is the tagging function's whole duration: it
  // replaces the Rekognition caller's (taggingGbSeconds). Each container loads the models once
  // (ON_DEVICE_TAGGER.coldStartMs, about 1.5 s), which is amortised over the images it tags: at a
  // few seconds' worth of GB-s per container it is left out.
  const modelGbSeconds = model ? (d.taggedFrames.value * arch.modelMsPerImage * arch.modelMiB) / 1000 / 1024 : 0;
  // The text step runs in the tagging function: every picture its step time (the rendition, the
  // gate, the save), a picture let through its read as well: the engine's time on-device, the
  // DetectText call's wait with Rekognition.
  const textMiB = model ? arch.modelMiB : w.taggerMiB;
  const readMs = model ? arch.textReadMs : w.textCallMs;
  const textGbSeconds = arch.readText ? ((images * w.textStepMs + d.textReads.value * readMs) * textMiB) / 1000 / 1024 : 0;
  const gbSeconds =
    d.apiGbSeconds.value +
    d.ingestGbSeconds.value +
    d.imageGbSeconds.value +
    d.videoJobGbSeconds.value +
    (model ? 0 : d.taggingGbSeconds.value) +
    (opensearch ? d.indexerGbSeconds.value : 0) +
    ffmpegGbSeconds +
    modelGbSeconds +
    textGbSeconds;
  add(
    arch.lambdaArch === 'x86' ? 'lambda.duration.x86' : 'lambda.duration.arm64',
    quantity(
      'lambdaGbSeconds',
      gbSeconds,
      'GB-second',
      `apiGbSeconds + ingestGbSeconds + imageGbSeconds + videoJobGbSeconds${model ? '' : ' + taggingGbSeconds'}${opensearch ? ' + indexerGbSeconds' : ''}${
        ffmpeg ? ` + videoMinutes × 60 × ${arch.ffmpegSecondsPerVideoSecond} × ${arch.ffmpegMiB} ÷ 1024 [ffmpeg]` : ''
      }${model ? ` + taggedFrames [one model pass per frame] × ${arch.modelMsPerImage} ms × ${arch.modelMiB} MiB [on-device tagger]` : ''}${
        arch.readText ? ` + (imagesPerMonth × textStepMs + textReads × ${model ? `${arch.textReadMs} ms [on-device read]` : 'textCallMs [DetectText]'}) × ${textMiB} MiB [text step]` : ''
      }${
        arch.lambdaArch === 'arm64' ? ' (x86 durations assumed on arm64)' : ''
      }`,
    ),
  );

  // SQS and SNS
  const messages = images * 3 + videos * 4 + (opensearch ? items : 0) + textSteps;
  add(
    'sqs.standard.requests',
    quantity(
      'sqsRequests',
      messages * arch.sqsRequestsPerMessage + arch.polledQueues * IDLE_RECEIVES_PER_QUEUE,
      'requests',
      `(imagesPerMonth × 3 + videosPerMonth × 4${opensearch ? ' + itemsPerMonth [index queue]' : ''}${arch.readText ? ' + imagesPerMonth [text queue]' : ''}) × ${arch.sqsRequestsPerMessage} + ${arch.polledQueues} queues × 5 pollers × 730 h × 3600 ÷ 20 s [empty long polls]`,
    ),
  );
  add('sns.publish', quantity('snsPublishes', items * 2, 'requests', 'itemsPerMonth × 2 [media.uploaded, media.processed]'));

  // S3 storage: renditions stay in Standard (they are served); originals follow the storage rules.
  const rules = originalsStorageRules(arch.originalsStorage);
  const originals: MonthlyAddition[] = history.map((h) => ({ gib: h.derived.originalsGiBPerMonth.value, objects: h.derived.originalObjectsPerMonth.value }));
  const renditions: MonthlyAddition[] = history.map((h) => ({ gib: h.derived.renditionsGiBPerMonth.value, objects: h.derived.renditionObjectsPerMonth.value }));
  const retention = w.retentionMonths;
  const renditionGbMonths = stockGbMonths(renditions, retention);
  const split = splitByClass(ageProfile(originals, retention), rules, { downloadShare: w.originalDownloadShare });
  const early = earlyDeletionGbMonths(originals, retention, rules);
  const earlyNote = (storageClass: S3StorageClass) => ((early[storageClass] ?? 0) > 0 ? ' + the minimum duration of originals deleted at retention' : '');
  const classes = new Set(rules.transitions.map((t) => t.storageClass));
  add(
    's3.standard.storage',
    quantity(
      's3StandardGbMonths',
      renditionGbMonths + split.standard,
      'GB-month',
      `renditions retained (${retention} months, this month's half-billed) + ${classes.size === 0 ? 'all originals' : `originals not moved yet (${rules.description})`}`,
    ),
  );
  if (classes.has('STANDARD_IA')) {
    add('s3.ia.storage', quantity('s3IaGbMonths', split.standardIa + (early.STANDARD_IA ?? 0), 'GB-month', `originals in Standard-IA (${rules.description})${earlyNote('STANDARD_IA')}`));
    add('s3.lifecycle.to-ia', quantity('iaTransitions', split.transitions.STANDARD_IA, 'requests', 'originals reaching the transition age this month'));
    add('s3.ia.get', quantity('iaDownloads', split.downloads.STANDARD_IA.objects, 'requests', 'originals downloaded from Standard-IA (originalDownloadShare)'));
    add('s3.ia.retrieval', quantity('iaRetrievedGb', split.downloads.STANDARD_IA.gb, 'GB', 'originals downloaded from Standard-IA (originalDownloadShare)'));
  }
  if (classes.has('INTELLIGENT_TIERING')) {
    add('s3.lifecycle.to-it', quantity('itTransitions', split.transitions.INTELLIGENT_TIERING, 'requests', 'originals reaching the transition age this month'));
    add('s3.it.frequent', quantity('itFrequentGbMonths', split.itFrequent, 'GB-month', 'originals read in the last 30 days (processing, downloads)'));
    add('s3.it.infrequent', quantity('itInfrequentGbMonths', split.itInfrequent, 'GB-month', 'originals unread for 30-90 days'));
    add('s3.it.archive-instant', quantity('itArchiveGbMonths', split.itArchiveInstant, 'GB-month', 'originals unread for 90 days or more'));
    add('s3.it.monitoring', quantity('itObjects', split.itObjects, 'object-month', 'originals in Intelligent-Tiering'));
  }
  if (classes.has('GLACIER_IR')) {
    add('s3.gir.storage', quantity('girGbMonths', split.glacierIr + (early.GLACIER_IR ?? 0), 'GB-month', `originals in Glacier Instant Retrieval (${rules.description})${earlyNote('GLACIER_IR')}`));
    add('s3.lifecycle.to-gir', quantity('girTransitions', split.transitions.GLACIER_IR, 'requests', 'originals reaching the transition age this month'));
    add('s3.gir.get', quantity('girDownloads', split.downloads.GLACIER_IR.objects, 'requests', 'originals downloaded from Glacier Instant Retrieval (originalDownloadShare)'));
    add('s3.gir.retrieval', quantity('girRetrievedGb', split.downloads.GLACIER_IR.gb, 'GB', 'originals downloaded from Glacier Instant Retrieval (originalDownloadShare)'));
  }
  add(
    's3.standard.put',
    quantity('s3Puts', d.uploadPuts.value + d.renditionObjectsPerMonth.value, 'requests', 'uploadPuts + renditionObjectsPerMonth'),
  );
  const viewGets =
    arch.mediaDelivery === 's3-presigned'
      ? d.mediaRequests.value * mediaShare
      : d.mediaRequests.value * mediaShare * (1 - arch.cdnCacheHitRatio);
  // Intelligent-Tiering has no retrieval fee and prices GETs as Standard does.
  const standardDownloads = split.downloads.STANDARD.objects + split.downloads.INTELLIGENT_TIERING.objects;
  add(
    's3.standard.get',
    quantity(
      's3Gets',
      d.ingestGets.value + d.processingGets.value + viewGets + standardDownloads + textSteps,
      'requests',
      `${
        arch.mediaDelivery === 's3-presigned'
          ? `ingestGets + processingGets + mediaRequests × (1 − ${arch.browserCacheHitRatio} browser cache)`
          : `ingestGets + processingGets + mediaRequests × (1 − ${arch.browserCacheHitRatio} browser cache) × (1 − ${arch.cdnCacheHitRatio} CloudFront hits)`
      }${standardDownloads > 0 ? ' + originals downloaded from Standard or Intelligent-Tiering' : ''}${arch.readText ? ' + imagesPerMonth [the text step reads a rendition]' : ''}`,
    ),
  );

  // Delivery. Originals are downloaded through presigned S3 URLs in both designs, so they leave S3 directly.
  const presigned = arch.mediaDelivery === 's3-presigned';
  const downloadGiB = Object.values(split.downloads).reduce((sum, read) => sum + read.gb, 0);
  if (presigned || !arch.apiBehindCloudFront || downloadGiB > 0) {
    const direct = (presigned ? d.mediaGiB.value * mediaShare : 0) + (arch.apiBehindCloudFront ? 0 : d.apiEgressGiB.value) + downloadGiB;
    const parts = [
      presigned ? `mediaGiB × (1 − ${arch.browserCacheHitRatio}) [presigned S3 URLs]` : '',
      arch.apiBehindCloudFront ? '' : 'apiEgressGiB',
      downloadGiB > 0 ? 'originals downloaded (originalDownloadShare)' : '',
    ].filter(Boolean);
    add('transfer.internet', quantity('directEgressGiB', direct, 'GB', parts.join(' + ')));
  }
  const cloudFront = cloudFrontUsage(arch, d);
  if (cloudFront !== undefined) {
    const choice = arch.cloudFrontPricing === 'cheapest-plan' ? chooseCloudFrontPricing({ requests: cloudFront.requests.value, transferGiB: cloudFront.transferGiB.value }, { freeTier }) : undefined;
    if (choice?.plan === undefined) {
      add('cloudfront.transfer', cloudFront.transferGiB);
      add('cloudfront.requests', cloudFront.requests);
    } else {
      const payg = `pay-as-you-go would be $${choice.payAsYouGoCost.toFixed(2)} (cloudFrontGiB = ${cloudFront.transferGiB.formula}; cloudFrontRequests = ${cloudFront.requests.formula})`;
      add(choice.plan.meterId, quantity('cloudFrontPlan', 1, 'plan-month', `the cheapest plan the month fits: ${choice.reason}; ${payg}`));
    }
  }
  // A deleted or held item's renditions are dropped from the edge: one wildcard path per item.
  // Presigned S3 URLs have no edge copies to drop.
  if (arch.mediaDelivery === 'cloudfront') {
    add(
      'cloudfront.invalidation',
      quantity(
        'invalidationPaths',
        items * (w.deletedShare + w.flaggedShare) * 2,
        'paths',
        `itemsPerMonth × (deletedShare ${w.deletedShare} + flaggedShare ${w.flaggedShare}) × 2 [two wildcard paths per item: as requested, and as cached after the viewer-request function]`,
      ),
    );
  }

  // DynamoDB: every state change is a conditional write of the media item; without a search
  // cluster, the table also holds the search index (postings, month counters) written with it.
  add(
    'dynamodb.write',
    quantity(
      'dynamoWrites',
      items * (opensearch ? 5 * Math.ceil(w.dynamoItemKiB) : w.dynamoWriteUnitsPerItem) +
        (arch.readText ? d.textReads.value * (opensearch ? Math.ceil(w.dynamoItemKiB) : w.textWriteUnits) : 0),
      'WRU',
      `${
        opensearch
          ? `itemsPerMonth × 5 state writes × ⌈dynamoItemKiB⌉ (tags live in OpenSearch)`
          : `itemsPerMonth × dynamoWriteUnitsPerItem [measured on the adapter: state writes in transactions, tag index, search postings, month counters]`
      }${arch.readText ? (opensearch ? ' + textReads × ⌈dynamoItemKiB⌉ [text saved]' : ' + textReads × textWriteUnits [text saved, its words posted]') : ''}`,
    ),
  );
  add(
    'dynamodb.read',
    quantity(
      'dynamoReads',
      d.apiRequests.value * w.dynamoReadUnitsPerApiCall + items * w.dynamoReadUnitsPerItemProcessed,
      'RRU',
      'apiRequests × dynamoReadUnitsPerApiCall + itemsPerMonth × dynamoReadUnitsPerItemProcessed',
    ),
  );
  const tableKiBPerItem = w.dynamoItemKiB + (opensearch ? 0 : w.tagsPerItem * w.tagItemKiB + 0.2 + w.searchPostingsPerItem * w.searchPostingKiB);
  const tableGb = stockGbMonths(
    history.map((h) => ({ gib: (h.derived.itemsPerMonth.value * tableKiBPerItem) / KIB_PER_GIB, objects: 0 })),
    retention,
  );
  const tableFormula = `items retained × ${
    opensearch ? 'dynamoItemKiB' : '(dynamoItemKiB + tagsPerItem × tagItemKiB + 0.2 dedup + searchPostingsPerItem × searchPostingKiB)'
  } ÷ 2²⁰`;
  add('dynamodb.storage', quantity('dynamoGbMonths', tableGb, 'GB-month', tableFormula));
  add('dynamodb.pitr', quantity('pitrGbMonths', tableGb, 'GB-month', 'dynamoGbMonths'));

  // OpenSearch: an always-on cluster, sized by the index it holds.
  if (opensearch) {
    const indexGiB = stockGbMonths(
      history.map((h) => ({ gib: (h.derived.itemsPerMonth.value * w.searchDocKiB) / KIB_PER_GIB, objects: 0 })),
      retention,
    );
    const needed = indexGiB * (1 + arch.openSearchReplicas) * 1.25;
    const nodes = Math.max(arch.openSearchDataNodesMin, Math.ceil(needed / arch.openSearchMaxGiBPerNode));
    const ebs = Math.max(nodes * arch.openSearchMinGiBPerNode, needed);
    add(
      'opensearch.r6g.large',
      quantity('dataNodeHours', nodes * HOURS_PER_MONTH, 'instance-hours', `max(${arch.openSearchDataNodesMin}, ⌈index × (1 + replicas) × 1.25 ÷ ${arch.openSearchMaxGiBPerNode} GB⌉) nodes × 730 h`),
    );
    add('opensearch.m6g.large', quantity('masterNodeHours', arch.openSearchMasterNodes * HOURS_PER_MONTH, 'instance-hours', `${arch.openSearchMasterNodes} dedicated masters × 730 h`));
    add('opensearch.gp3', quantity('searchEbsGb', ebs, 'GB-month', `max(nodes × ${arch.openSearchMinGiBPerNode} GB, items retained × searchDocKiB × (1 + replicas) × 1.25)`));
  }

  // ElastiCache Serverless
  if (arch.cache !== 'none') {
    const valkey = arch.cache === 'elasticache-valkey';
    const minimum = valkey ? 0.1 : 1;
    const gb = Math.max(minimum, (w.dau * arch.cacheMiBPerDau) / 1024);
    add(
      valkey ? 'elasticache.serverless.valkey.storage' : 'elasticache.serverless.redis.storage',
      quantity('cacheGbHours', gb * HOURS_PER_MONTH, 'GB-hour', `max(${minimum} GB minimum, dau × ${arch.cacheMiBPerDau} MiB ÷ 1024) × 730 h`),
    );
    add(
      valkey ? 'elasticache.serverless.valkey.ecpu' : 'elasticache.serverless.redis.ecpu',
      quantity('cacheEcpus', d.apiRequests.value * arch.cacheEcpuPerApiCall, 'ECPU', `apiRequests × ${arch.cacheEcpuPerApiCall}`),
    );
  }

  // Rekognition (with the on-device model, tagging is Lambda time, priced above)
  // Each tagged frame: DetectLabels and DetectModerationLabels, and DetectFaces where faces are
  // counted; each picture the print gate lets through: DetectText. All "group 2", one price.
  const callsPerFrame = arch.faces ? 3 : 2;
  const calls = `${callsPerFrame} [labels + moderation${arch.faces ? ' + faces' : ''}]${arch.readText ? ' + textReads [DetectText]' : ''}`;
  const textCalls = arch.readText ? d.textReads.value : 0;
  if (!model && arch.videoTagging === 'sampled-frames') {
    add('rekognition.image.group2', quantity('rekognitionImages', d.taggedFrames.value * callsPerFrame + textCalls, 'images', `taggedFrames × ${calls}`));
  }
  if (!model && arch.videoTagging === 'rekognition-video') {
    add('rekognition.image.group2', quantity('rekognitionImages', images * callsPerFrame + textCalls, 'images', `imagesPerMonth × ${calls}`));
    add(
      'rekognition.video.stored',
      quantity('rekognitionVideoMinutes', d.videoMinutes.value * callsPerFrame, 'minutes', `videoMinutes × ${callsPerFrame} [labels + moderation${arch.faces ? ' + faces' : ''}]`),
    );
  }

  // MediaConvert
  if (!ffmpeg) {
    add(`mediaconvert.${arch.mediaconvertTier}.hd`, d.hdOutputMinutes);
    add(`mediaconvert.${arch.mediaconvertTier}.sd`, d.sdOutputMinutes);
  }

  // Cognito, Route 53
  add(arch.cognitoPlan === 'lite' ? 'cognito.lite' : 'cognito.essentials', d.mau);
  add('route53.zone', quantity('hostedZones', 1, 'zones', 'one public zone'));
  if (arch.route53BilledQueryShare > 0) {
    add(
      'route53.queries',
      quantity('billedDnsQueries', d.dnsQueries.value * arch.route53BilledQueryShare, 'queries', `dnsQueries × ${arch.route53BilledQueryShare} [non-alias records]`),
    );
  }

  // CloudWatch
  const logsAdditions = history.map((h) => {
    const invocationsThen =
      h.derived.apiRequests.value + h.derived.pipelineInvocations.value + (opensearch ? h.derived.itemsPerMonth.value : 0) + (arch.readText ? h.derived.imagesPerMonth.value : 0);
    return { gib: (invocationsThen * h.workload.logKiBPerInvocation) / KIB_PER_GIB, objects: 0 };
  });
  add('cloudwatch.logs.ingest', quantity('logsIngestGiB', logsAdditions[logsAdditions.length - 1]?.gib ?? 0, 'GB', 'lambdaInvocations × logKiBPerInvocation ÷ 2²⁰'));
  add(
    'cloudwatch.logs.storage',
    quantity(
      'logsStoredGbMonths',
      // Log storage is billed compressed; CloudWatch's own examples assume about 0.15 of the ingested size.
      stockGbMonths(logsAdditions, arch.logRetentionMonths) * 0.15,
      'GB-month',
      `ingested logs retained ${arch.logRetentionMonths} month(s) × 0.15 [compression]`,
    ),
  );
  add('cloudwatch.metrics', quantity('customMetrics', arch.customMetrics, 'metrics', 'queue depth, age, DLQ, errors per worker'));
  add('cloudwatch.alarms', quantity('alarms', arch.alarms, 'alarms', 'DLQ not empty, age of oldest message, error rates'));
  add('cloudwatch.dashboards', quantity('dashboards', arch.dashboards, 'dashboards', 'one operations dashboard'));

  // Amplify Hosting
  if (arch.hosting === 'amplify') {
    add('amplify.build', quantity('buildMinutes', arch.amplifyBuildMinutes, 'build-minutes', '60 deploys × 3 min'));
    add('amplify.storage', quantity('amplifyStorage', 0.05, 'GB-month', 'app bundle, a few versions'));
    add('amplify.transfer', d.appShellGiB);
  }

  const total = lines.reduce((sum, l) => sum + l.cost, 0);
  return { architecture: arch, lines, total };
}

/**
 * Prices a single month of a workload, with `workload.historyMonths` earlier months of uploads at
 * the same rate still stored.
 */
export function priceWorkload(arch: Architecture, workload: Workload, options: PricingOptions = {}): Bill {
  const state = monthState(workload);
  const history = Array.from({ length: workload.historyMonths + 1 }, () => state);
  return priceMonth(arch, history, options);
}

/** Sums a bill's lines by service. */
export function costByService(bill: Bill): Map<ServiceId, number> {
  const out = new Map<ServiceId, number>();
  for (const line of bill.lines) out.set(line.service, (out.get(line.service) ?? 0) + line.cost);
  return out;
}

/** What passes the distribution in a month: transfer to viewers and requests, each with its formula. */
export interface CloudFrontMonth {
  readonly transferGiB: Quantity;
  readonly requests: Quantity;
}

/**
 * A month's CloudFront traffic under an architecture: media views not served from browser caches,
 * the gallery's files and the API's responses, for whichever of them the distribution serves;
 * undefined when it serves none.
 */
export function cloudFrontUsage(arch: Architecture, d: DerivedWorkload): CloudFrontMonth | undefined {
  const media = arch.mediaDelivery === 'cloudfront';
  const shell = arch.hosting === 'cloudfront-s3';
  const api = arch.apiBehindCloudFront;
  if (!media && !shell && !api) return undefined;
  const mediaShare = 1 - arch.browserCacheHitRatio;
  const parts = [media ? `mediaGiB × (1 − ${arch.browserCacheHitRatio})` : '', shell ? 'appShellGiB' : '', api ? 'apiEgressGiB' : ''].filter(Boolean);
  const reqParts = [media ? `mediaRequests × (1 − ${arch.browserCacheHitRatio})` : '', shell ? 'appShellRequests' : '', api ? 'apiRequests' : ''].filter(Boolean);
  return {
    transferGiB: quantity(
      'cloudFrontGiB',
      (media ? d.mediaGiB.value * mediaShare : 0) + (shell ? d.appShellGiB.value : 0) + (api ? d.apiEgressGiB.value : 0),
      'GB',
      parts.join(' + '),
    ),
    requests: quantity(
      'cloudFrontRequests',
      (media ? d.mediaRequests.value * mediaShare : 0) + (shell ? d.appShellRequests.value : 0) + (api ? d.apiRequests.value : 0),
      'requests',
      reqParts.join(' + '),
    ),
  };
}
