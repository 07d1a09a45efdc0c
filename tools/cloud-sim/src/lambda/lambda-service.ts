import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionSpec } from '../specs.js';
import type { InvokeResult, Invoker, SimAccount, SimLog } from '../types.js';
import { FunctionPool } from './function-pool.js';
import { hostLayerDirs, mountLayers, type LayerKind } from './layers.js';
import { nodeForRuntime } from './node-runtime.js';

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface LambdaServiceOptions {
  functions: FunctionSpec[];
  account: SimAccount;
  /** Where instances keep their /opt, /tmp and logs. */
  workDir: string;
  /** The workspace root (for the Node runtimes cached there). */
  root: string;
  bootstrap: string;
  /** How instances reach AWS (see `FunctionEndpoint`). */
  endpoint: FunctionEndpoint;
  /** The role session a function's instances run with (its execution role). */
  credentialsFor(spec: FunctionSpec): SessionCredentials;
  hostLayers: Partial<Record<LayerKind, string>>;
  /** Instances per function at most (the machine's stand-in for the account's concurrency). */
  maxInstancesPerFunction: number;
  /** Where an asynchronous invocation that failed every attempt goes (its on-failure destination). */
  onAsyncFailure?(spec: FunctionSpec, destinationArn: string, record: Record<string, unknown>): Promise<void>;
  /**
   * Calls the Lambda service makes with the function's execution role around an invocation (its log
   * stream, trace segments, the on-failure destination): the stage checks them against the role.
   */
  serviceCall?(spec: FunctionSpec, authorization: { action: string; resource: string }): boolean;
  /** Delay before the async retries, in ms (Lambda waits about 1 and then 2 minutes). */
  asyncRetryDelaysMs?: number[];
  log: SimLog;
}

/**
 * How a function's AWS calls reach the stage: `url` sets `AWS_ENDPOINT_URL` to the gateway (every
 * SDK client of the function talks to it, path-style); `edge` leaves the SDK's own endpoints alone
 * (`bucket.s3.region.amazonaws.com`, `dynamodb.region.amazonaws.com`) and has the runtime connect
 * those names to the stage's HTTPS edge (`host:port`), trusting the stage's authority (`caPath`),
 * so the URLs a function hands out (presigned ones) are the ones it would hand out in AWS.
 */
export type FunctionEndpoint = { url: string } | { edge: string; caPath: string };

/** Functions the simulator runs: the stage's own Node.js bundles (not the deploy-time providers). */
export function isRunnable(spec: FunctionSpec): boolean {
  return spec.runtime.startsWith('nodejs') && spec.codeDir !== undefined && spec.deployTime !== true && !spec.logicalId.startsWith('Custom') && !/^AWS[0-9a-f]{32}/.test(spec.logicalId);
}

/**
 * The stage's functions, invocable by name or ARN. Each runs in its own processes with the
 * template's environment, memory, timeout and layers (host-architecture builds of the same
 * recipes), its execution role's credentials, and its AWS endpoints pointing at the stage, so
 * every AWS call it makes is signed as that role and checked against the role's policies.
 */
export class LambdaService implements Invoker {
  private readonly pools = new Map<string, { spec: FunctionSpec; pool: FunctionPool }>();
  readonly runtimeNotes: string[] = [];

  constructor(private readonly options: LambdaServiceOptions) {
    for (const spec of options.functions.filter(isRunnable)) {
      this.pools.set(spec.name, { spec, pool: new FunctionPool(this.launchFor(spec)) });
    }
  }

  names(): string[] {
    return [...this.pools.keys()];
  }

  spec(nameOrArn: string): FunctionSpec | undefined {
    return this.entry(nameOrArn)?.spec;
  }

  pool(nameOrArn: string): FunctionPool | undefined {
    return this.entry(nameOrArn)?.pool;
  }

  async invoke(nameOrArn: string, event: unknown, options: { type?: 'RequestResponse' | 'Event' } = {}): Promise<InvokeResult> {
    const entry = this.entry(nameOrArn);
    if (!entry) return { error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${nameOrArn}` } };
    this.sandboxCalls(entry.spec);
    if (options.type === 'Event') {
      void this.invokeAsync(entry.spec, entry.pool, event);
      return { result: null };
    }
    return entry.pool.invoke(event);
  }

  /** What Lambda itself does with the execution role for every invocation: logs and, when active, traces. */
  private sandboxCalls(spec: FunctionSpec): void {
    const check = this.options.serviceCall;
    if (!check) return;
    const { partition, region, accountId } = this.options.account;
    const stream = `arn:${partition}:logs:${region}:${accountId}:log-group:${spec.logGroup}:log-stream:2026/01/01/[$LATEST]${spec.logicalId}`;
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) check(spec, { action, resource: stream });
    if (spec.tracing) for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) check(spec, { action, resource: '*' });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map(({ pool }) => pool.close()));
  }

  private entry(nameOrArn: string): { spec: FunctionSpec; pool: FunctionPool } | undefined {
    const name = nameOrArn.replace(/^arn:[^:]+:lambda:[^:]+:[^:]+:function:/, '').replace(/:\$LATEST$/, '');
    return this.pools.get(name);
  }

  /** Lambda's asynchronous invocation: the event is retried twice by default, then sent on. */
  private async invokeAsync(spec: FunctionSpec, pool: FunctionPool, event: unknown): Promise<void> {
    const retries = spec.asyncConfig?.maximumRetryAttempts ?? 2;
    const delays = this.options.asyncRetryDelaysMs ?? [60_000, 120_000];
    let last: InvokeResult = {};
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, delays[Math.min(attempt - 1, delays.length - 1)]));
      last = await pool.invoke(event);
      if (!last.error) return;
    }
    const destination = spec.asyncConfig?.onFailure;
    // Lambda sends to the destination with the function's execution role.
    const mayDeliver = destination ? (this.options.serviceCall?.(spec, { action: 'sqs:SendMessage', resource: destination }) ?? true) : false;
    if (destination && !mayDeliver) {
      this.options.log({ kind: 'dropped', source: spec.name, message: `the execution role may not send to the on-failure destination ${destination}; the event is lost` });
    } else if (destination && this.options.onAsyncFailure) {
      await this.options.onAsyncFailure(spec, destination, {
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: { functionArn: `${spec.arn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: retries + 1 },
        requestPayload: event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: last.error,
      });
    } else {
      this.options.log({ kind: 'dropped', source: spec.name, message: 'an asynchronous invocation failed every attempt and has no on-failure destination' });
    }
  }

  private launchFor(spec: FunctionSpec): ConstructorParameters<typeof FunctionPool>[0] {
    const { account, workDir } = this.options;
    const codeDir = spec.codeDir;
    if (!codeDir) throw new Error(`${spec.name} has no code in cdk.out`);
    const home = join(workDir, 'functions', spec.name);
    const opt = join(home, 'opt');
    const tmp = join(home, 'tmp');
    mkdirSync(tmp, { recursive: true });
    mountLayers(opt, hostLayerDirs(spec.layers, this.options.hostLayers));
    const node = nodeForRuntime(spec.runtime, this.options.root);
    if (!node.exact) this.runtimeNotes.push(`${spec.name}: ${spec.runtime} runs on Node ${node.version} (no ${spec.runtime} Node found)`);
    const credentials = this.options.credentialsFor(spec);
    // The template's paths under /opt point into this instance's layer directory.
    const templateEnvironment = Object.fromEntries(
      Object.entries(spec.environment).map(([key, value]) => [key, value.startsWith('/opt/') ? join(opt, value.slice('/opt/'.length)) : value]),
    );
    const environment: Record<string, string> = {
      PATH: [join(node.path, '..'), '/usr/local/bin', '/usr/bin', '/bin', join(opt, 'bin')].join(':'),
      LD_LIBRARY_PATH: join(opt, 'lib'),
      NODE_PATH: [join(opt, 'nodejs/node24/node_modules'), join(opt, 'nodejs/node_modules')].join(':'),
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      TMPDIR: tmp,
      LAMBDA_TASK_ROOT: codeDir,
      LAMBDA_RUNTIME_DIR: join(home, 'runtime'),
      _HANDLER: spec.handler,
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `2026/01/01/[$LATEST]${spec.logicalId}`,
      AWS_REGION: account.region,
      AWS_DEFAULT_REGION: account.region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      ...endpointEnvironment(this.options.endpoint),
      ...templateEnvironment,
    };
    return {
      spec,
      bootstrap: this.options.bootstrap,
      node: node.path,
      environment,
      logDir: join(workDir, 'logs'),
      concurrency: Math.min(spec.reservedConcurrency ?? Number.POSITIVE_INFINITY, this.options.maxInstancesPerFunction),
      log: this.options.log,
    };
  }
}

/** `MEDIAFLOW_SIM_EDGE` is read and removed by the runtime before the handler loads. */
function endpointEnvironment(endpoint: FunctionEndpoint): Record<string, string> {
  return 'url' in endpoint ? { AWS_ENDPOINT_URL: endpoint.url } : { MEDIAFLOW_SIM_EDGE: endpoint.edge, NODE_EXTRA_CA_CERTS: endpoint.caPath };
}
