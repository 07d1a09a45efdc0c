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
}
