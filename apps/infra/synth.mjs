// Synthesizes the CDK app into apps/infra/cdk.out without the CDK CLI (works offline): bundles
// src/main.ts with esbuild, taking workspace libraries from source through the @mediaflow/source
// condition, and runs it. `cdk.json` uses this script too, so `npx cdk synth` runs the same app.
// Context: `node apps/infra/synth.mjs -c stage=prod -c galleryOrigin=https://media.example.com`.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const outfile = join(root, 'out-tsc/synth/main.mjs');

const context = {};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 1) {
  if (args[i] !== '-c' && args[i] !== '--context') continue;
  const [key, ...rest] = (args[i + 1] ?? '').split('=');
  if (key && rest.length > 0) context[key] = rest.join('=');
  i += 1;
}

await build({
  entryPoints: [join(root, 'src/synth-entry.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@mediaflow/source'],
  // Installed packages load from node_modules as they are; only our sources are bundled.
  plugins: [
    {
      name: 'external-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@mediaflow/') ? undefined : { path: a.path, external: true }));
      },
    },
  ],
  logLevel: 'warning',
});

const { createApp, workspaceAssets } = await import(pathToFileURL(outfile).href);
// Under the CDK CLI, the output directory and context come from its environment variables.
const app = createApp({ outdir: process.env.CDK_OUTDIR ?? join(root, 'cdk.out'), context }, workspaceAssets(join(root, '../..')));
const assembly = app.synth();
console.log(`synthesized ${assembly.stacks.map((stack) => stack.stackName).join(', ')} into ${assembly.directory}`);
