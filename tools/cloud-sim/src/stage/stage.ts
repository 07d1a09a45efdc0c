import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeCache, startDistribution } from '../cloudfront/index.js';
import { edgeNames, issueStageCertificate, startEdge } from '../edge/index.js';
import { CredentialRegistry, startGateway, type Gateway } from '../gateway/index.js';
import { startHttpApi } from '../http-api/index.js';
import { formatReport, type RoleUsage } from '../iam/index.js';
import { LambdaService, isRunnable } from '../lambda/lambda-service.js';
import type { LayerKind } from '../lambda/layers.js';
import { createMessaging, type Messaging } from '../messaging/index.js';
import { startIssuer, type Issuer } from '../oidc/index.js';
import { unknownTypes } from '../resource-types.js';
import { bootstrapPath, workspaceRoot } from '../runtime-paths.js';
import { startDynamo } from '../services/dynamodb/index.js';
import { createMediaConvert, type JobSummary } from '../services/mediaconvert/index.js';
import { closeOnDeviceDetector, createRekognition } from '../services/rekognition/index.js';
import { createCloudFrontApi } from '../services/cloudfront-api/index.js';
import { createCognitoIdp } from '../services/cognito-idp/index.js';
import { matchingNotifications, notificationRecord, startS3, type S3ObjectEvent, type S3Simulator } from '../services/s3/index.js';
import { createSecretsManager } from '../services/secretsmanager/index.js';
import type { CloudAssemblyStack } from '../template/cdk-out.js';
import { readStageSpec, type StageSpec } from '../template/stage-spec.js';
import { DEFAULT_ACCOUNT, type Invoker, type Principal, type SimAccount, type SimEvent } from '../types.js';
import { deployBuckets } from './deployments.js';
import { edgeRoute } from './edge-route.js';
import { bodyOf, internalCall, s3Request } from './internal-call.js';
import { StagePermissions } from './permissions.js';

export interface StageOptions {
  stack: CloudAssemblyStack;
  account?: SimAccount;
  /** Where the stage keeps objects, logs and instance directories; a fresh temporary one by default. */
  dataDir?: string;
  /** Host-architecture builds of the template's layers (see `lambda/layers.ts`). */
  hostLayers: Partial<Record<LayerKind, string>>;
  ffmpeg: string;
  ffprobe: string;
  /** Users of the sign-in page. */
  users?: Array<{ username: string; password: string; email?: string; groups?: string[] }>;
  /** Instances per function at most; 2 keeps a 2-core machine responsive. */
  maxInstancesPerFunction?: number;
  /** Seconds Lambda waits before retrying a failed asynchronous invocation (60 and 120 in AWS). */
  asyncRetryDelaysMs?: number[];
  onEvent?: (event: SimEvent) => void;
  /**
   * Serve the template's public names over HTTPS on one listener (`edge/edge.ts`), and have the
   * functions use the SDK's own endpoints through it: what a browser needs, since the gallery's
   * CSP, CORS and presigned URLs name those hosts. Off: the functions talk to the gateway.
   */
  https?: boolean;
}

/** The stage's HTTPS edge: where its public names connect, and the authority that signed them. */
export interface StageEdge {
  /** `127.0.0.1:PORT`. */
  address: string;
  /** Chromium's `--host-resolver-rules` for the stage's names. */
  resolverRules: string;
  /** The stage's certificate authority (PEM file). */
  caPath: string;
  /** Base64 SHA-256 of the edge certificate's public key: Chromium's `--ignore-certificate-errors-spki-list`. */
  spkiHash: string;
}

/** A running simulated stage. */
export interface Stage {
  spec: StageSpec;
  /** The distribution (`https://d….cloudfront.net` stands for it). */
  siteUrl: string;
  apiUrl: string;
  issuer: Issuer;
  gatewayUrl: string;
  /** Maps the template's public host names to the local listeners. */
  hosts: Record<string, string>;
  /** `https://d….cloudfront.net`, the distribution's own name. */
  publicSiteUrl: string;
  /** Present when the stage was started with `https`. */
  edge?: StageEdge;
  /** `https://d….cloudfront.net/x` → `http://127.0.0.1:PORT/x`, for any host the stage serves. */
  localUrl(url: string): string;
  events: SimEvent[];
  messaging: Messaging;
  lambda: LambdaService;
  /** The stage's DynamoDB (dynalite) at its own address: rows looked at or changed directly, with no IAM and no signature. */
  dynamoEndpoint: string;
  /** The stage's objects read directly, with no IAM: a bucket's keys under a prefix, an object's bytes. */
  objects: Pick<S3Simulator, 'listKeys' | 'readObject'>;
  /** The MediaConvert jobs the stage's functions created, in the order they came. */
  mediaConvertJobs(): JobSummary[];
  /** Resolves when no message, batch, delivery or transcoding job is left. */
  idle(signal?: AbortSignal): Promise<void>;
  /** Per role: the calls refused and the grants never used. */
  permissionsReport(): RoleUsage[];
  deadLetters(): Record<string, number>;
  report(): string;
  close(): Promise<void>;
}

/**
 * Brings the synthesized stage up on this machine: every part built from the template (see
 * `resource-types.ts` for the mapping), the functions running their `cdk.out` bundles as their
 * roles, and every call between them checked by IAM.
 */
export async function startStage(options: StageOptions): Promise<Stage> {
  const account = options.account ?? DEFAULT_ACCOUNT;
  const unknown = unknownTypes(Object.values(options.stack.template.Resources).map((r) => r.Type));
  if (unknown.length > 0) throw new Error(`the simulator has no mapping for ${unknown.join(', ')} (add it to resource-types.ts)`);

  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'mf-stage-'));
  mkdirSync(dataDir, { recursive: true });
  // The functions' /opt and /tmp live here. In Lambda the function's own user reaches them; here the
  // functions may run as root, and then run the media tools as an unprivileged user, who must reach
  // them too (a fresh temporary directory is 0700).
  chmodSync(dataDir, 0o755);
  const events: SimEvent[] = [];
  const log = (event: SimEvent): void => {
    events.push(event);
    options.onEvent?.(event);
  };
  const closers: Array<() => Promise<void> | void> = [];
  const firstClosers: Array<() => Promise<void> | void> = [];
  const close = async (): Promise<void> => {
    // Nothing may invoke a function once the functions are gone: the pollers, deliveries and
    // transcoding jobs stop first, then every other part in the reverse order it came up.
    for (const closer of firstClosers) await closer();
    for (const closer of closers.reverse()) await closer();
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    // The edge's host names are fixed before anything resolves them: the distribution's domain is
    // part of function environments, the gallery's config.json and the sign-in callback URLs.
    const spec = readStageSpec(options.stack, account);
    const permissions = new StagePermissions(spec);
    const credentials = new CredentialRegistry({ lifetimeSeconds: 12 * 3600 });

    // Parts that call each other are made in order; these are filled in as they come up.
    const late: { lambda?: LambdaService; messaging?: Messaging } = {};
    const invoker: Invoker = {
      invoke: (name, event, invokeOptions) => {
        if (!late.lambda) throw new Error('the stage is not up yet');
        return late.lambda.invoke(name, event, invokeOptions);
      },
    };

    const dynamo = await startDynamo({ tables: spec.tables, account });
    closers.push(() => dynamo.close());

    const deliverS3Event = (event: S3ObjectEvent): void => {
      const bucket = spec.buckets.find((b) => b.name === event.bucket.name);
      const messaging = late.messaging;
      if (!bucket || !messaging) return;
      for (const notification of matchingNotifications(bucket, event.eventName, event.key)) {
        const body = JSON.stringify({ Records: [notificationRecord(event, account)] });
        if (notification.destinationType === 'queue') {
          if (!permissions.serviceMay('s3.amazonaws.com', bucket.arn, 'sqs:SendMessage', notification.destinationArn)) {
            log({ kind: 'dropped', source: 's3', message: `the queue policy of ${notification.destinationArn} refuses s3.amazonaws.com for ${bucket.arn}` });
            continue;
          }
          messaging.queues.enqueue(notification.destinationArn, body, { senderId: 'AIDAJQR6QDGQ7PATMSYEY' });
        } else if (notification.destinationType === 'function') {
          void invoker.invoke(notification.destinationArn, JSON.parse(body), { type: 'Event' });
        } else {
          log({ kind: 'dropped', source: 's3', message: `notifications to ${notification.destinationType} are not simulated` });
        }
      }
    };
    const s3 = await startS3({
      buckets: spec.buckets,
      dataDir: join(dataDir, 's3'),
      account,
      canList: (principal, bucketArn) => permissions.check(principal, { action: 's3:ListBucket', resource: bucketArn }).allowed,
      onObjectCreated: deliverS3Event,
      log,
    });
    closers.push(() => s3.close());

    const messaging = createMessaging({
      queues: spec.queues,
      topics: spec.topics,
      subscriptions: spec.subscriptions,
      rules: spec.rules,
      mappings: spec.mappings,
      invoker,
      authorizeDelivery: (service, sourceArn, action, resourceArn) => permissions.serviceMay(service, sourceArn, action, resourceArn),
      account,
      log,
    });
    late.messaging = messaging;
    const stageMessaging = messaging;
    firstClosers.push(() => stageMessaging.stop());

    const objectsAs = (roleArn: string): Principal => ({ type: 'role', roleArn, sessionName: 'MediaConvert', accessKeyId: 'mediaconvert' });
    const mediaConvert = createMediaConvert({
      queues: spec.mediaConvertQueues,
      roles: spec.roles,
      account,
      ffmpeg: options.ffmpeg,
      ffprobe: options.ffprobe,
      workDir: join(dataDir, 'mediaconvert'),
      objects: {
        get: async (bucket, key, roleArn) => {
          const response = await internalCall(s3.handler, s3Request(objectsAs(roleArn), 'GET', bucket, key), permissions, log, 'mediaconvert');
          if (response.status !== 200) throw new Error(`GET s3://${bucket}/${key} answered ${response.status}: ${bodyOf(response).toString('utf8').slice(0, 200)}`);
          return bodyOf(response);
        },
        put: async (bucket, key, body, contentType, roleArn) => {
          const response = await internalCall(s3.handler, s3Request(objectsAs(roleArn), 'PUT', bucket, key, { body, headers: { 'content-type': contentType } }), permissions, log, 'mediaconvert');
          if (response.status !== 200) throw new Error(`PUT s3://${bucket}/${key} answered ${response.status}: ${bodyOf(response).toString('utf8').slice(0, 200)}`);
        },
      },
      emit: async (event) => {
        stageMessaging.putEvents([{ Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail), Resources: event.resources }]);
      },
      canAssume: (roleArn, service, sourceArn, sourceAccount) => {
        const role = permissions.role(roleArn);
        if (!role) return false;
        return permissions.decideTrust(role, { type: 'service', service, sourceArn, sourceAccount });
      },
      log,
    });
    const rekognition = createRekognition({
      objects: {
        get: async (bucket, key, principal) => {
          const response = await internalCall(s3.handler, s3Request(principal, 'GET', bucket, key), permissions, log, 'rekognition');
          if (response.status !== 200) throw new Error(`GET s3://${bucket}/${key} answered ${response.status}`);
          return bodyOf(response);
        },
      },
      log,
    });
    // The detector is shared and loaded on first use; its worker must not outlive the stage.
    closers.push(() => closeOnDeviceDetector());

    // The distributions' edge caches by id, made here so that functions' invalidations reach the
    // distributions started below.
    const edgeCaches = new Map(spec.distributions.map((d) => [d.id, new EdgeCache()]));
    const cloudFrontApi = createCloudFrontApi({ distribution: (id) => edgeCaches.get(id), account, log });

    // The user pools' issuers come up after the gateway; their admin API finds them here.
    const issuersByPool = new Map<string, Issuer>();
    const cognitoIdp = createCognitoIdp({
      pool: (poolId) => {
        const found = issuersByPool.get(poolId);
        return found && { id: found.pool.id, arn: found.pool.arn, deleteUser: (username) => found.deleteUser(username) !== undefined };
      },
      account,
      log,
    });

    const gateway: Gateway = await startGateway({
      credentials,
      services: {
        s3: s3.handler,
        dynamodb: dynamo.handler,
        sqs: messaging.sqs,
        sns: messaging.sns,
        events: messaging.events,
        mediaconvert: mediaConvert.handler,
        rekognition: rekognition.handler,
        secretsmanager: createSecretsManager({ secret: (id) => spec.resolver.secret(id), log }).handler,
        cloudfront: cloudFrontApi.handler,
        'cognito-idp': cognitoIdp.handler,
      },
      authorize: (principal, authorization) => permissions.check(principal, authorization),
      log,
    });
    closers.push(() => gateway.close());

    // The public names, filled in as the parts come up; the edge reads it per request.
    const hosts: Record<string, string> = {};
    let edge: StageEdge | undefined;
    if (options.https) {
      const certificate = issueStageCertificate(join(dataDir, 'edge'), edgeNames(account.region));
      const gatewayUrl = gateway.url;
      const running = await startEdge({
        route: edgeRoute(hosts, gatewayUrl),
        cert: certificate.cert,
        key: certificate.key,
        log,
      });
      closers.push(() => running.close());
      edge = { address: running.address, resolverRules: running.resolverRules, caPath: certificate.caPath, spkiHash: certificate.spkiHash };
    }

    const lambda = new LambdaService({
      functions: spec.functions,
      account,
      workDir: dataDir,
      root: workspaceRoot(),
      bootstrap: bootstrapPath(),
      endpoint: edge ? { edge: edge.address, caPath: edge.caPath } : { url: gateway.url },
      credentialsFor: (fn) => credentials.issue({ roleArn: fn.roleArn, sessionName: fn.name.slice(0, 64) }),
      hostLayers: options.hostLayers,
      maxInstancesPerFunction: options.maxInstancesPerFunction ?? 2,
      ...(options.asyncRetryDelaysMs ? { asyncRetryDelaysMs: options.asyncRetryDelaysMs } : {}),
      serviceCall: (fn, authorization) => {
        const principal: Principal = { type: 'role', roleArn: fn.roleArn, sessionName: fn.name, accessKeyId: 'lambda' };
        const decision = permissions.check(principal, authorization);
        if (!decision.allowed) {
          log({ kind: 'denied', source: fn.name, message: `Lambda cannot ${authorization.action} on ${authorization.resource} with the execution role`, detail: { ...authorization } });
        }
        return decision.allowed;
      },
      onAsyncFailure: async (_fn, destination, record) => {
        stageMessaging.queues.enqueue(destination, JSON.stringify(record));
        log({ kind: 'dead-letter', source: _fn.name, message: `an asynchronous invocation went to ${destination}` });
      },
      log,
    });
    late.lambda = lambda;
    const stageLambda = lambda;
    closers.push(() => stageLambda.close());

    // EventBridge invokes a rule's function targets as events.amazonaws.com: the function's
    // permissions must name the rule, or every delivery fails.
    for (const rule of spec.rules) {
      for (const target of rule.targets) {
        const fn = spec.functions.find((f) => f.arn === target.arn);
        if (fn && !permissions.serviceMay('events.amazonaws.com', rule.arn, 'lambda:InvokeFunction', fn.arn)) {
          log({ kind: 'denied', source: rule.name, message: `events.amazonaws.com may not invoke ${fn.name} for ${rule.arn}`, detail: { action: 'lambda:InvokeFunction', resource: fn.arn } });
        }
      }
    }

    // The pollers receive and delete with the function's role, as Lambda does.
    for (const mapping of spec.mappings) {
      const fn = spec.functions.find((f) => f.name === mapping.functionName);
      if (!fn) continue;
      const principal: Principal = { type: 'role', roleArn: fn.roleArn, sessionName: fn.name, accessKeyId: 'event-source-mapping' };
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
        const decision = permissions.check(principal, { action, resource: mapping.eventSourceArn });
        if (!decision.allowed) {
          log({ kind: 'denied', source: fn.name, message: `the event source mapping cannot ${action} on ${mapping.eventSourceArn}: ${decision.reason}`, detail: { action, resource: mapping.eventSourceArn } });
        }
      }
    }

    const issuers: Issuer[] = [];
    for (const pool of spec.userPools) {
      const issuer = await startIssuer({ pool, users: options.users ?? [] });
      issuers.push(issuer);
      issuersByPool.set(pool.id, issuer);
      closers.push(() => issuer.close());
      // The issuer stands for the pool's own host and its hosted sign-in domain.
      hosts[new URL(`https://${pool.providerUrl}`).host] = issuer.url;
      if (pool.domain) hosts[`${pool.domain}.auth.${account.region}.amazoncognito.com`] = issuer.url;
    }
    const issuer = issuers[0];
    if (!issuer) throw new Error('the stage has no user pool');

    const apis = [];
    for (const api of spec.httpApis) {
      const apiArnPrefix = `arn:${account.partition}:execute-api:${account.region}:${account.accountId}:${api.apiId}`;
      const started = await startHttpApi({
        api,
        invoker: {
          invoke: async (name, event, invokeOptions) => {
            const target = stageLambda.spec(name);
            const request = event as { requestContext?: { http?: { method?: string; path?: string } } };
            const sourceArn = `${apiArnPrefix}/$default/${request.requestContext?.http?.method ?? 'GET'}${request.requestContext?.http?.path ?? '/'}`;
            if (target && !permissions.serviceMay('apigateway.amazonaws.com', sourceArn, 'lambda:InvokeFunction', target.arn)) {
              log({ kind: 'denied', source: 'http-api', message: `apigateway.amazonaws.com may not invoke ${target.name} for ${sourceArn}` });
              return { error: { errorType: 'AccessDeniedException', errorMessage: 'API Gateway is not allowed to invoke the function' } };
            }
            return invoker.invoke(name, event, invokeOptions);
          },
        },
        jwks: async (configured) => {
          const match = issuers.find((i) => i.issuer === configured);
          if (!match) throw new Error(`no local issuer for ${configured}`);
          return match.jwks();
        },
        log,
      });
      apis.push({ spec: api, server: started });
      closers.push(() => started.close());
    }
    const api = apis[0];
    if (!api) throw new Error('the stage has no HTTP API');

    for (const item of apis) hosts[`${item.spec.apiId}.execute-api.${account.region}.amazonaws.com`] = item.server.url;

    let siteUrl = '';
    let publicSiteUrl = '';
    for (const distribution of spec.distributions) {
      const cache = edgeCaches.get(distribution.id);
      const running = await startDistribution({
        distribution,
        origins: {
          s3: async (bucket, request) => {
            const principal: Principal = { type: 'service', service: 'cloudfront.amazonaws.com', sourceArn: request.sourceArn, sourceAccount: account.accountId };
            const forwarded: Record<string, string> = {};
            for (const name of ['range', 'if-none-match', 'if-modified-since']) {
              const value = request.headers[name];
              if (value) forwarded[name] = value;
            }
            const response = await internalCall(s3.handler, s3Request(principal, request.method, bucket, request.key, { headers: forwarded }), permissions, log, 'cloudfront');
            return { status: response.status, headers: response.headers ?? {}, body: bodyOf(response) };
          },
          http: async (originId, request) => {
            const origin = distribution.origins.find((o) => o.id === originId);
            const base = origin ? hosts[origin.domainName] : undefined;
            if (!base) return { status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`no local origin for ${origin?.domainName ?? originId}`) };
            const init: RequestInit = { method: request.method, headers: request.headers, redirect: 'manual' };
            if (request.body.length > 0 && request.method !== 'GET' && request.method !== 'HEAD') init.body = new Uint8Array(request.body);
            const response = await fetch(`${base}${request.path}${request.query ? `?${request.query}` : ''}`, init);
            const headers: Record<string, string> = {};
            response.headers.forEach((value, name) => {
              if (name !== 'set-cookie') headers[name] = value;
            });
            // Several cookies (the signed media cookies are three) cannot share one header value.
            const setCookies = response.headers.getSetCookie();
            return { status: response.status, headers, ...(setCookies.length > 0 ? { setCookies } : {}), body: Buffer.from(await response.arrayBuffer()) };
          },
        },
        ...(cache === undefined ? {} : { cache }),
        log,
      });
      closers.push(() => running.close());
      hosts[distribution.domainName] = running.url;
      siteUrl ||= running.url;
      publicSiteUrl ||= `https://${distribution.domainName}`;
    }

    // Deploy-time effects: the gallery and its config.json, as their deployment role.
    await deployBuckets(spec, s3.handler, permissions, log);
    messaging.start();

    const localUrl = (url: string): string => {
      const parsed = new URL(url);
      const local = hosts[parsed.host];
      return local ? `${local}${parsed.pathname}${parsed.search}` : url;
    };
    const runnable = new Set(spec.functions.filter(isRunnable).map((f) => f.roleArn));
    const roleNames = [...runnable, ...spec.roles.filter((r) => r.logicalId.startsWith('Transcoding')).map((r) => r.arn)];

    const stage: Stage = {
      spec,
      siteUrl,
      apiUrl: api.server.url,
      issuer,
      gatewayUrl: gateway.url,
      hosts,
      publicSiteUrl,
      ...(edge ? { edge } : {}),
      localUrl,
      events,
      messaging,
      lambda,
      dynamoEndpoint: dynamo.endpoint,
      objects: { listKeys: (bucket, prefix) => s3.listKeys(bucket, prefix), readObject: (bucket, key) => s3.readObject(bucket, key) },
      mediaConvertJobs: () => mediaConvert.jobs(),
      async idle(signal) {
        for (let round = 0; round < 3; round += 1) {
          await stageMessaging.idle(signal);
          await mediaConvert.idle();
          await stageMessaging.idle(signal);
        }
      },
      permissionsReport: () => permissions.ledger.report(spec.roles.filter((r) => roleNames.includes(r.arn))),
      deadLetters: () => stageMessaging.deadLetterCounts(),
      report() {
        const lines = [formatReport(stage.permissionsReport()), '', 'dead letters:'];
        for (const [queue, count] of Object.entries(stage.deadLetters())) lines.push(`  ${queue.split(':').pop()}: ${count}`);
        lines.push('', 'functions:');
        for (const name of stageLambda.names()) {
          const pool = stageLambda.pool(name);
          if (pool) lines.push(`  ${name}: ${pool.invocations} invocations, ${pool.errors} errors, ${pool.coldStarts} cold starts, peak ${Math.round(pool.peakRssMiB)} MiB`);
        }
        return lines.join('\n');
      },
      close,
    };
    return stage;
  } catch (error) {
    await close();
    throw error;
  }
}
