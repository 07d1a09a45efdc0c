// The command people run (`npx nx run @mediaflow/infra:simulate` runs this script): it brings the
// stage up from cdk.out, says where each part listens, serves the gallery, and on Ctrl-C prints the
// permissions report and stops.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { get } from 'node:https';
import { join } from 'node:path';
import { workspaceRoot } from '../runtime-paths.js';

const root = workspaceRoot();
const cli = join(root, 'tools/cloud-sim/dist/cli.js');

/** GET through the edge at `address` for the public `url`, trusting only the stage's authority. */
function viaEdge(address: string, url: string, ca: string): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const [host, port] = address.split(':');
  return new Promise((done, fail) => {
    get({ host, port: Number(port), path: target.pathname, servername: target.hostname, headers: { host: target.hostname }, ca }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => done({ status: response.statusCode ?? 0, body }));
    }).on('error', fail);
  });
}

describe('the simulate command', () => {
  it('brings the stage up from cdk.out, serves the gallery (locally and at its public name over HTTPS) and reports on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mf-sim-cli-'));
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npx nx run @mediaflow/cloud-sim:build`);
    const child = spawn(process.execPath, [cli, '--cdk-out', 'apps/infra/cdk.out', '--stack', 'Mediaflow-dev', '--https', '--data-dir', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    try {
      const deadline = Date.now() + 60_000;
      while (!/Ctrl-C stops it/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the stage did not come up:\n${out}\n${err}`);
        await new Promise((done) => setTimeout(done, 100));
      }
      expect(out).toMatch(/users {15}demo@example\.com \(password /);
      const site = /site \(CloudFront\)\s+(http:\/\/\S+)/.exec(out)?.[1];
      if (!site) throw new Error(`no site URL in:\n${out}`);
      expect(out).toMatch(/\.cloudfront\.net -> http:\/\/127\.0\.0\.1:\d+/);
      const config = await fetch(`${site}/config.json`);
      expect(config.status).toBe(200);
      expect(((await config.json()) as { auth: { type: string } }).auth.type).toBe('cognito');
      // The same file at the distribution's own name, through the edge, with the stage's authority.
      const edge = /HTTPS edge\s+(127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const publicSite = /(https:\/\/d[a-z0-9]+\.cloudfront\.net)\/\n/.exec(out)?.[1];
      if (!edge || !publicSite) throw new Error(`no HTTPS edge in:\n${out}`);
      expect(out).toContain('--host-resolver-rules=');
      const secure = await viaEdge(edge, `${publicSite}/config.json`, readFileSync(join(dataDir, 'edge/ca.pem'), 'utf8'));
      expect(secure.status).toBe(200);
      expect((JSON.parse(secure.body) as { auth: { type: string } }).auth.type).toBe('cognito');
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toMatch(/denied: none/);
      expect(out).toMatch(/dead letters:/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
