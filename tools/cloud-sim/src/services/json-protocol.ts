import type { AwsResponse } from '../types.js';

/**
 * A refusal a JSON 1.1 service (Rekognition, Secrets Manager) answers itself: `type` is the error's
 * `__type` as the service spells it (`InvalidParameterException`, `ResourceNotFoundException`, ...).
 */
export class JsonServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A JSON 1.1 answer. */
export function jsonResponse(status: number, body: unknown): AwsResponse {
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) };
}

/** A refusal as the service's JSON body: its `__type` and its message (under the spellings the service uses). */
export function jsonErrorResponse(error: JsonServiceError, messageKeys: readonly string[] = ['Message']): AwsResponse {
  return jsonResponse(error.status, { __type: error.type, ...Object.fromEntries(messageKeys.map((key) => [key, error.message])) });
}
