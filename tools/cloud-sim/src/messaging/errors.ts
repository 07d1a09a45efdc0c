/** Why the messaging services refuse a stage or a call. */

/**
 * A filter policy or event pattern the matcher cannot read. The template was accepted by AWS, so
 * this is either an intrinsic left unresolved or an operator the simulator does not emulate;
 * matching anyway would route messages where AWS would not.
 */
export class PatternError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PatternError';
  }
}

/** A queue ARN (or URL) that the stage does not define. */
export class UnknownQueueError extends Error {
  constructor(
    readonly queue: string,
    options?: ErrorOptions,
  ) {
    super(`no queue ${queue} in the stage`, options);
    this.name = 'UnknownQueueError';
  }
}

/**
 * An error SQS itself would answer: `code` is the query-protocol code (`AWS.SimpleQueueService.NonExistentQueue`,
 * `ReceiptHandleIsInvalid`, ...), `type` the JSON protocol's shape name.
 */
export class SqsError extends Error {
  constructor(
    readonly type: string,
    readonly code: string,
    message: string,
    readonly status = 400,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SqsError';
  }
}
