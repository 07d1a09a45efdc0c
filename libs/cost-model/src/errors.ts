/** Base class of every error thrown by the cost model. */
export class CostModelError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A price table is malformed (tiers out of order, a missing meter, a negative quantity). */
export class PriceTableError extends CostModelError {}

/** Workload or architecture assumptions did not parse. */
export class InvalidAssumptionsError extends CostModelError {}
