import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveCommandWith } from '../commands/serve.js';
import { tokenCommand } from '../commands/token.js';
import { captureIo } from '../testing.js';
import { LocalConfigSchema } from './config.js';
import { startLocalStack, type LocalStack } from './stack.js';

/** The local server's own protections: a private data directory, a loud warning when exposed, revocable tokens. */

jest.setTimeout(60_000);

describe('local server hardening', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  let logs: Record<string, unknown>[];

  const start = async (overrides: Record<string, unknown> = {}) => {
    stack = await startLocalStack(LocalConfigSchema.parse({ port: 0, dataDir, workers: false, tagger: 'off', ...overrides }), (entry) => logs.push(entry));
    return stack;
  };
  const warnings = () => logs.filter((entry) => entry['level'] === 'warn').map((entry) => String(entry['msg']));

  /** What `mediaflow token` prints, run as a person would beside the running server. */
  const cli = async (...args: string[]) => {
    const io = captureIo();
    const code = await tokenCommand.run([...args, '--data-dir', dataDir], io);
    return { code, out: io.out().trim(), err: io.err() };
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mf-hardening-'));
    logs = [];
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes a data directory others could read private at start, and logs that it did', async () => {
    chmodSync(dataDir, 0o755);
    await start();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(warnings()).toEqual([expect.stringContaining('was open to other users of this machine (mode 0755)')]);

    // Private already at the next start: nothing to say.
    await stack?.stop();
    logs = [];
    await start();
    expect(warnings()).toEqual([]);
  });

  it('warns once at start when it listens on an address other machines can reach, and not on loopback', async () => {
    await start({ host: '0.0.0.0' });
    expect(warnings()).toEqual([expect.stringContaining('listening on 0.0.0.0, which is not a loopback address')]);
    await stack?.stop();
    logs = [];
    await start({ host: '127.0.0.1' });
    expect(warnings()).toEqual([]);
  });

  it('refuses every earlier token of a user once `mediaflow token --revoke` runs, without a restart', async () => {
    const s = await start();
    const list = (token: string) => fetch(`${s.url}/api/v1/media`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    const alice = (await cli('--user', 'alice')).out;
    const bob = (await cli('--user', 'bob')).out;
    expect(await list(alice)).toBe(200);
    expect(await list(s.tokens.issue('alice'))).toBe(200);
    // As the gallery's <img> sends it: the media cookie, checked the same way (no such item: 404).
    const media = (token: string) => fetch(`${s.url}/media/renditions/alice/01JAAAAAAAAAAAAAAAAAAAAAAA/thumb.webp`, { headers: { cookie: `mf_token=${token}` } }).then((r) => r.status);
    expect(await media(alice)).toBe(404);
    expect((await cli('--revoke', '--user', 'alice')).code).toBe(0);

    const revokedAt = Date.now();
    while ((await list(alice)) === 200) {
      expect(Date.now() - revokedAt).toBeLessThan(3000);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await list(alice)).toBe(401);
    expect(await media(alice)).toBe(401);
    expect(await list(bob)).toBe(200);
    expect(await list((await cli('--user', 'alice')).out)).toBe(200);
    expect(await list(s.tokens.issue('alice'))).toBe(200);
  });

  it('serve shows the warnings even with --quiet, and signs the folded user in', async () => {
    const previous = process.env['MEDIAFLOW_TAGGER'];
    process.env['MEDIAFLOW_TAGGER'] = 'off';
    chmodSync(dataDir, 0o750);
    const io = captureIo();
    try {
      const code = await serveCommandWith(async () => undefined).run(['--quiet', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir, '--user', 'Alice', '--gallery', join(dataDir, 'none')], io);
      expect(code).toBe(0);
    } finally {
      if (previous === undefined) delete process.env['MEDIAFLOW_TAGGER'];
      else process.env['MEDIAFLOW_TAGGER'] = previous;
    }
    const warned = io.err().split('\n').filter((line) => line.includes('"level":"WARN"'));
    expect(warned.some((line) => line.includes('not a loopback address'))).toBe(true);
    expect(warned.some((line) => line.includes('was open to other users of this machine (mode 0750)'))).toBe(true);
    expect(io.out()).toContain('Signed-in link for "alice"');
    expect((await serveCommandWith(async () => undefined).run(['--user', 'con', '--data-dir', dataDir], captureIo()))).toBe(2);
  });
});
