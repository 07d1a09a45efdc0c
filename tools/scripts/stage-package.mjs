// Stages a library for publishing: a copy of what `files` lists plus README and LICENSE, with a
// manifest fit for the registry: no workspace-only export condition (`@mediaflow/source` points
// at sources that are not shipped), no Nx settings, no dev dependencies, and sibling
// `@mediaflow/*` dependencies pinned to the versions being published instead of `*`.
//
//   node tools/scripts/stage-package.mjs libs/domain /tmp/stage   -> /tmp/stage/domain, ready for `npm pack`/`npm publish`
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function withoutSourceCondition(value) {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '@mediaflow/source').map(([key, v]) => [key, withoutSourceCondition(v)]));
}

/** Versions of every workspace library, for pinning `@mediaflow/*` dependencies. */
function workspaceVersions(workspace) {
  const versions = {};
  for (const dir of readdirSync(join(workspace, 'libs'))) {
    const manifest = join(workspace, 'libs', dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8'));
    versions[name] = version;
  }
  return versions;
}

export function stagePackage(workspace, packageDir, outRoot) {
  const source = resolve(workspace, packageDir);
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const out = join(outRoot, basename(source));
  mkdirSync(out, { recursive: true });
  for (const entry of [...(manifest.files ?? []).filter((f) => !f.startsWith('!')), 'README.md']) {
    if (existsSync(join(source, entry))) cpSync(join(source, entry), join(out, entry), { recursive: true, filter: (p) => !p.endsWith('.tsbuildinfo') });
  }
  if (existsSync(join(workspace, 'LICENSE'))) cpSync(join(workspace, 'LICENSE'), join(out, 'LICENSE'));
  const versions = workspaceVersions(workspace);
  const published = { ...manifest, exports: withoutSourceCondition(manifest.exports) };
  delete published.nx;
  delete published.devDependencies;
  for (const field of ['dependencies', 'peerDependencies']) {
    if (!published[field]) continue;
    for (const [name, range] of Object.entries(published[field])) {
      if (name.startsWith('@mediaflow/') && range === '*') published[field][name] = `^${versions[name]}`;
    }
  }
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [packageDir, outRoot] = process.argv.slice(2);
  if (!packageDir || !outRoot) {
    console.error('usage: node tools/scripts/stage-package.mjs libs/NAME OUT_DIR');
    process.exit(2);
  }
  console.log(stagePackage(resolve(process.cwd()), packageDir, resolve(outRoot)));
}
