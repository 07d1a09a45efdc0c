// What could be updated, grouped the way renovate.json groups its pull requests (Nx, AWS SDK,
// CDK, React, ...), with the versions a rule holds back and why:
//
//   npm run outdated            (markdown table)
//   npm run outdated -- --json  (the same rows as JSON)
//
// The groups and holds are read from renovate.json, so the report and the bot never disagree.
// It only reads: nothing is installed or changed. The registry must be reachable.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const config = JSON.parse(readFileSync(join(root, 'renovate.json'), 'utf8'));

/** A renovate package-name glob (`@nx/**`) as a regular expression. */
function globToRegExp(glob) {
  const body = glob
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

const rules = (config.packageRules ?? []).map((rule) => ({ ...rule, patterns: (rule.matchPackageNames ?? []).map(globToRegExp) }));
const rulesFor = (name) => rules.filter((rule) => rule.patterns.some((re) => re.test(name)));

const major = (version) => Number(String(version).split('.')[0]);
/** Whether a version passes an `allowedVersions` range of the forms this config uses (`<N`, `<N.M.P`). */
function allowed(version, range) {
  const bound = /^<\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!bound) return true; // a form this report does not read: do not claim a hold
  const have = String(version).split('.').map(Number);
  const limit = bound.slice(1).map((n) => Number(n ?? 0));
  for (let i = 0; i < 3; i += 1) if ((have[i] ?? 0) !== limit[i]) return (have[i] ?? 0) < limit[i];
  return false;
}

const run = spawnSync('npm', ['outdated', '--workspaces', '--include-workspace-root', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
// npm outdated exits 1 when something is outdated; only a missing or unreadable answer is an error.
let report;
try {
  report = JSON.parse(run.stdout || '{}');
} catch {
  report = undefined;
}
// `npm outdated` answers 1 when something is outdated; anything else, or its `{"error": ...}`
// (the registry out of reach), is a failure to report, not a package called "error".
if (report === undefined || report.error !== undefined || (run.status !== 0 && run.status !== 1)) {
  const why = report?.error?.summary ?? report?.error?.code ?? run.stderr.trim();
  process.stderr.write(`outdated: npm outdated failed (exit ${run.status}): ${why}\n`);
  process.exit(2);
}

const rows = Object.entries(report).map(([name, entries]) => {
  const list = Array.isArray(entries) ? entries : [entries];
  const first = list[0];
  const matched = rulesFor(name);
  const group = matched.find((rule) => rule.groupName)?.groupName ?? '(alone)';
  const hold = matched.find((rule) => rule.allowedVersions && !allowed(first.latest, rule.allowedVersions));
  const change = first.current === undefined ? 'missing' : major(first.latest) > major(first.current) ? 'major' : 'minor/patch';
  return {
    group,
    name,
    current: first.current ?? '(not installed)',
    latest: first.latest,
    change,
    dependents: [...new Set(list.map((e) => e.dependent))].sort(),
    ...(hold ? { heldBack: `${hold.allowedVersions}: ${hold.description}` } : {}),
  };
});
rows.sort((a, b) => (a.group === b.group ? a.name.localeCompare(b.name) : a.group === '(alone)' ? 1 : b.group === '(alone)' ? -1 : a.group.localeCompare(b.group)));

if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
} else if (rows.length === 0) {
  process.stdout.write('Everything is at its latest version.\n');
} else {
  const lines = ['| group | package | current | latest | change | used by | held back |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.group} | ${r.name} | ${r.current} | ${r.latest} | ${r.change} | ${r.dependents.join(', ')} | ${r.heldBack ?? ''} |`);
  const groups = new Set(rows.map((r) => r.group));
  lines.push('', `${rows.length} packages behind their latest release, in ${groups.size} update groups; ${rows.filter((r) => r.heldBack).length} held back by a rule in renovate.json.`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
