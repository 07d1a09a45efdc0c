// `npm start`. Until the local stack (`mediaflow serve`) exists, this proves the workspace works on
// this machine (lint, typecheck and tests of every project) and says what is available now.
import { spawnSync } from 'node:child_process';

function run(command, args) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npx', ['nx', 'run-many', '-t', 'lint', 'typecheck', 'test']);

console.log(`
Mediaflow workspace is healthy.

The local stack (API, workers and gallery at http://localhost:3000) is not built yet;
until it is, this is what you can use:
  npx nx graph                       the project graph
  npm test                           every unit and medium test
  npm run bench                      benchmarks (docs/benchmarks.md)
`);
