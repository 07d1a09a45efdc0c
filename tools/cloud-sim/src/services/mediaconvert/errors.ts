/**
 * The two ways a MediaConvert request goes wrong: the API refuses it (`ApiError`, answered with
 * the status and `x-amzn-ErrorType` the SDK maps to its exception classes), or an accepted job
 * fails while it runs (`JobFailure`, reported as an ERROR state change with a numeric code).
 */

export type MediaConvertErrorType = 'BadRequestException' | 'ForbiddenException' | 'NotFoundException' | 'ConflictException';

const STATUS: Readonly<Record<MediaConvertErrorType, number>> = {
  BadRequestException: 400,
  ForbiddenException: 403,
  NotFoundException: 404,
  ConflictException: 409,
};

export class MediaConvertApiError extends Error {
  readonly status: number;

  constructor(
    readonly type: MediaConvertErrorType,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MediaConvertApiError';
    this.status = STATUS[type];
  }
}

/**
 * Error codes of failed jobs, in MediaConvert's ranges (1xxx: the input or the settings, 3xxx:
 * writing outputs). The exact numbers AWS uses for each cause are not all documented; these keep
 * the ranges so a consumer that tells input problems from output problems sees the difference.
 */
export const JOB_ERROR_CODES = Object.freeze({
  /** The job role could not read the input. */
  inputAccess: 1401,
  /** The input was read but is not decodable video. */
  inputUnreadable: 1010,
  /** The transcode itself failed. */
  transcode: 1999,
  /** The job role could not write an output. */
  outputWrite: 3450,
});

export class JobFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'JobFailure';
  }
}

/** A job setting the simulator does not render (it answers CreateJob with a 400 naming it). */
export class UnsupportedSettingError extends MediaConvertApiError {
  constructor(setting: string) {
    super('BadRequestException', `cloud-sim does not emulate ${setting}`);
    this.name = 'UnsupportedSettingError';
  }
}
