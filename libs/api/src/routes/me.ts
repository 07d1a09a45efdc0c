import type { AccountDirectory, OwnerRecords } from '@mediaflow/domain';
import { AccountDeletionRequestSchema, AccountDeletionSchema, deleteAccount, type ServiceDeps } from '@mediaflow/media-service';
import type { DeletedOwners } from '../auth.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { MeSchema, requestComponents, responseComponents } from '../schemas.js';

requestComponents.add(AccountDeletionRequestSchema, { id: 'AccountDeletionRequest' });
responseComponents.add(AccountDeletionSchema, { id: 'AccountDeletion' });

/** How the API deletes accounts: `createApi`'s `account`. */
export interface AccountOptions {
  /** Every record of an owner (the media store's own view of them), and the tombstones of deleted ones. */
  records: OwnerRecords;
  /** Where the user signs in: told to end their sign-in once nothing of theirs is left. */
  directory: AccountDirectory;
  /**
   * How long one `DELETE /api/v1/me` works before it answers `202` (default 10 s): under the
   * gateway's 30 s and the api function's 15 s, with room for the last page of deletes.
   */
  budgetMs?: number;
  /**
   * The time left to answer this request, in milliseconds, from the runtime's bindings (`c.env`):
   * on Lambda, the context's `getRemainingTimeInMillis`. Where it is known, a round works no
   * longer than it allows ({@link ACCOUNT_ROUND_MARGIN_MS} kept back), and the directory is told
   * only with {@link ACCOUNT_DIRECTORY_MS} left (else `202`, and the next call tells it).
   */
  timeLeftMs?: (env: unknown) => number | undefined;
}

/** The default time one account deletion request works. */
export const ACCOUNT_DELETION_BUDGET_MS = 10_000;

/** Kept back from the time left for what a round finishes after its budget (the items under way) and the answer. */
export const ACCOUNT_ROUND_MARGIN_MS = 4_000;

/** The time left that telling the directory needs (Cognito's call gives up after 5 s), with the answer. */
export const ACCOUNT_DIRECTORY_MS = 6_000;

/**
 * `GET /api/v1/me`: who the verified caller is, their roles (the gallery shows moderators the
 * review queue) and what their library takes up against their quota (`null` where the store keeps
 * no usage).
 */
export function meRoutes(deps: ServiceDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      summary: 'The caller’s owner id, roles and storage used',
      tag: 'me',
      security: 'bearer',
      responses: { 200: { description: 'the caller', schema: MeSchema } },
      errors: [429],
    }).handle(async (c) => {
      const ownerId = c.get('ownerId');
      const usage = deps.repo.usage === undefined ? undefined : await deps.repo.usage(ownerId);
      const storage = usage === undefined ? null : { usedBytes: usage.bytes, items: usage.items, quotaBytes: deps.config.storageQuotaBytes ?? null };
      return { status: 200, body: { ownerId, roles: [...c.get('roles')], storage } };
    }),
  ];
}

/**
 * `DELETE /api/v1/me`: deletes the caller's account and everything of it, a round per call. It is
 * the one route an owner whose account was deleted still reaches (`createApi` mounts it without
 * refusing them), so that a round whose `200` was lost can be made again and answer `done`;
 * `deleted` learns of a deletion this process finished at once.
 */
export function accountRoutes(deps: ServiceDeps, account: AccountOptions, deleted?: DeletedOwners): ApiRoute[] {
  const budgetMs = account.budgetMs ?? ACCOUNT_DELETION_BUDGET_MS;
  return [
    defineRoute({
      method: 'delete',
      path: '/api/v1/me',
      operationId: 'deleteMe',
      summary: 'Delete the caller’s account and everything of it, for good; call again while it answers 202',
      tag: 'me',
      security: 'bearer',
      body: AccountDeletionRequestSchema,
      responses: {
        200: { description: 'done: nothing of the account is left and its sign-in is ended', schema: AccountDeletionSchema },
        202: { description: 'under way: what this call removed; call again', schema: AccountDeletionSchema },
      },
      errors: [400, 429],
    }).handle(async (c) => {
      const ownerId = c.get('ownerId');
      const timeLeft = (): number | undefined => account.timeLeftMs?.(c.env);
      const left = timeLeft();
      const budget = left === undefined ? budgetMs : Math.max(0, Math.min(budgetMs, left - ACCOUNT_ROUND_MARGIN_MS));
      // Deleted already and nothing come since (a retried last round): one read, not every pass again.
      const settled = (await account.records.isDeleted(ownerId)) && (await account.records.listOwnerMedia(ownerId, undefined, 1)).items.length === 0;
      const result = settled ? { done: true, removed: { items: 0, albums: 0, shares: 0, objects: 0 } } : await deleteAccount({ ...deps, records: account.records }, ownerId, { budgetMs: budget });
      if (!result.done) return { status: 202 as const, body: result };
      deleted?.remember(ownerId);
      // Too little time to be sure of the directory's answer: the next call (which finds nothing left) tells it.
      const after = timeLeft();
      if (after !== undefined && after < ACCOUNT_DIRECTORY_MS) return { status: 202 as const, body: { ...result, done: false } };
      // Last, once nothing is left: a call that fails here is made again with the same token.
      await account.directory.deleteUser(ownerId);
      return { status: 200 as const, body: result };
    }),
  ];
}
