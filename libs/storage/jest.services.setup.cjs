// Runs once before `test:services`: without the servers its tests start, the run fails here with
// one message that says what to install, instead of with every test's own connection error.
const { spawnSync } = require('node:child_process');

const SERVERS = [{ command: 'redis-server', args: ['--version'], pkg: 'redis-server' }];

module.exports = async function requireServers() {
  const missing = SERVERS.filter(({ command, args }) => {
    const run = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
    return run.error !== undefined || run.status !== 0;
  });
  if (missing.length > 0) {
    const names = missing.map((s) => s.command).join(', ');
    const packages = missing.map((s) => s.pkg).join(' ');
    throw new Error(`@mediaflow/storage:test:services needs ${names} on PATH (Debian: apt-get install ${packages}).`);
  }
};
