import { resolve } from 'node:path';
import { LocalTokens } from '@mediaflow/api';
import { EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';
import { loadSecrets } from '../local/secrets.js';
import { LOCAL_OPTIONS_USAGE, parseLocalCommand } from './local-options.js';

export const TOKEN_USAGE = `Usage: mediaflow token --user NAME [options]

Prints a bearer token for a local user of the stack in the data directory.

Options:
  --user NAME             the user (letters, digits, "_", ".", "-")
${LOCAL_OPTIONS_USAGE}
  -h, --help              show this help
`;

export const tokenCommand: Command = {
  summary: 'print a bearer token for a local user',
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseLocalCommand('token', TOKEN_USAGE, args, io, { user: { type: 'string' } });
    if (typeof parsed === 'number') return parsed;
    const user = parsed.values['user'];
    if (typeof user !== 'string' || user === '') {
      io.stderr(`mediaflow token: --user is required\n\n${TOKEN_USAGE}`);
      return EXIT_USAGE;
    }
    const { tokenKey } = loadSecrets(resolve(parsed.config.dataDir));
    try {
      io.stdout(`${new LocalTokens({ secret: tokenKey }).issue(user)}\n`);
    } catch {
      io.stderr(`mediaflow token: "${user}" is not a valid user name (letters, digits, "_", ".", "-")\n`);
      return EXIT_USAGE;
    }
    return EXIT_OK;
  },
};
