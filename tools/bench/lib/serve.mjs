// What the end-to-end benchmarks share: `mediaflow serve` started as a user starts it (the CLI's
// bundle, a fresh data directory), its peak RSS sampled from /proc, and free ports.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const cli = join(workspace, 'apps/cli/dist/mediaflow.js');

export { option } from './args.mjs';

export function rssKb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export async function freePort() {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Starts `mediaflow serve` and resolves once it prints its URL; samples its RSS until stopped. */
export async function startServe(dataDir, port, extra = [], env = {}) {
  // The same allocator setting as `npm start` (and the bare pipeline's worker, run.mjs of the image bench).
  const child = spawn(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--port', String(port), '--quiet', ...extra], {
    cwd: workspace,
    stdio: ['ignore', 'pipe', 'inherit'],
    // Tagging off unless asked: the reference pipeline makes renditions only, so the stack must do
    // the same work (the tagger has its own benchmark, npm run bench:tagging).
    env: { ...process.env, MALLOC_ARENA_MAX: '2', MEDIAFLOW_TAGGER: 'off', ...env },
  });
  let peakKb = 0;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(child.pid))), 50);
  let out = '';
  await new Promise((done, fail) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Bearer token:')) done();
    });
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}`)));
  });
  const token = /Bearer token:\s+(\S+)/.exec(out)?.[1];
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    pid: child.pid,
    peakMb: () => peakKb / 1024,
    async stop() {
      clearInterval(sampler);
      child.kill('SIGTERM');
      await new Promise((done) => (child.exitCode !== null ? done() : child.once('exit', done)));
    },
  };
}
