/**
 * The function's answer turned into an HTTP response, payload format 2.0: a result with `statusCode`
 * is taken as the response it describes; any other JSON is a 200 `application/json` whose body is the
 * result (a string as is, anything else serialized).
 */
import { MalformedIntegrationResponseError } from './errors.js';

export interface HttpReply {
  status: number;
  /** In order, names lower-case; a name may repeat (`set-cookie`). */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Headers the gateway owns; a function's values for them are ignored. */
const GATEWAY_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new MalformedIntegrationResponseError(`${where} must be a string, number or boolean.`);
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new MalformedIntegrationResponseError(`${where} must be an object.`);
  return value as Record<string, unknown>;
}

export function mapResultV2(result: unknown): HttpReply {
  const structured = typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result;
  if (!structured) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) };
  }
  const response = result as Record<string, unknown>;
  const status = response['statusCode'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new MalformedIntegrationResponseError('statusCode must be an integer HTTP status.');
  }
  const headers: Array<[string, string]> = [];
  const add = (name: string, value: string): void => {
    if (!GATEWAY_HEADERS.has(name.toLowerCase())) headers.push([name.toLowerCase(), value]);
  };
  for (const [name, value] of Object.entries(record(response['headers'], 'headers'))) add(name, scalar(value, `headers.${name}`));
  for (const [name, values] of Object.entries(record(response['multiValueHeaders'], 'multiValueHeaders'))) {
    if (!Array.isArray(values)) throw new MalformedIntegrationResponseError(`multiValueHeaders.${name} must be an array.`);
    for (const value of values) add(name, scalar(value, `multiValueHeaders.${name}`));
  }
  const cookies = response['cookies'] ?? [];
  if (!Array.isArray(cookies)) throw new MalformedIntegrationResponseError('cookies must be an array of strings.');
  for (const cookie of cookies) add('set-cookie', scalar(cookie, 'cookies[]'));

  const body = response['body'];
  if (body !== undefined && body !== null && typeof body !== 'string') throw new MalformedIntegrationResponseError('body must be a string.');
  const base64 = response['isBase64Encoded'] === true;
  return { status, headers, body: typeof body === 'string' ? Buffer.from(body, base64 ? 'base64' : 'utf8') : Buffer.alloc(0) };
}
