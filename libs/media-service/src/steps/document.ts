import type { CoreDeps } from '../context.js';
import { begin, finish, NOTHING_TO_DO, type ProcessOutcome } from '../jobs/lifecycle.js';

/** Documents and other files are kept as they are: served only as attachments, never parsed. */
export async function processAsIs(deps: CoreDeps, ownerId: string, id: string): Promise<ProcessOutcome> {
  const item = await begin(deps, ownerId, id);
  if (!item) return NOTHING_TO_DO;
  return { outcome: 'ready', item: await finish(deps, item, {}) };
}
