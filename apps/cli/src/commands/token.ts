import { resolve } from 'node:path';
import { DEFAULT_LOCAL_TOKEN_TTL_SECONDS, localOwnerId } from '@mediaflow/api';
import { RoleSchema, type Role } from '@mediaflow/domain';
import { EXIT_CODES_USAGE, EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';
import { octalMode, secureDataDir } from '../local/data-dir.js';
import { localTokens } from '../local/token-generations.js';
import { LOCAL_OPTIONS_USAGE, parseLocalCommand } from './local-options.js';

const DAY_SECONDS = 24 * 3600;
const DEFAULT_DAYS = DEFAULT_LOCAL_TOKEN_TTL_SECONDS / DAY_SECONDS;
const MAX_DAYS = 365;

export const TOKEN_USAGE = `Usage: mediaflow token --user NAME [options]
       mediaflow token --revoke --user NAME [options]

Prints a bearer token for a local user of the stack in the data directory, or
revokes every token of that user issued so far.

Options:
  --user NAME             the user: letters, digits, "_", ".", "-", starting and
                          ending with a letter or digit; not case-sensitive
                          (Alice is alice)
  --days N                how long the token lasts, 1-${MAX_DAYS} (default ${DEFAULT_DAYS})
  --role ROLE             also grant a role: ${RoleSchema.options.join(', ')} (decides on items
                          held for review, of every user); repeat for several
  --revoke                revoke all of the user's tokens at once, in a running
                          server too (within a second); then get a new one
${LOCAL_OPTIONS_USAGE}
  -h, --help              show this help

${EXIT_CODES_USAGE}
`;

export const tokenCommand: Command = {
  summary: 'print a bearer token for a local user, or revoke their tokens',
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseLocalCommand('token', TOKEN_USAGE, args, io, {
      user: { type: 'string' },
      days: { type: 'string' },
      revoke: { type: 'boolean' },
      role: { type: 'string', multiple: true },
    });
    if (typeof parsed === 'number') return parsed;
    const { user, days, revoke, role } = parsed.values;
    if (typeof user !== 'string' || user === '') {
      io.stderr(`mediaflow token: --user is required\n\n${TOKEN_USAGE}`);
      return EXIT_USAGE;
    }
    let ownerId: string;
    try {
      ownerId = localOwnerId(user);
    } catch (error) {
      io.stderr(`mediaflow token: ${(error as Error).message}\n`);
      return EXIT_USAGE;
    }
    const lifetimeDays = days === undefined ? DEFAULT_DAYS : typeof days === 'string' && /^\d+$/.test(days) ? Number(days) : Number.NaN;
    if (!(lifetimeDays >= 1 && lifetimeDays <= MAX_DAYS)) {
      io.stderr(`mediaflow token: --days must be a whole number from 1 to ${MAX_DAYS}\n`);
      return EXIT_USAGE;
    }
    const roles: Role[] = [];
    for (const name of Array.isArray(role) ? role : []) {
      const known = RoleSchema.safeParse(name);
      if (!known.success) {
        io.stderr(`mediaflow token: --role must be one of ${RoleSchema.options.join(', ')}, not "${String(name)}"\n`);
        return EXIT_USAGE;
      }
      roles.push(known.data);
    }
    if (revoke === true && roles.length > 0) {
      io.stderr('mediaflow token: --revoke issues no token, so it takes no --role\n');
      return EXIT_USAGE;
    }
    if (revoke === true && days !== undefined) {
      io.stderr('mediaflow token: --revoke issues no token, so it takes no --days\n');
      return EXIT_USAGE;
    }

    const dataDir = resolve(parsed.config.dataDir);
    const openMode = secureDataDir(dataDir);
    if (openMode !== undefined) io.stderr(`mediaflow token: ${dataDir} was open to other users (mode ${octalMode(openMode)}); it is private (0700) again\n`);
    const { tokens, generations } = localTokens(dataDir, { ttlSeconds: lifetimeDays * DAY_SECONDS });
    // A library made before owner ids were folded keeps its owner (`Alice`): the name matches it regardless of case.
    ownerId = tokens.ownerFor(user);
    if (revoke === true) {
      const generation = generations.revoke(ownerId);
      io.stderr(`mediaflow token: revoked every token of "${ownerId}" issued so far (now generation ${generation}); a running server refuses them within a second\n`);
      return EXIT_OK;
    }
    if (ownerId !== user) io.stderr(`mediaflow token: user names are not case-sensitive; this token is for "${ownerId}"\n`);
    io.stdout(`${tokens.issue(ownerId, { roles })}\n`);
    return EXIT_OK;
  },
};
