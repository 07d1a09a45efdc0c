// The command people run (`npx nx run @mediaflow/infra:simulate` runs this script): it brings the
// stage up from cdk.out, says where each part listens, serves the gallery, and on Ctrl-C prints the
// permissions report and stops.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '../runtime-paths.js';

const root = workspaceRoot();
const cli = join(root, 'tools/cloud-sim/dist/cli.js');

describe('the simulate command', () => {
  it('brings the stage up from cdk.out, serves the gallery and reports on Ctrl-C', async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npx nx run @mediaflow/cloud-sim:build`);
    const child = spawn(process.execPath, [cli, '--cdk-out', 'apps/infra/cdk.out', '--stack', 'Mediaflow-dev'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
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
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toMatch(/denied: none/);
      expect(out).toMatch(/dead letters:/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
