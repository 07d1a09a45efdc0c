import { chromium, type Browser, type Page } from 'playwright-core';
import type { Stage, StageEdge } from '../stage/stage.js';

// Debian's Chromium against the simulated stage's HTTPS edge, for the browser scenarios
// (`browser*.sim.ts`): the stage's public names resolve to the edge through --host-resolver-rules,
// and Chromium accepts exactly the edge's certificate (by public key).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium that reaches the stage's public names at `edge`; `extraArgs` are further Chromium flags. */
export function launchStageBrowser(edge: StageEdge, extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-dev-shm-usage',
      ...extraArgs,
      `--host-resolver-rules=${edge.resolverRules}`,
      `--ignore-certificate-errors-spki-list=${edge.spkiHash}`,
    ],
  });
}

/** How `watchPage` reports a page's problems. */
export interface PageWatch {
  /** Whose page it is, put before each problem (`visitor: page error: …`). */
  who?: string;
  /** True for a console error the test caused on purpose: it is then not a problem. */
  expected?: (text: string, url: string) => boolean;
}

/** Collects the page's uncaught errors and console errors into `problems`, as `page error: …` and `console: … @ url`. */
export function watchPage(page: Page, problems: string[], watch: PageWatch = {}): void {
  const prefix = watch.who === undefined ? '' : `${watch.who}: `;
  page.on('pageerror', (error) => problems.push(`${prefix}page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    if (watch.expected?.(message.text(), url)) return;
    problems.push(`${prefix}console: ${message.text()} @ ${url}`);
  });
}

/** Signs `user` in from the gallery's Sign in button on the hosted domain, and waits until the gallery shows them signed in. */
export async function signInAs(page: Page, stage: Stage, user: { username: string; password: string }): Promise<void> {
  await page.goto(`${stage.publicSiteUrl}/`);
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.waitForURL((url) => url.hostname.endsWith('.amazoncognito.com'));
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === stage.publicSiteUrl);
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
}
