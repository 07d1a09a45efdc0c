import { isMediaError, type MediaErrorCode, ValidationError } from '@mediaflow/domain';

/** The one place where domain error codes become HTTP statuses. */
export const STATUS_BY_CODE: Record<MediaErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  validation: 400,
  unsupported: 415,
  limit_exceeded: 413,
  forbidden: 403,
  corrupt: 422,
  timeout: 504,
  internal: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  504: 'Gateway timeout',
};

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: readonly { path: string; message: string }[];
}

export function problem(status: number, code: string, detail: string, instance?: string): Problem {
  const p: Problem = { type: `urn:mediaflow:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail, code };
  if (instance !== undefined) p.instance = instance;
  return p;
}

/**
 * Maps anything thrown to a problem. Domain errors keep their message; anything else becomes a
 * 500 whose detail says nothing about internals (the error is logged by the caller).
 */
export function toProblem(error: unknown, instance?: string): Problem {
  if (isMediaError(error)) {
    const p = problem(STATUS_BY_CODE[error.code], error.code, error.message, instance);
    if (error instanceof ValidationError && error.issues.length > 0) p.errors = error.issues;
    return p;
  }
  return problem(500, 'internal', 'something went wrong on our side; try again', instance);
}
