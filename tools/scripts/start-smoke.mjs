// The README's first command as a new user runs it: `npm start` (build, then `mediaflow serve` with
// its embedded defaults), then /api/health, then a JPEG uploaded through the API must be `ready`
// within 60 s. Prints one line per check and `smoke: N passed, N failed`; exits non-zero on failure.
//
//   node tools/scripts/start-smoke.mjs            (CI runs it with only the base toolchain on PATH)
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const STARTUP_LIMIT_MS = 10 * 60_000; // a fresh clone builds the CLI and the gallery first
const READY_LIMIT_MS = 60_000;

const results = [];
function check(name, ok, detail = '') {
  results.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  return ok;
}

const dataDir = await mkdtemp(join(tmpdir(), 'mediaflow-smoke-'));
const server = spawn('npm', ['start', '--', '--port', '0', '--data-dir', dataDir, '--quiet'], {
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true, // its own process group, so that stopping reaches npm, node and the server
});
let output = '';
server.stdout.on('data', (chunk) => {
  output += chunk;
});
server.stderr.on('data', (chunk) => {
  output += chunk;
});
const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve(code ?? signal)));

async function until(what, limitMs, probe) {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

try {
  const started = Date.now();
  const banner = await Promise.race([
    until('the serve banner', STARTUP_LIMIT_MS, () => {
      const url = /Mediaflow is running at (\S+)/.exec(output)?.[1];
      const token = /Bearer token:\s+(\S+)/.exec(output)?.[1];
      const tools = /Media tools:\s+(.+)/.exec(output)?.[1];
      return url && token && tools ? { url, token, tools } : undefined;
    }),
    exited.then((code) => {
      throw new Error(`npm start exited (${code}) before serving`);
    }),
  ]);
  check('npm start serves', true, `${banner.url} after ${Math.round((Date.now() - started) / 1000)} s`);
  check('the banner names the media tools', banner.tools.length > 0, banner.tools);

  const health = await fetch(`${banner.url}/api/health`);
  check('/api/health answers', health.status === 200, String(health.status));

  const auth = { authorization: `Bearer ${banner.token}` };
  const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .composite([{ input: Buffer.from('<svg width="600" height="400"><circle cx="300" cy="200" r="180" fill="orange"/></svg>'), top: 200, left: 300 }])
    .jpeg({ quality: 85 })
    .toBuffer();
  const start = await fetch(`${banner.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'smoke.jpg', size: photo.length }),
  });
  const upload = await start.json();
  check('an upload starts', start.status === 201, String(start.status));
  const put = await fetch(upload.upload.url, { method: 'PUT', headers: upload.upload.headers ?? {}, body: photo });
  check('the bytes are accepted', put.status === 200, String(put.status));
  const sent = Date.now();
  const item = await until('the item settling', READY_LIMIT_MS, async () => {
    const found = await (await fetch(`${banner.url}/api/v1/media/${upload.id}`, { headers: auth })).json();
    return ['ready', 'failed', 'flagged'].includes(found.status) ? found : undefined;
  });
  check('the JPEG is ready within 60 s', item.status === 'ready', `${item.status} after ${((Date.now() - sent) / 1000).toFixed(1)} s, ${item.renditions.length} renditions`);
} catch (error) {
  check('smoke', false, error.message);
  console.log(output.split('\n').slice(-30).join('\n'));
} finally {
  try {
    process.kill(-server.pid, 'SIGINT');
  } catch {
    // Already gone.
  }
  const stop = setTimeout(() => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, 20_000);
  await exited;
  clearTimeout(stop);
  await rm(dataDir, { recursive: true, force: true });
}

const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`smoke: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
