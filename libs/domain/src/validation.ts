import type { z } from 'zod';
import { ValidationError } from './errors.js';

/**
 * Parses at an edge (HTTP body, queue message, environment) and turns zod's error into the
 * domain's `ValidationError`, with one issue per offending path.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ValidationError(`invalid ${what}: ${summary}`, issues, { cause: result.error });
}
