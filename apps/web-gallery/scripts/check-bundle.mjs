// Fails the build when the entry chunk (what a first visit must download before anything shows)
// exceeds the budget gzipped. Lazy chunks (hls.js, the Cost page) are listed but not counted.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 150;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entries = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const kb = (bytes) => bytes / 1024;
const sizeOf = (file) => {
  const bytes = readFileSync(join(dist, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};

let initialJs = 0;
const rows = [];
for (const file of entries) {
  const s = sizeOf(file);
  if (file.endsWith('.js')) initialJs += s.gzip;
  rows.push([`initial  ${file}`, s]);
}
for (const file of readdirSync(join(dist, 'assets'))) {
  if (!file.endsWith('.js') || entries.includes(`assets/${file}`)) continue;
  rows.push([`lazy     assets/${file}`, sizeOf(`assets/${file}`)]);
}
for (const [name, s] of rows) console.log(`${name.padEnd(56)} ${kb(s.raw).toFixed(1).padStart(8)} KB  gzip ${kb(s.gzip).toFixed(1).padStart(7)} KB`);
console.log(`initial JS: ${kb(initialJs).toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
if (entries.length === 0) {
  console.error('check-bundle: no entry script found in dist/index.html');
  process.exit(1);
}
if (kb(initialJs) > BUDGET_KB) {
  console.error(`check-bundle: the initial JS is ${kb(initialJs).toFixed(1)} KB gzipped, over the ${BUDGET_KB} KB budget`);
  process.exit(1);
}
