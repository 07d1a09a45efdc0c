#!/usr/bin/env node
// `npx nx run @mediaflow/infra:simulate`: the synthesized stage, running on this machine.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { workspaceRoot } from './runtime-paths.js';
import { defaultHostLayers, defaultMediaTools } from './stage/defaults.js';
import { startStage } from './stage/stage.js';
import { readCloudAssembly } from './template/cdk-out.js';

const { values } = parseArgs({
  strict: true,
  options: {
    'cdk-out': { type: 'string', default: 'apps/infra/cdk.out' },
    stack: { type: 'string', default: 'Mediaflow-dev' },
    'data-dir': { type: 'string' },
    user: { type: 'string', multiple: true, default: [] },
    quiet: { type: 'boolean', default: false },
    https: { type: 'boolean', default: false },
  },
});

const root = workspaceRoot();
const users = (values.user ?? []).map((entry) => {
  const colon = entry.indexOf(':');
  if (colon < 1) throw new Error(`--user takes email:password, got ${entry}`);
  return { username: entry.slice(0, colon), password: entry.slice(colon + 1), email: entry.slice(0, colon) };
});
// Without --user, one demo user whose password the banner shows (the stage is local and throwaway).
const demo = users.length === 0;
if (demo) users.push({ username: 'demo@example.com', password: 'Demo-password-1!', email: 'demo@example.com' });

const stage = await startStage({
  stack: readCloudAssembly(resolve(values['cdk-out'] ?? 'apps/infra/cdk.out'), values.stack ?? 'Mediaflow-dev'),
  ...(values['data-dir'] ? { dataDir: resolve(values['data-dir']) } : {}),
  hostLayers: defaultHostLayers(root),
  ...defaultMediaTools(),
  users,
  https: values.https ?? false,
  onEvent: (event) => {
    if (!values.quiet && event.kind !== 'info') process.stdout.write(`[${event.kind}] ${event.source}: ${event.message}\n`);
  },
});

process.stdout.write(
  [
    `Mediaflow stage ${values.stack} simulated from ${values['cdk-out']}`,
    `  site (CloudFront)   ${stage.siteUrl}`,
    `  HTTP API            ${stage.apiUrl}`,
    `  sign-in (issuer)    ${stage.issuer.url}`,
    `  AWS endpoint        ${stage.gatewayUrl}`,
    `  users               ${users.map((u) => u.username).join(', ')}${demo ? ' (password Demo-password-1!)' : ''}`,
    '  host names:',
    ...Object.entries(stage.hosts).map(([host, url]) => `    ${host} -> ${url}`),
    ...(stage.edge
      ? [
          `  HTTPS edge          ${stage.edge.address} answers for every name above; open the gallery with`,
          `    chromium --user-data-dir=$(mktemp -d) --host-resolver-rules='${stage.edge.resolverRules}' \\`,
          `      --ignore-certificate-errors-spki-list=${stage.edge.spkiHash} ${stage.publicSiteUrl}/`,
        ]
      : []),
    ...stage.lambda.runtimeNotes.map((note) => `  note: ${note}`),
    'Ctrl-C stops it and prints the permissions report.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${stage.report()}\n`);
  await stage.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
