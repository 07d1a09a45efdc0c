import { formatWithOptions } from 'node:util';
import { createContext, Script } from 'node:vm';
import type { CloudFrontFunctionSpec } from '../specs.js';
import type { SimLog } from '../types.js';
import { FunctionExecutionError } from './errors.js';

/**
 * Runs CloudFront Functions (`cloudfront-js-1.0` and `cloudfront-js-2.0`) the way the edge does:
 * each invocation in a fresh context holding only the language built-ins and `console`, with no
 * `require`, `process`, timers or code generation from strings, and a time budget. The budget
 * (1 s by default) is far more generous than CloudFront's compute-utilization limit, which counts
 * CPU time on different hardware: it catches a runaway loop, not a slow function.
 */

/** `{ value, multiValue? }` of a query string parameter, header or cookie. */
export interface FunctionValue {
  value: string;
  multiValue?: Array<{ value: string }>;
}

export interface FunctionRequest {
  method: string;
  uri: string;
  querystring: Record<string, FunctionValue>;
  headers: Record<string, FunctionValue>;
  cookies: Record<string, FunctionValue>;
}

export interface FunctionResponseCookie {
  value: string;
  attributes?: string;
  multiValue?: Array<{ value: string; attributes?: string }>;
}

export interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers: Record<string, FunctionValue>;
  cookies: Record<string, FunctionResponseCookie>;
  /** Only a viewer-request function may set one. */
  body?: string | { data: string; encoding: 'text' | 'base64' };
}

export interface FunctionEvent {
  version: '1.0';
  context: { distributionDomainName: string; distributionId: string; eventType: 'viewer-request' | 'viewer-response'; requestId: string };
  viewer: { ip: string };
  request: FunctionRequest;
  response?: FunctionResponse;
}

/** What a function decided: go on with this request, or answer with this response. */
export type FunctionOutcome = { kind: 'request'; request: FunctionRequest } | { kind: 'response'; response: FunctionResponse };

export interface FunctionRunnerOptions {
  log: SimLog;
  /** Wall-clock budget of one invocation. Default 1000 ms. */
  timeoutMs?: number;
}

/** Reads the event, calls `handler`, and leaves the JSON of its (awaited) result where the host reads it. */
const INVOKER = `(function () {
  var input = JSON.parse(globalThis.__cloudFrontEvent);
  delete globalThis.__cloudFrontEvent;
  if (typeof handler !== 'function') throw new TypeError('the function code defines no handler(event)');
  var settle = function (value) { globalThis.__cloudFrontOutcome = { json: JSON.stringify(value === undefined ? null : value) }; };
  var fail = function (error) { globalThis.__cloudFrontOutcome = { error: String(error && error.stack ? error.stack : error) }; };
  var result = handler(input);
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') result.then(settle, fail);
  else settle(result);
})();`;

const INVOKER_SCRIPT = new Script(INVOKER, { filename: 'cloudfront-invoker.js' });

/**
 * One CloudFront Function, compiled once and run per request.
 *
 * @example
 * const runner = new FunctionRunner(spec, { log });
 * const outcome = runner.run(event); // throws FunctionExecutionError when CloudFront would answer 503
 */
export class FunctionRunner {
  private readonly script: Script | undefined;
  private readonly compileError: unknown;
  private readonly timeoutMs: number;

  constructor(
    readonly spec: CloudFrontFunctionSpec,
    private readonly options: FunctionRunnerOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    let script: Script | undefined;
    let compileError: unknown;
    try {
      script = new Script(spec.code, { filename: `${spec.name}.js` });
    } catch (error) {
      compileError = error;
    }
    this.script = script;
    this.compileError = compileError;
  }

  /** Runs the function on `event`; a request or response is returned as the function shaped it. */
  run(event: FunctionEvent): FunctionOutcome {
    if (this.script === undefined) throw new FunctionExecutionError(`function ${this.spec.name} does not compile`, { cause: this.compileError });
    const sandbox: Record<string, unknown> = { console: this.console(), __cloudFrontEvent: JSON.stringify(event) };
    // `afterEvaluate` drains promise jobs inside the timed run, so an async handler is budgeted too.
    const context = createContext(sandbox, { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' });
    try {
      this.script.runInContext(context, { timeout: this.timeoutMs, displayErrors: false });
      INVOKER_SCRIPT.runInContext(context, { timeout: this.timeoutMs, displayErrors: false });
    } catch (error) {
      throw new FunctionExecutionError(`function ${this.spec.name} failed: ${describe(error)}`, { cause: error });
    }
    const outcome = sandbox['__cloudFrontOutcome'] as { json?: string; error?: string } | undefined;
    if (outcome === undefined) throw new FunctionExecutionError(`function ${this.spec.name} returned a promise that never settled`);
    if (outcome.error !== undefined) throw new FunctionExecutionError(`function ${this.spec.name} failed: ${outcome.error}`);
    return readOutcome(this.spec.name, event, JSON.parse(outcome.json ?? 'null') as unknown);
  }

  private console(): Record<string, (...args: unknown[]) => void> {
    const source = `cloudfront-function:${this.spec.name}`;
    const write = (...args: unknown[]) => this.options.log({ kind: 'info', source, message: formatWithOptions({ depth: 4 }, ...args) });
    return { log: write, info: write, warn: write, error: write, debug: write };
  }
}

function readOutcome(name: string, event: FunctionEvent, value: unknown): FunctionOutcome {
  if (!isRecord(value)) throw new FunctionExecutionError(`function ${name} returned ${value === null ? 'nothing' : typeof value}, not a request or response`);
  if (event.context.eventType === 'viewer-response' || 'statusCode' in value) return { kind: 'response', response: readResponse(name, value) };
  return { kind: 'request', request: readRequest(name, event.request, value) };
}

function readRequest(name: string, original: FunctionRequest, value: Record<string, unknown>): FunctionRequest {
  const uri = value['uri'];
  if (typeof uri !== 'string' || !uri.startsWith('/')) throw new FunctionExecutionError(`function ${name} returned a request whose uri is not a path`);
  return {
    // The method is read-only to functions.
    method: original.method,
    uri,
    querystring: typeof value['querystring'] === 'string' ? parseQueryString(value['querystring']) : values(name, value['querystring'], 'querystring'),
    headers: lowerCaseKeys(values(name, value['headers'], 'headers')),
    cookies: values(name, value['cookies'], 'cookies'),
  };
}

function readResponse(name: string, value: Record<string, unknown>): FunctionResponse {
  const status = Number(value['statusCode']);
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new FunctionExecutionError(`function ${name} returned a response with status ${String(value['statusCode'])}`);
  const body = value['body'];
  const response: FunctionResponse = {
    statusCode: status,
    headers: lowerCaseKeys(values(name, value['headers'], 'headers')),
    cookies: values(name, value['cookies'], 'cookies'),
  };
  if (typeof value['statusDescription'] === 'string') response.statusDescription = value['statusDescription'];
  if (typeof body === 'string') response.body = body;
  else if (isRecord(body) && typeof body['data'] === 'string') response.body = { data: body['data'], encoding: body['encoding'] === 'base64' ? 'base64' : 'text' };
  return response;
}

/** Reads `{ name: { value, multiValue? } }`, refusing values that are not strings as CloudFront does. */
function values<T extends FunctionValue>(name: string, value: unknown, field: string): Record<string, T> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new FunctionExecutionError(`function ${name} returned ${field} that is not an object`);
  const result: Record<string, T> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!isRecord(entry) || typeof entry['value'] !== 'string') throw new FunctionExecutionError(`function ${name} returned ${field}.${key} without a string value`);
    result[key] = entry as unknown as T;
  }
  return result;
}

function lowerCaseKeys<T>(value: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key.toLowerCase(), entry]));
}

/**
 * `a=1&b=2&a=3` into the event's query string object. Names and values stay as the viewer sent them
 * (percent-encoded), so what goes back out is byte for byte what came in.
 */
export function parseQueryString(raw: string): Record<string, FunctionValue> {
  const result: Record<string, FunctionValue> = {};
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const key = equals < 0 ? part : part.slice(0, equals);
    const value = equals < 0 ? '' : part.slice(equals + 1);
    addValue(result, key, value);
  }
  return result;
}

/** Writes the event's query string object back as `a=1&a=3&b=2`. */
export function formatQueryString(querystring: Record<string, FunctionValue>): string {
  return Object.entries(querystring)
    .flatMap(([key, entry]) => allValues(entry).map((value) => (value === '' ? key : `${key}=${value}`)))
    .join('&');
}

/** Every value of an entry: `multiValue` when present, else `value`. */
export function allValues(entry: FunctionValue): string[] {
  return entry.multiValue !== undefined && entry.multiValue.length > 0 ? entry.multiValue.map((item) => item.value) : [entry.value];
}

/** Adds a value under `key`, keeping the first as `value` and all of them in `multiValue`. */
export function addValue(target: Record<string, FunctionValue>, key: string, value: string): void {
  const existing = target[key];
  if (existing === undefined) {
    target[key] = { value };
    return;
  }
  existing.multiValue = [...(existing.multiValue ?? [{ value: existing.value }]), { value }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Errors thrown in the function's context are not `instanceof Error` here: read the message by shape. */
function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
