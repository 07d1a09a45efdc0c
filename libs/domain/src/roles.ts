import { z } from 'zod';

/**
 * What a user may do beyond their own library. A moderator decides on items held for review, of
 * every owner. Locally a token carries it (`mediaflow token --role moderator`); in AWS membership
 * of the user pool group of the same name (the `cognito:groups` claim).
 */
export const RoleSchema = z.enum(['moderator']);
export type Role = z.infer<typeof RoleSchema>;

/** Who a verified request is from. */
export interface Principal {
  ownerId: string;
  roles: readonly Role[];
}

/** The roles among `names` (a token's claim), unknown names ignored. */
export function rolesOf(names: readonly unknown[] | undefined): Role[] {
  return [...new Set((names ?? []).filter((n): n is Role => RoleSchema.safeParse(n).success))];
}
