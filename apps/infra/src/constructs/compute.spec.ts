import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnSecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { Code, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackLimits } from '@mediaflow/cost-model';
import { MONTH_COUNTERS_LEADING_KEY, OWNER_TAGS_INDEX, RATE_KEY_PREFIX, REVIEW_INDEX, SEARCH_INDEX, USAGE_COUNTERS_LEADING_KEY } from '@mediaflow/storage/dynamodb';
import { archiveQueue, pipelineQueues } from '@mediaflow/workers';
import { APP_CONTEXT, CLOUD_CORES, CONSUMER_TIMEOUTS } from '../config.js';
import { MediaCache } from './cache.js';
import { MediaCompute, type MediaComputeProps } from './compute.js';
import { MediaData } from './data.js';
import { MediaEvents } from './events.js';
import { FUNCTION_PLANS, MEDIA_FUNCTIONS, type MediaFunctionName } from './function-plans.js';
import { MediaStorage } from './storage.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The limits a stage gets by default (`-c scale=month0`). */
const MONTH_0 = stackLimits({ month: 0 });
const REKOGNITION_MONTH_0 = stackLimits({ month: 0 }, { tagger: 'rekognition' });

const MEDIA_CONVERT = {
  roleArn: 'arn:aws:iam::123456789012:role/mediaflow-mediaconvert',
  queueArn: 'arn:aws:mediaconvert:eu-west-1:123456789012:queues/mediaflow',
};

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mediaflow-compute-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Stand-ins for the bundles and layers: an asset needs only a directory.
const bundle = tempDir();
writeFileSync(join(bundle, 'index.mjs'), 'export const handler = async () => ({});\n');
const layer = tempDir();
mkdirSync(join(layer, 'bin'));
writeFileSync(join(layer, 'bin', 'README'), 'layer stand-in\n');

interface Built {
  app: App;
  stack: Stack;
  compute: MediaCompute;
  events: MediaEvents;
  storage: MediaStorage;
  base: MediaComputeProps;
  cache: MediaCache | undefined;
  template: () => Template;
}

interface BuildOptions {
  tagging?: boolean;
  mediaConvert?: boolean;
  nag?: boolean;
  /** Puts the api function in a MediaCache's VPC, with its URL. */
  cache?: boolean;
  /** false: the stage has no archive queue. */
  archives?: boolean;
}

/** The construct among the real parts it is composed with: buckets, tables, topic and queues. */
function build(overrides: Partial<MediaComputeProps> = {}, options: BuildOptions = {}): Built {
  const app = new App({ outdir: tempDir(), context: { ...APP_CONTEXT } });
  const stack = new Stack(app, 'Test');
  const storage = new MediaStorage(stack, 'Storage', { uploadOrigins: ['https://gallery.example.com'], retain: false });
  const data = new MediaData(stack, 'Data', { retain: false });
  const events = new MediaEvents(stack, 'Events', {
    queues: [...pipelineQueues(CLOUD_CORES, undefined, { tagging: options.tagging ?? true }), ...(options.archives === false ? [] : [archiveQueue()])],
    consumerTimeouts: CONSUMER_TIMEOUTS,
    media: storage.media,
  });
  const base: MediaComputeProps = {
    code: () => Code.fromAsset(bundle),
    layers: { sharp: Code.fromAsset(layer), mediaTools: Code.fromAsset(layer), taggerModels: Code.fromAsset(layer) },
    // CDK's interfaces declare optional members without `| undefined`: the assertion trick of storage.ts.
    media: storage.media as IBucket,
    mediaTable: data.mediaTable as ITableV2,
    idempotencyTable: data.idempotencyTable as ITableV2,
    topic: events.topic,
    queues: events.queues,
    mediaBaseUrl: 'https://media.example.com/media',
    consumerTimeouts: CONSUMER_TIMEOUTS,
    maxConcurrency: MONTH_0.maxConcurrency,
    ...(options.mediaConvert === false ? {} : { mediaConvert: MEDIA_CONVERT }),
  };
  const cache = options.cache === true ? new MediaCache(stack, 'Cache', { name: 'mediaflow-test' }) : undefined;
  const network = cache === undefined ? {} : { apiNetwork: cache.apiNetwork, cacheUrl: cache.cacheUrl };
  const compute = new MediaCompute(stack, 'Compute', { ...base, ...network, ...overrides });
  if (options.nag === true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  let template: Template | undefined;
  return { app, stack, compute, events, storage, base, cache, template: () => (template ??= Template.fromStack(stack)) };
}

/** A policy resource as one readable string: `Fn::Join` joined, `GetAtt` as `Id.Attr`, `Ref` as its target. */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flat).join(',');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flat).join(join[0] as string);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `${String(getAtt[0])}.${String(getAtt[1])}`;
    if ('Ref' in node) return String(node['Ref']);
  }
  return JSON.stringify(value);
}

function actionsOf(statement: Statement): string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

function resourcesOf(statement: Statement): string[] {
  return (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(flat);
}

type FunctionProperties = Record<string, unknown> & { Environment: { Variables: Record<string, string> } };

function functionId(built: Built, name: MediaFunctionName): string {
  const fn = built.compute.functions.get(name);
  if (fn === undefined) throw new Error(`no ${name} function`);
  return built.stack.getLogicalId(fn.node.defaultChild as CfnFunction);
}

function functionProperties(built: Built, name: MediaFunctionName): FunctionProperties {
  return built.template().toJSON()['Resources'][functionId(built, name)].Properties;
}

/** Every statement of the policies attached to a function's role. */
function statementsOf(name: MediaFunctionName, built: Built = setup): Statement[] {
  const role = built.compute.functions.get(name)?.role;
  if (role === undefined) throw new Error(`no role for ${name}`);
  const roleId = built.stack.getLogicalId(role.node.defaultChild as CfnRole);
  const policies = Object.values(built.template().findResources('AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`));
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The resources on which a function of a build may perform an action. */
function grantsIn(built: Built, name: MediaFunctionName, action: string): string[] {
  return statementsOf(name, built)
    .filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).includes(action))
    .flatMap(resourcesOf);
}

/** The resources on which a function may perform an action. */
function grants(name: MediaFunctionName, action: string): string[] {
  return grantsIn(setup, name, action);
}

const setup = build();
const { stack, compute, events } = setup;
const template = setup.template();
const logicalId = (name: MediaFunctionName) => functionId(setup, name);
const properties = (name: MediaFunctionName) => functionProperties(setup, name);
const mediaBucket = () => stack.getLogicalId(setup.storage.media.node.defaultChild as CfnBucket);

const consumers: readonly { queue: string; fn: MediaFunctionName }[] = [
  { queue: 'ingest', fn: 'ingest' },
  { queue: 'image', fn: 'image' },
  { queue: 'document', fn: 'document' },
  { queue: 'audio', fn: 'audio' },
  { queue: 'tagging', fn: 'tagging' },
  // The text step (OCR) runs in the tagging function, from its own queue.
  { queue: 'text', fn: 'tagging' },
  { queue: 'video', fn: 'video' },
  { queue: 'archive', fn: 'archive' },
];

function queueId(name: string, built: Built = setup): string {
  const entry = built.events.queues.get(name);
  if (entry === undefined) throw new Error(`no queue ${name}`);
  return built.stack.getLogicalId(entry.queue.node.defaultChild as CfnQueue);
}

describe('MediaCompute', () => {
  it('runs every function on arm64 with the latest Node.js runtime and the bundles\u2019 `handler` export', () => {
    expect([...compute.functions.keys()].sort()).toEqual([...MEDIA_FUNCTIONS].sort());
    for (const name of MEDIA_FUNCTIONS) {
      expect(properties(name)).toMatchObject({ Architectures: ['arm64'], Runtime: 'nodejs24.x', Handler: 'index.handler' });
    }
  });

  it('gives each function exactly the environment it reads, with source maps on', () => {
    const common = ['EVENTS_TOPIC_ARN', 'MEDIA_BASE_URL', 'MEDIA_BUCKET', 'MEDIA_TABLE', 'NODE_OPTIONS'];
    const consumer = [...common, 'MAX_RECEIVES'];
    const idempotent = [...consumer, 'IDEMPOTENCY_TABLE'];
    const expected: Record<MediaFunctionName, string[]> = {
      api: [...common, 'PURGE_OBJECT_VERSIONS', 'ARCHIVE_QUEUE_URL'],
      ingest: consumer,
      image: idempotent,
      document: idempotent,
      audio: [...idempotent, 'AUDIO_TIME_LIMIT_SECONDS', 'FFMPEG_PATH', 'FFPROBE_PATH'],
      tagging: [...idempotent, 'TAGGER', 'TAGGER_WORKER_PATH'],
      video: [...idempotent, 'VIDEO_TIME_LIMIT_SECONDS', 'VIDEO_TRANSCODER', 'FFMPEG_PATH', 'FFPROBE_PATH', 'MEDIACONVERT_ROLE_ARN', 'MEDIACONVERT_QUEUE_ARN'],
      'video-complete': common,
      'trash-purge': [...common, 'PURGE_OBJECT_VERSIONS'],
      archive: consumer,
    };
    for (const name of MEDIA_FUNCTIONS) {
      const variables = properties(name).Environment.Variables;
      expect([name, Object.keys(variables).sort()]).toEqual([name, [...expected[name]].sort()]);
      expect(variables).toMatchObject({
        MEDIA_BUCKET: { Ref: mediaBucket() },
        MEDIA_BASE_URL: 'https://media.example.com/media',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
    expect(() => build({ mediaBaseUrl: 'media.example.com' })).toThrow(/mediaBaseUrl/);
    expect(properties('video').Environment.Variables['VIDEO_TRANSCODER']).toBe('lambda');
    expect(functionProperties(build({ videoTranscoder: 'mediaconvert' }), 'video').Environment.Variables['VIDEO_TRANSCODER']).toBe('mediaconvert');
    expect(properties('video').Environment.Variables).toMatchObject({
      MEDIACONVERT_ROLE_ARN: MEDIA_CONVERT.roleArn,
      MEDIACONVERT_QUEUE_ARN: MEDIA_CONVERT.queueArn,
      FFPROBE_PATH: '/opt/bin/ffprobe',
    });
  });

  it('tells each consumer its queue\u2019s maxReceives and keeps job time limits short of the timeouts', () => {
    for (const { queue, fn } of consumers) {
      const definition = events.queues.get(queue)?.definition;
      expect(properties(fn).Environment.Variables['MAX_RECEIVES']).toBe(String(definition?.maxReceives));
    }
    const audioTimeout = CONSUMER_TIMEOUTS['audio']?.toSeconds() ?? 0;
    const audioLimit = Number(properties('audio').Environment.Variables['AUDIO_TIME_LIMIT_SECONDS']);
    expect(audioLimit).toBeLessThan(audioTimeout);
    expect(audioLimit).toBeGreaterThanOrEqual(audioTimeout * 0.85);
    expect(Number(properties('video').Environment.Variables['VIDEO_TIME_LIMIT_SECONDS'])).toBeLessThan(CONSUMER_TIMEOUTS['video']?.toSeconds() ?? 0);
  });

  it('consumes every queue with partial batch failures and a bounded concurrency', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', consumers.length);
    for (const { queue, fn } of consumers) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId(queue), 'Arn'] },
        FunctionName: { Ref: logicalId(fn) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: Match.anyValue() },
      });
    }
    // CPU- and /tmp-heavy steps take one message per invocation.
    for (const queue of ['image', 'audio', 'video']) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: { 'Fn::GetAtt': [queueId(queue), 'Arn'] }, BatchSize: 1 });
    }
  });

  it('runs each consumer as many at once as the props say (the capacity plan\u2019s), and refuses what Lambda would', () => {
    for (const { queue, fn } of consumers) {
      const limit = (MONTH_0.maxConcurrency as Readonly<Record<string, number>>)[fn];
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: { 'Fn::GetAtt': [queueId(queue), 'Arn'] }, ScalingConfig: { MaximumConcurrency: limit } });
    }
    const wider = build({ maxConcurrency: { ...MONTH_0.maxConcurrency, image: 1000 } });
    wider.template().hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: { 'Fn::GetAtt': [queueId('image', wider), 'Arn'] }, ScalingConfig: { MaximumConcurrency: 1000 } });
    expect(() => build({ maxConcurrency: { ...MONTH_0.maxConcurrency, ingest: 1 } })).toThrow(/ingest function must be an integer from 2 to 1000/);
    expect(() => build({ maxConcurrency: { ...MONTH_0.maxConcurrency, audio: 2.5 } })).toThrow(/audio function must be an integer/);
  });

  it('tags on-device by default: the models\u2019 layer and worker, a whole vCPU, no Rekognition', () => {
    expect(properties('tagging')).toMatchObject({
      MemorySize: 1769,
      Environment: { Variables: { TAGGER: 'on-device', TAGGER_WORKER_PATH: '/opt/nodejs/node_modules/@mediaflow/tagging/worker/on-device-worker.mjs' } },
    });
    expect(properties('tagging').Environment.Variables).not.toHaveProperty('REKOGNITION_MAX_CONCURRENCY');
    for (const operation of ['DetectLabels', 'DetectModerationLabels', 'DetectFaces', 'DetectText']) expect(grants('tagging', `rekognition:${operation}`)).toEqual([]);
    expect(grants('tagging', 's3:GetObject')).toEqual([`${mediaBucket()}.Arn/renditions/*`]);
  });

  it('reads text in the tagging function: the text queue is its second event source, one picture per invocation', () => {
    const text = events.queues.get('text')?.definition;
    expect(text?.filter).toMatchObject({ type: ['media.tagged'] });
    // One: each reading may take the reader's whole 20 s, and a batch would share the 60 s timeout.
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId('text'), 'Arn'] },
      FunctionName: { Ref: logicalId('tagging') },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // One MAX_RECEIVES for both queues: they dead-letter after as many receives.
    expect(text?.maxReceives).toBe(events.queues.get('tagging')?.definition.maxReceives);
    const tagging = build();
    const queues = new Map(tagging.events.queues);
    const definition = queues.get('text');
    if (definition === undefined) throw new Error('no text queue');
    queues.set('text', { ...definition, definition: { ...definition.definition, maxReceives: 9 } });
    expect(() => new MediaCompute(tagging.stack, 'Mismatched', { ...tagging.base, queues })).toThrow(/text queue dead-letters after 9 receives/);
  });

  it('leaves the text queue out of a topology without it: the tagging function then reads tagging alone, and may not read text with Rekognition', () => {
    const other = build({ tagger: 'rekognition', maxConcurrency: REKOGNITION_MONTH_0.maxConcurrency });
    const queues = new Map(other.events.queues);
    queues.delete('text');
    const compute = new MediaCompute(other.stack, 'NoText', { ...other.base, tagger: 'rekognition', maxConcurrency: REKOGNITION_MONTH_0.maxConcurrency, queues });
    const role = compute.tagging?.role;
    if (role === undefined) throw new Error('no tagging role');
    const roleId = other.stack.getLogicalId(role.node.defaultChild as CfnRole);
    const statements = Object.values(other.template().findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
    const rekognitionActions = statements.flatMap(actionsOf).filter((action) => action.startsWith('rekognition:'));
    expect(rekognitionActions.sort()).toEqual(['rekognition:DetectFaces', 'rekognition:DetectLabels', 'rekognition:DetectModerationLabels']);
    const sources = Object.values(other.template().findResources('AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: other.stack.getLogicalId(compute.tagging?.node.defaultChild as CfnFunction) }),
    );
    expect(sources).toHaveLength(1);
  });

  it('with tagger rekognition, calls Rekognition instead and shares its default rate out between the tagging functions', () => {
    const rekognition = build({ tagger: 'rekognition', maxConcurrency: REKOGNITION_MONTH_0.maxConcurrency });
    const tagging = functionProperties(rekognition, 'tagging');
    // Month 0's plan runs 5 tagging functions, each with one call in flight: 5 a second in all.
    expect(REKOGNITION_MONTH_0.maxConcurrency.tagging).toBe(5);
    expect(tagging).toMatchObject({ MemorySize: 512, Environment: { Variables: { TAGGER: 'rekognition', REKOGNITION_MAX_CONCURRENCY: '1' } } });
    expect(tagging.Environment.Variables).not.toHaveProperty('TAGGER_WORKER_PATH');
    // sharp only, for the text gate that keeps pictures without print from DetectText.
    const sharpLayer = Object.keys(rekognition.template().findResources('AWS::Lambda::LayerVersion')).find((id) => id.includes('Sharp'));
    expect(tagging['Layers']).toEqual([{ Ref: sharpLayer }]);
    // Labels, moderation labels and faces for the tagging queue, text for the text queue: those four alone.
    for (const operation of ['DetectLabels', 'DetectModerationLabels', 'DetectFaces', 'DetectText']) expect(grantsIn(rekognition, 'tagging', `rekognition:${operation}`)).toEqual(['*']);
    expect(statementsOf('tagging', rekognition).flatMap(actionsOf).filter((action) => action.startsWith('rekognition:'))).toHaveLength(4);
    expect(grantsIn(rekognition, 'tagging', 's3:GetObject')).toEqual([`${mediaBucket()}.Arn/renditions/*`]);
    // No function mounts the models, so their layer is not deployed.
    expect(Object.keys(rekognition.template().findResources('AWS::Lambda::LayerVersion')).filter((id) => id.includes('TaggerModels'))).toEqual([]);
    // Two instances a queue, for tagging and for text, are four in all: one call in flight each.
    const two = build({ tagger: 'rekognition', maxConcurrency: { ...MONTH_0.maxConcurrency, tagging: 2 } });
    expect(functionProperties(two, 'tagging').Environment.Variables['REKOGNITION_MAX_CONCURRENCY']).toBe('1');
  });

  it('gives the api function alone the origin secret, and only as a reference to one', () => {
    expect(properties('api').Environment.Variables).not.toHaveProperty('ORIGIN_VERIFY_SECRET');
    const reference = SecretValue.secretsManager('mediaflow/origin', { jsonField: 'v1' }).unsafeUnwrap();
    const behind = build({ apiOriginSecret: reference });
    expect(functionProperties(behind, 'api').Environment.Variables['ORIGIN_VERIFY_SECRET']).toBe('{{resolve:secretsmanager:mediaflow/origin:SecretString:v1::}}');
    for (const name of MEDIA_FUNCTIONS.filter((other) => other !== 'api')) expect([name, functionProperties(behind, name).Environment.Variables['ORIGIN_VERIFY_SECRET']]).toEqual([name, undefined]);
    expect(() => build({ apiOriginSecret: 'Q7mZ2vK9pL4xR8tN1wB6cF3hJ5dS0gYa2eU7iO4kM9nV3bX1' })).toThrow(/not a literal/);
  });

  it('gives the api function one caller\u2019s limit, with a grant to count callers in rate-counter items of the media table', () => {
    expect(properties('api').Environment.Variables).not.toHaveProperty('OWNER_RATE_LIMIT_PER_SECOND');
    const limited = build({ callerRateLimit: MONTH_0.perCaller });
    expect(functionProperties(limited, 'api').Environment.Variables).toMatchObject({ OWNER_RATE_LIMIT_PER_SECOND: '20', OWNER_RATE_LIMIT_BURST: '200' });
    // The api function also updates album and share-link items (useMediaTable); the counting grant is its own statement.
    const counting = statementsOf('api').filter((statement) => actionsOf(statement).includes('dynamodb:UpdateItem') && statement.Condition !== undefined);
    expect(counting).toHaveLength(1);
    expect(counting[0]?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${RATE_KEY_PREFIX}*`] } });
    expect(actionsOf(counting[0] ?? { Effect: '', Action: [], Resource: [] })).toEqual(['dynamodb:UpdateItem']);
    expect(() => build({ callerRateLimit: { perSecond: 0, burst: 20 } })).toThrow(/callerRateLimit/);
    expect(() => build({ callerRateLimit: { perSecond: 5, burst: 0.5 } })).toThrow(/callerRateLimit/);
  });

  it('times consumers out as CONSUMER_TIMEOUTS says, before their queue would show the message again', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    for (const { queue, fn } of consumers) {
      const timeout = CONSUMER_TIMEOUTS[queue]?.toSeconds();
      expect(properties(fn)['Timeout']).toBe(timeout);
      expect(queues[queueId(queue)]?.Properties.VisibilityTimeout).toBeGreaterThan(timeout ?? Number.POSITIVE_INFINITY);
    }
    expect(properties('api')['Timeout']).toBeLessThan(30);
    expect(() => build({ consumerTimeouts: { ...CONSUMER_TIMEOUTS, image: Duration.minutes(10) } })).toThrow(/image queue hides a message/);
    const { image: _image, ...withoutImage } = CONSUMER_TIMEOUTS;
    expect(() => build({ consumerTimeouts: withoutImage })).toThrow(/no timeout for the image function/);
  });

  it('sizes memory per kind of work and /tmp for one original of the largest upload', () => {
    expect(properties('image')['MemorySize']).toBe(2048);
    expect(properties('audio')['MemorySize']).toBe(2048);
    expect(properties('api')['MemorySize']).toBe(1024);
    expect(properties('document')['MemorySize']).toBe(512);
    // One vCPU for the on-device models (Lambda gives one at 1,769 MB).
    expect(properties('tagging')['MemorySize']).toBe(1769);
    // 2 GiB originals by default: room for one, and for the outputs beside it.
    expect(properties('audio')['EphemeralStorage']).toEqual({ Size: 3072 });
    // The video function: the original and the ladder of the longest video it transcodes itself.
    expect(properties('video')['EphemeralStorage']).toEqual({ Size: 3072 });
    // Two vCPUs for the ladder, as measured; probing for MediaConvert alone needs little.
    expect(properties('video')['MemorySize']).toBe(3538);
    expect(functionProperties(build({ videoTranscoder: 'mediaconvert' }), 'video')['MemorySize']).toBe(1024);
    expect(properties('image')['EphemeralStorage']).toBeUndefined();

    const larger = build({ maxUploadBytes: 5 * 1024 ** 3 });
    expect(functionProperties(larger, 'audio')['EphemeralStorage']).toEqual({ Size: 6144 });
    expect(functionProperties(larger, 'api').Environment.Variables['MAX_UPLOAD_BYTES']).toBe(String(5 * 1024 ** 3));
    expect(functionProperties(larger, 'ingest').Environment.Variables['MAX_UPLOAD_BYTES']).toBe(String(5 * 1024 ** 3));
    expect(() => build({ maxUploadBytes: 10 * 1024 ** 3 })).toThrow(/\/tmp/);
  });

  it('gives the storage quota per user to the function that starts uploads, and to no other', () => {
    const quota = build({ storageQuotaBytes: 50 * 1024 ** 3 });
    expect(functionProperties(quota, 'api').Environment.Variables['STORAGE_QUOTA_BYTES']).toBe(String(50 * 1024 ** 3));
    expect(functionProperties(quota, 'ingest').Environment.Variables['STORAGE_QUOTA_BYTES']).toBeUndefined();
    expect(properties('api').Environment.Variables['STORAGE_QUOTA_BYTES']).toBeUndefined();
  });

  it('mounts the sharp, media-tools and tagger-models layers only where they are used', () => {
    const layers = Object.keys(template.findResources('AWS::Lambda::LayerVersion'));
    expect(layers).toHaveLength(3);
    const sharp = layers.find((id) => id.includes('Sharp')) ?? '';
    const tools = layers.find((id) => id.includes('MediaTools')) ?? '';
    const models = layers.find((id) => id.includes('TaggerModels')) ?? '';
    const expected: Record<MediaFunctionName, string[]> = {
      api: [],
      ingest: [],
      image: [sharp],
      document: [],
      audio: [sharp, tools],
      tagging: [sharp, models],
      video: [sharp, tools],
      'video-complete': [sharp],
      'trash-purge': [],
      archive: [],
    };
    for (const name of MEDIA_FUNCTIONS) {
      const refs = ((properties(name)['Layers'] ?? []) as { Ref: string }[]).map((ref) => ref.Ref);
      expect([name, refs.sort()]).toEqual([name, expected[name].sort()]);
    }
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['arm64'], CompatibleRuntimes: ['nodejs24.x'] });
    // WebAssembly and JavaScript: the models' layer loads on either architecture.
    expect(template.findResources('AWS::Lambda::LayerVersion')[models]?.Properties.CompatibleArchitectures).toEqual(['arm64', 'x86_64']);
  });

  it('lets the image step read originals and write renditions, never write originals', () => {
    expect(grants('image', 's3:GetObject')).toEqual([`${mediaBucket()}.Arn/originals/*`]);
    expect(grants('image', 's3:PutObject')).toEqual([`${mediaBucket()}.Arn/renditions/*`]);
    expect(grants('image', 's3:DeleteObject')).toEqual([`${mediaBucket()}.Arn/renditions/*`]);
  });

  it('lets the API upload originals, record archives and delete items, but neither read nor write renditions', () => {
    const bucket = mediaBucket();
    expect(grants('api', 's3:PutObject')).toEqual([`${bucket}.Arn/originals/*`, `${bucket}.Arn/downloads/*`]);
    expect(grants('api', 's3:GetObject')).toEqual([`${bucket}.Arn/originals/*`, `${bucket}.Arn/downloads/*`]);
    expect(grants('api', 's3:DeleteObject').sort()).toEqual([`${bucket}.Arn/downloads/*`, `${bucket}.Arn/originals/*`, `${bucket}.Arn/renditions/*`]);
    // Resuming an upload lists its parts; deleting an item still uploading aborts its upload.
    expect(grants('api', 's3:ListMultipartUploadParts')).toEqual([`${bucket}.Arn/originals/*`]);
    expect(grants('api', 's3:AbortMultipartUpload')).toEqual([`${bucket}.Arn/originals/*`]);
  });

  it('keeps every other function to the prefixes and actions its code uses', () => {
    const s3Actions = (name: MediaFunctionName) =>
      statementsOf(name)
        .filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')))
        .map((statement) => [actionsOf(statement).sort(), resourcesOf(statement)]);
    const bucket = mediaBucket();
    // Documents are kept as uploaded: no object is touched.
    expect(s3Actions('document')).toEqual([]);
    expect(s3Actions('tagging')).toEqual([[['s3:GetObject'], [`${bucket}.Arn/renditions/*`]]]);
    expect(s3Actions('ingest')).toEqual([[['s3:DeleteObject', 's3:GetObject'], [`${bucket}.Arn/originals/*`]]]);
    // The video function writes the renditions it makes; with MediaConvert for every video it writes none.
    expect(grants('video', 's3:PutObject')).toEqual([`${bucket}.Arn/renditions/*`]);
    expect(grantsIn(build({ videoTranscoder: 'mediaconvert' }), 'video', 's3:PutObject')).toEqual([]);
    expect(grants('video-complete', 's3:GetObject')).toEqual([`${bucket}.Arn/renditions/*`]);
    // Listing is of renditions/, but where reads of missing archive records must be not found (404), not refused.
    for (const name of MEDIA_FUNCTIONS) {
      for (const statement of statementsOf(name).filter((s) => actionsOf(s).includes('s3:ListBucket'))) {
        expect([name, statement.Condition]).toEqual([name, ['api', 'archive'].includes(name) ? undefined : { StringLike: { 's3:prefix': ['renditions/*'] } }]);
      }
    }
  });

  it('grants tables, topic and services only where the code uses them', () => {
    const [mediaTable, idempotencyTable] = ['PK', 'id'].map(
      (key) => Object.keys(template.findResources('AWS::DynamoDB::GlobalTable', { Properties: { KeySchema: Match.arrayWith([{ AttributeName: key, KeyType: 'HASH' }]) } }))[0],
    );
    const topic = stack.resolve(events.topic.topicArn).Ref as string;
    for (const name of MEDIA_FUNCTIONS) {
      // The archive builder changes no item: it publishes nothing.
      expect([name, grants(name, 'sns:Publish')]).toEqual([name, name === 'archive' ? [] : [topic]]);
      expect([name, grants(name, 'dynamodb:GetItem')]).toEqual([name, expect.arrayContaining([`${mediaTable}.Arn`])]);
      const idempotent = ['image', 'document', 'audio', 'tagging', 'video'].includes(name);
      // The api function updates album counts, share links' last visits, month counters and rate
      // counters in the media table; the purge album counts and share links of what it deletes; the
      // archive builder nothing; every other function only the month counters (see below).
      const updates = idempotent ? [`${mediaTable}.Arn`, `${idempotencyTable}.Arn`] : name === 'api' ? [`${mediaTable}.Arn`, `${mediaTable}.Arn`] : name === 'archive' ? [] : [`${mediaTable}.Arn`];
      expect([name, grants(name, 'dynamodb:UpdateItem').sort()]).toEqual([name, updates.sort()]);
      const queries: Partial<Record<MediaFunctionName, string[]>> = {
        api: [`${mediaTable}.Arn`, `${mediaTable}.Arn/index/${OWNER_TAGS_INDEX}`, `${mediaTable}.Arn/index/${REVIEW_INDEX}`, `${mediaTable}.Arn/index/${SEARCH_INDEX}`],
        // The items due in the review index's PURGE# partitions; their share links by target.
        'trash-purge': [`${mediaTable}.Arn`, `${mediaTable}.Arn/index/${REVIEW_INDEX}`, `${mediaTable}.Arn/index/${OWNER_TAGS_INDEX}`],
        archive: [`${mediaTable}.Arn`],
      };
      expect([name, grants(name, 'dynamodb:Query')]).toEqual([name, queries[name] ?? []]);
      // A page's items by BatchGetItem: search (api), the items due (purge).
      expect([name, grants(name, 'dynamodb:BatchGetItem')]).toEqual([name, ['api', 'trash-purge'].includes(name) ? [`${mediaTable}.Arn`] : []]);
      // Albums gain members (transactions checking back-references) in the api function alone; the
      // purge removes a deleted item's album rows, and those an interrupted album delete left (batch removals).
      expect([name, grants(name, 'dynamodb:ConditionCheckItem')]).toEqual([name, name === 'api' ? [`${mediaTable}.Arn`] : []]);
      expect([name, grants(name, 'dynamodb:BatchWriteItem')]).toEqual([name, ['api', 'trash-purge'].includes(name) ? [`${mediaTable}.Arn`] : []]);
      // The archive builder writes nothing to the table.
      for (const action of ['dynamodb:PutItem', 'dynamodb:DeleteItem']) expect([name, action, grants(name, action).length > 0]).toEqual([name, action, name !== 'archive']);
      // The default tagger is on-device: no function calls Rekognition (see the tagger rekognition test).
      for (const operation of ['DetectLabels', 'DetectFaces', 'DetectText']) expect([name, grants(name, `rekognition:${operation}`)]).toEqual([name, []]);
      expect([name, grants(name, 'mediaconvert:CreateJob').length > 0]).toEqual([name, name === 'video']);
    }
    const passRole = statementsOf('video').filter((statement) => actionsOf(statement).includes('iam:PassRole'));
    expect(passRole).toEqual([
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: MEDIA_CONVERT.roleArn, Condition: { StringEquals: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } } },
    ]);
    expect(grants('video', 'mediaconvert:CreateJob')).toContain(MEDIA_CONVERT.queueArn);
  });

  it('lets the functions that write items update the media table\u2019s month and storage-used counters and nothing else', () => {
    const [mediaTable] = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable', { Properties: { KeySchema: Match.arrayWith([{ AttributeName: 'PK', KeyType: 'HASH' }]) } }));
    for (const name of MEDIA_FUNCTIONS.filter((other) => !['api', 'trash-purge', 'archive'].includes(other))) {
      const updates = statementsOf(name).filter((statement) => actionsOf(statement).includes('dynamodb:UpdateItem') && resourcesOf(statement).includes(`${mediaTable}.Arn`));
      expect([name, updates.map((statement) => [actionsOf(statement), statement.Condition])]).toEqual([
        name,
        [[['dynamodb:UpdateItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [MONTH_COUNTERS_LEADING_KEY, USAGE_COUNTERS_LEADING_KEY] } }]],
      ]);
    }
  });

  it('gives video neither MediaConvert settings nor permissions when none are given', () => {
    const bare = build({}, { mediaConvert: false });
    const variables = functionProperties(bare, 'video').Environment.Variables;
    expect(Object.keys(variables).filter((key) => key.startsWith('MEDIACONVERT'))).toEqual([]);
    const actions = statementsOf('video', bare).flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('mediaconvert:') || action.startsWith('iam:'))).toEqual([]);
  });

  it('grants no wildcard action in any policy', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
  });

  it('logs each function to its own log group with a retention, without the AWS managed basic-execution policy', () => {
    for (const name of MEDIA_FUNCTIONS) {
      const logGroup = (properties(name)['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(template.toJSON()['Resources'][logGroup].Properties.RetentionInDays).toBe(30);
      expect(grants(name, 'logs:PutLogEvents')).toEqual([`${logGroup}.Arn`]);
      const role = compute.functions.get(name)?.role;
      const roleProperties = template.toJSON()['Resources'][stack.getLogicalId(role?.node.defaultChild as CfnRole)].Properties;
      expect(roleProperties.ManagedPolicyArns).toBeUndefined();
    }
    const week = build({ logRetention: RetentionDays.ONE_WEEK });
    const groups = Object.values(week.template().findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(MEDIA_FUNCTIONS.length);
    expect(groups.every((group) => group.Properties.RetentionInDays === 7)).toBe(true);
  });

  it('leaves video-complete\u2019s asynchronous invocation to the rule that invokes it; no queue feeds it', () => {
    expect(properties('video-complete')['DeadLetterConfig']).toBeUndefined();
    // The purge's is its own schedule's (see below); video-complete has none here.
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    template.resourcePropertiesCountIs('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: logicalId('video-complete') } }, 0);
    template.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: logicalId('video-complete') } }, 0);
    expect(compute.functions.get('video-complete')).toBe(compute.videoComplete);
    // What the transcoding construct does with it: CDK allows one such configuration per function.
    const other = build();
    expect(() => other.compute.videoComplete.configureAsyncInvoke({ retryAttempts: 2 })).not.toThrow();
  });

  it('points video at MediaConvert after construction, as when the queue comes after the functions', () => {
    const later = build({}, { mediaConvert: false, nag: true });
    later.compute.useMediaConvert(MEDIA_CONVERT);
    expect(() => later.app.synth()).not.toThrow();
    expect(functionProperties(later, 'video').Environment.Variables).toMatchObject({
      MEDIACONVERT_ROLE_ARN: MEDIA_CONVERT.roleArn,
      MEDIACONVERT_QUEUE_ARN: MEDIA_CONVERT.queueArn,
    });
    expect(statementsOf('video', later).filter((statement) => actionsOf(statement).includes('iam:PassRole'))).toHaveLength(1);
    expect(() => later.compute.useMediaConvert(MEDIA_CONVERT)).toThrow(/already submits jobs/);
  });

  it('leaves tagging out with its queue, and refuses a queue no function consumes', () => {
    const untagged = build({}, { tagging: false });
    expect(untagged.compute.tagging).toBeUndefined();
    // Neither the tagging queue nor the text queue (it reads what tagging tagged): two sources fewer.
    expect(untagged.events.queues.has('text')).toBe(false);
    untagged.template().resourceCountIs('AWS::Lambda::EventSourceMapping', consumers.length - 2);

    const other = build();
    const image = other.events.queues.get('image');
    if (image === undefined) throw new Error('no image queue');
    const queues = new Map(other.events.queues).set('thumbnails', image);
    expect(() => new MediaCompute(other.stack, 'More', { ...other.base, queues })).toThrow(/no function consumes the thumbnails queue/);
  });

  describe('the trash\u2019s purge', () => {
    it('runs every hour from an EventBridge schedule, one run at a time, retried once and never past the next run', () => {
      const fn = logicalId('trash-purge');
      expect(properties('trash-purge')).toMatchObject({ MemorySize: 512, Timeout: 900, ReservedConcurrentExecutions: 1 });
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] }, Principal: 'events.amazonaws.com' });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: fn }, MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 });
      // No queue feeds it, and it is the only scheduled function.
      template.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: fn } }, 0);
      expect([...compute.schedules]).toEqual([['trash-purge', Duration.hours(1)]]);
      expect(Object.keys(template.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: Match.anyValue() } }))).toHaveLength(1);
    });

    it('deletes objects by version under originals/ and renditions/ only, and reads or writes none', () => {
      const bucket = mediaBucket();
      const s3 = statementsOf('trash-purge').filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
      expect(s3.map((statement) => [actionsOf(statement), resourcesOf(statement), statement.Condition])).toEqual([
        [['s3:ListBucketVersions'], [`${bucket}.Arn`], { StringLike: { 's3:prefix': ['originals/*', 'renditions/*'] } }],
        [['s3:DeleteObjectVersion'], [`${bucket}.Arn/originals/*`], undefined],
        [['s3:DeleteObjectVersion'], [`${bucket}.Arn/renditions/*`], undefined],
      ]);
      expect(properties('trash-purge').Environment.Variables['PURGE_OBJECT_VERSIONS']).toBe('true');
      // The search index is the API's: the purge reads the review index's PURGE# partitions and links by target only.
      expect(grants('trash-purge', 'dynamodb:Query')).not.toContain(expect.stringContaining(SEARCH_INDEX));
    });

    it('is given the distribution to invalidate a deleted item\u2019s edge copies, as the api function is', () => {
      expect(FUNCTION_PLANS['trash-purge'].invalidatesEdge).toBe(true);
    });
  });

  describe('archives', () => {
    const bucket = () => mediaBucket();

    it('are built by one zip an invocation, for up to 15 minutes, on a queue with its dead-letter queue', () => {
      expect(properties('archive')).toMatchObject({ MemorySize: 1769, Timeout: 900 });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId('archive'), 'Arn'] },
        FunctionName: { Ref: logicalId('archive') },
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: MONTH_0.maxConcurrency.archive },
      });
      const queue = template.toJSON()['Resources'][queueId('archive')].Properties;
      expect(queue.VisibilityTimeout).toBeGreaterThan(900);
      expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/ArchiveDlq/), 'Arn'] }, maxReceiveCount: 3 });
    });

    it('read originals, renditions and archives, write only zips and their records, and only read the table', () => {
      const s3 = (action: string) => grants('archive', action);
      expect(s3('s3:GetObject')).toEqual([`${bucket()}.Arn/originals/*`, `${bucket()}.Arn/renditions/*`, `${bucket()}.Arn/downloads/*`]);
      expect(s3('s3:PutObject')).toEqual([`${bucket()}.Arn/downloads/*`]);
      expect(s3('s3:AbortMultipartUpload')).toEqual([`${bucket()}.Arn/downloads/*`]);
      for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions']) expect([action, s3(action)]).toEqual([action, []]);
      const tableActions = statementsOf('archive').flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:'));
      expect([...new Set(tableActions)].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    });

    it('are queued by the api function alone, which may send to that queue and do nothing else with SQS', () => {
      const sqs = (name: MediaFunctionName) => statementsOf(name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')));
      expect(sqs('api').map((statement) => [actionsOf(statement), resourcesOf(statement)])).toEqual([[['sqs:SendMessage'], [`${queueId('archive')}.Arn`]]]);
      expect(properties('api').Environment.Variables['ARCHIVE_QUEUE_URL']).toEqual({ Ref: queueId('archive') });
      // The consumers' own grants on their queues are the event source mappings' (receive, delete, attributes).
      for (const name of MEDIA_FUNCTIONS.filter((other) => other !== 'api')) {
        expect([name, sqs(name).flatMap(actionsOf).filter((action) => action === 'sqs:SendMessage')]).toEqual([name, []]);
        expect([name, properties(name).Environment.Variables['ARCHIVE_QUEUE_URL']]).toEqual([name, undefined]);
      }
      expect(() => build({}, { archives: false })).toThrow(/no archive queue/);
    });

    it('are deleted for good by version by the api function too', () => {
      expect(properties('api').Environment.Variables['PURGE_OBJECT_VERSIONS']).toBe('true');
      expect(grants('api', 's3:DeleteObjectVersion')).toEqual([`${bucket()}.Arn/originals/*`, `${bucket()}.Arn/renditions/*`]);
      const versions = statementsOf('api').filter((statement) => actionsOf(statement).includes('s3:ListBucketVersions'));
      expect(versions.map((statement) => statement.Condition)).toEqual([{ StringLike: { 's3:prefix': ['originals/*', 'renditions/*'] } }]);
      for (const name of MEDIA_FUNCTIONS.filter((other) => !['api', 'trash-purge'].includes(other))) {
        expect([name, grants(name, 's3:DeleteObjectVersion'), properties(name).Environment.Variables['PURGE_OBJECT_VERSIONS']]).toEqual([name, [], undefined]);
      }
    });
  });

  describe('with the api function in a VPC (MediaCache)', () => {
    const cached = build({}, { cache: true });
    const network = cached.cache;
    if (network === undefined) throw new Error('no cache');
    const eniActions = ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'];
    const ec2Statements = (name: MediaFunctionName, built: Built) => statementsOf(name, built).filter((statement) => actionsOf(statement).some((action) => action.startsWith('ec2:')));

    it('runs only the api function in the isolated subnets, with the API\u2019s security group and CACHE_URL', () => {
      const subnets = network.vpc.isolatedSubnets.map((subnet) => cached.stack.resolve(subnet.subnetId) as unknown);
      const group = { 'Fn::GetAtt': [cached.stack.getLogicalId(network.apiSecurityGroup.node.defaultChild as CfnSecurityGroup), 'GroupId'] };
      expect(functionProperties(cached, 'api')['VpcConfig']).toEqual({ SubnetIds: subnets, SecurityGroupIds: [group] });
      expect(functionProperties(cached, 'api').Environment.Variables['CACHE_URL']).toEqual(cached.stack.resolve(network.cacheUrl));
      for (const name of MEDIA_FUNCTIONS.filter((other) => other !== 'api')) {
        expect([name, functionProperties(cached, name)['VpcConfig']]).toEqual([name, undefined]);
        expect([name, functionProperties(cached, name).Environment.Variables['CACHE_URL']]).toEqual([name, undefined]);
      }
      // Without a network, no function is in a VPC.
      for (const name of MEDIA_FUNCTIONS) expect([name, properties(name)['VpcConfig']]).toEqual([name, undefined]);
    });

    it('lets Lambda manage the api function\u2019s network interfaces with exact actions, on its own role, before the function exists', () => {
      const account = 'arn:AWS::Partition:ec2:AWS::Region:AWS::AccountId:*/*';
      expect(ec2Statements('api', cached).map((statement) => [actionsOf(statement).sort(), resourcesOf(statement)])).toEqual([
        [['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], ['*']],
        [[...eniActions].sort(), [account]],
      ]);
      for (const name of MEDIA_FUNCTIONS.filter((other) => other !== 'api')) expect([name, ec2Statements(name, cached)]).toEqual([name, []]);
      expect(ec2Statements('api', setup)).toEqual([]);
      // Neither the AWS managed VPC policy nor a wildcard action stands in for them.
      const apiRole = cached.compute.api.role?.node.defaultChild as CfnRole;
      expect(cached.template().toJSON()['Resources'][cached.stack.getLogicalId(apiRole)].Properties.ManagedPolicyArns).toBeUndefined();
      const statements = Object.values(cached.template().findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
      expect(statements.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
      // Lambda checks the role for these permissions when it creates the function.
      const policy = cached.compute.api.role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnPolicy;
      expect(cached.template().toJSON()['Resources'][functionId(cached, 'api')].DependsOn).toContain(cached.stack.getLogicalId(policy));
    });

    it('refuses a cache URL without a network, or one the function could not parse', () => {
      expect(() => build({ cacheUrl: 'rediss://cache.example.com:6379' })).toThrow(/cacheUrl needs apiNetwork/);
      expect(() => build({ cacheUrl: 'https://cache.example.com' }, { cache: true })).toThrow(/redis:\/\/ or rediss:\/\//);
      expect(() => build({ cacheUrl: 'redis://cache.internal:6379' }, { cache: true })).not.toThrow();
    });

    it('synthesizes with the AwsSolutions checks, the network interfaces\u2019 wildcards acknowledged on the api role with their reasons', () => {
      const checked = build({}, { cache: true, nag: true });
      expect(() => checked.app.synth()).not.toThrow();
      const apiRole = checked.stack.getLogicalId(checked.compute.api.role?.node.defaultChild as CfnRole);
      const suppressions = (checked.template().toJSON()['Resources'][apiRole].Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[];
      const reason = (resource: string) => suppressions.find((suppression) => suppression.id === `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`)?.reason ?? '';
      expect(reason('arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:*/*')).toMatch(/network interfaces/);
      expect(reason('*')).toMatch(/DescribeNetworkInterfaces/);
      expect(reason('*')).toMatch(/X-Ray/);
    });
  });

  it.each(['on-device', 'rekognition'] as const)('synthesizes with the AwsSolutions checks with tagger %s, acknowledging only wildcard resources, each with its reason', (tagger) => {
    const checked = build({ tagger, maxConcurrency: stackLimits({ month: 0 }, { tagger }).maxConcurrency }, { nag: true });
    expect(() => checked.app.synth()).not.toThrow();
    const resources = checked.template().toJSON()['Resources'] as Record<string, { Type: string; Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string; reason: string }[] } } }>;
    const roles = new Set(MEDIA_FUNCTIONS.map((name) => checked.stack.getLogicalId(checked.compute.functions.get(name)?.role?.node.defaultChild as CfnRole)));
    const suppressions = Object.entries(resources)
      .filter(([id]) => roles.has(id))
      .flatMap(([, resource]) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(suppressions.length).toBeGreaterThan(0);
    for (const suppression of suppressions) {
      expect(suppression.id).toMatch(/^AwsSolutions::AwsSolutions-IAM5\[Resource::/);
      expect(suppression.reason.length).toBeGreaterThan(60);
    }
  });
});
