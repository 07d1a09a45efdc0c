// Accessibility checked in the browser: axe-core (the engine of most accessibility checkers) runs
// inside the page the e2e has open, and a step fails on any serious or critical violation. The
// script is evaluated through the browser's debugging protocol, which the page's strict CSP does
// not govern, so the policy under test stays as the server sends it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Rules turned off, each with its reason: none. Every rule of axe's default set runs (WCAG 2.0, 2.1
 * and 2.2 A and AA, and best practices). `label-content-name-mismatch` was off until grid tiles were
 * named by their caption first, with their badges' words after it and hidden as text.
 */
export const DISABLED_RULES = Object.freeze({});

const SEVERE = new Set(['serious', 'critical']);

/** Every view checked in this run, in order, with how many severe violations it had. */
export const checkedViews = [];

/** The serious and critical violations on the page as it is now, one line each. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    async (disabled) =>
      (
        await window.axe.run(document, {
          resultTypes: ['violations'],
          rules: Object.fromEntries(disabled.map((id) => [id, { enabled: false }])),
        })
      ).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 240)}`) })),
    Object.keys(DISABLED_RULES),
  );
  return violations.filter((v) => SEVERE.has(v.impact)).map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.join(' | ')}`);
}

/** Fails (through the e2e's `assert`) when the page has a serious or critical violation. */
export async function assertAccessible(page, view, assert) {
  const found = await axeViolations(page);
  checkedViews.push({ view, violations: found.length });
  assert(found.length === 0, `axe, ${view}: ${found.join(' || ')}`);
}
