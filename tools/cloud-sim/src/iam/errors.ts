/**
 * Why the evaluator refuses to decide. The simulator's policies come from a template AWS already
 * accepted, so a policy the evaluator cannot read means either an intrinsic the template reader left
 * unresolved or an IAM feature the simulator does not emulate. Guessing either way would make a
 * decision AWS would not make, so both are raised instead.
 */
export class PolicyEvaluationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PolicyEvaluationError';
  }
}

/** A statement or value AWS would have rejected (no `Action`, an object where a string belongs, ...). */
export class MalformedPolicyError extends PolicyEvaluationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedPolicyError';
  }
}

/** Valid IAM the simulator does not emulate (a `BinaryEquals` condition, `NullIfExists`, ...). */
export class UnsupportedPolicyError extends PolicyEvaluationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnsupportedPolicyError';
  }
}
