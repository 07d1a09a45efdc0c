import { randomUUID } from 'node:crypto';
import type { SimUser, SimUserInput } from './types.js';

/**
 * The pool's users. The template's pool is case-insensitive and signs in by email, so a user is found
 * by username or email regardless of case.
 */
export class UserDirectory {
  readonly #users: SimUser[] = [];

  /** `groups`: the pool's groups; a user may be put only in those. */
  constructor(private readonly groups: readonly string[] = []) {}

  add(input: SimUserInput): SimUser {
    if (this.find(input.username)) throw new Error(`User ${input.username} already exists.`);
    const unknown = (input.groups ?? []).filter((group) => !this.groups.includes(group));
    if (unknown.length > 0) throw new Error(`The user pool has no group ${unknown.join(', ')} (it has: ${this.groups.join(', ') || 'none'}).`);
    const user: SimUser = { username: input.username, password: input.password, sub: input.sub ?? randomUUID() };
    if (input.email !== undefined) user.email = input.email;
    if (input.groups !== undefined && input.groups.length > 0) user.groups = [...input.groups];
    this.#users.push(user);
    return user;
  }

  find(login: string): SimUser | undefined {
    const wanted = login.toLowerCase();
    return this.#users.find((user) => user.username.toLowerCase() === wanted || user.email?.toLowerCase() === wanted);
  }

  bySub(sub: string): SimUser | undefined {
    return this.#users.find((user) => user.sub === sub);
  }

  /**
   * Removes a user named as Cognito's admin calls name one: by `sub` (the user name of a pool that
   * signs in by email) or by username or email. The removed user, or undefined when there is none.
   */
  remove(name: string): SimUser | undefined {
    const user = this.bySub(name) ?? this.find(name);
    if (user === undefined) return undefined;
    this.#users.splice(this.#users.indexOf(user), 1);
    return user;
  }

  /** Whether the user a grant was issued to is still in the pool (deleted users' grants lapse). */
  has(user: SimUser): boolean {
    return this.#users.includes(user);
  }
}
