/** A named, derived number with its unit and the formula that produced it, for showing the working. */
export interface Quantity {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly formula: string;
}

/** Builds a {@link Quantity}. */
export function quantity(name: string, value: number, unit: string, formula: string): Quantity {
  return { name, value, unit, formula };
}

export const MIB_PER_GIB = 1024;
export const KIB_PER_GIB = 1024 * 1024;
export const BYTES_PER_MIB = 1024 * 1024;
export const HOURS_PER_MONTH = 730;
