// `npm start`: builds what the local stack needs, then runs `mediaflow serve` in this process's
// place (signals reach it directly, so Ctrl+C stops it gracefully).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const projects = ['@mediaflow/cli'];
if (existsSync('apps/web-gallery/package.json')) projects.push('@mediaflow/web-gallery');
run('npx', ['nx', 'run-many', '-t', 'build', '-p', ...projects, '--output-style=static']);

// Ctrl+C reaches the server too (same process group); this process just waits for it to finish.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
// glibc keeps freed memory in one arena per thread; libvips' worker threads then hold hundreds of
// MB after a burst. Two arenas keep the peak near what the image work needs (docs/benchmarks.md).
const env = { MALLOC_ARENA_MAX: '2', ...process.env };
const serve = spawnSync(process.execPath, ['apps/cli/dist/mediaflow.js', 'serve', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(serve.status ?? 0);
