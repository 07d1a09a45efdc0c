/**
 * A distribution the simulator cannot stand in for faithfully (an S3 origin without origin access
 * control, an origin request policy it has no configuration for, ...). Raised when the distribution
 * starts, so a gap shows up at once rather than as a surprising answer later.
 */
export class UnsupportedDistributionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnsupportedDistributionError';
  }
}

/**
 * A CloudFront Function that failed: its code does not compile, it threw, ran past its time budget,
 * or returned something that is neither a request nor a response. CloudFront answers 503 for all of them.
 */
export class FunctionExecutionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FunctionExecutionError';
  }
}
