import { randomUUID } from 'node:crypto';
import type { SimUser, SimUserInput } from './types.js';

/**
 * The pool's users. The template's pool is case-insensitive and signs in by email, so a user is found
 * by username or email regardless of case.
 */
export class UserDirectory {
  readonly #users: SimUser[] = [];

  add(input: SimUserInput): SimUser {
    if (this.find(input.username)) throw new Error(`User ${input.username} already exists.`);
    const user: SimUser = { username: input.username, password: input.password, sub: input.sub ?? randomUUID() };
    if (input.email !== undefined) user.email = input.email;
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
