import type { Browser, BrowserContext, Page } from 'playwright-core';
import { claimsOf } from '../oidc/testing.js';
import type { Stage } from '../stage/stage.js';
import { jpeg } from './media.js';
import { launchStageBrowser, signInAs, watchPage } from './stage-browser.js';
import { ALICE, bringUp } from './stage-harness.js';

// A session that outlives its access token: the stage's issuer hands out access tokens that live
// ACCESS_SECONDS, the gallery signs in through it in Chromium (the same oidc-client-ts code path as
// with Cognito's hosted UI), and an upload is held back at the bucket until that token has expired.
// The gallery renews the token with the refresh token, so the upload's later authenticated calls
// are made with a new one and none is refused. Signing out revokes the refresh token at the issuer.
const ACCESS_SECONDS = 30;
/** The upload's PUT waits this long at the bucket: past the first access token's lifetime. */
const HOLD_MS = (ACCESS_SECONDS + 12) * 1000;
const READY_MS = 180_000;

interface ApiCall {
  at: number;
  method: string;
  path: string;
  token: string | null;
  status?: number;
}

describe('a gallery session outliving its access token in the simulated stage', () => {
  let stage: Stage;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const calls: ApiCall[] = [];
  let photo: Buffer;

  const isApi = (url: URL): boolean => url.origin === stage.publicSiteUrl && url.pathname.startsWith('/api/');
  /** The user the issuer client keeps in this tab's sessionStorage: its refresh token, or null once forgotten. */
  const storedRefreshToken = (): Promise<string | null> =>
    page.evaluate(() => {
      for (let i = 0; i < sessionStorage.length; i += 1) {
        const key = sessionStorage.key(i) ?? '';
        if (key.startsWith('oidc.user:')) return (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { refresh_token?: string }).refresh_token ?? null;
      }
      return null;
    });

  beforeAll(async () => {
    photo = await jpeg(11, 1024, 768);
    stage = await bringUp(undefined, { https: true });
    stage.issuer.setAccessTokenLifetime(ACCESS_SECONDS);
    const edge = stage.edge;
    if (!edge) throw new Error('the stage has no HTTPS edge');
    browser = await launchStageBrowser(edge);
    context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    page = await context.newPage();
    watchPage(page, problems);
    const pending = new Map<object, ApiCall>();
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!isApi(url)) return;
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers()['authorization'] ?? '')?.[1] ?? null;
      const call: ApiCall = { at: Date.now(), method: request.method(), path: url.pathname, token: bearer };
      calls.push(call);
      pending.set(request, call);
    });
    page.on('response', (response) => {
      const call = pending.get(response.request());
      if (call) call.status = response.status();
    });
  }, 600_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
  });

  it('signs in through the issuer with the authorization code flow and PKCE, getting a short-lived access token and a refresh token', async () => {
    await signInAs(page, stage, ALICE);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor({ timeout: 30_000 });
    const issued = stage.issuer.issued();
    expect(issued.map((entry) => [entry.grant, entry.expiresIn])).toEqual([['authorization_code', ACCESS_SECONDS]]);
    expect(await storedRefreshToken()).toEqual(expect.any(String));
    // The issuer keeps it as long as the template's client says: -c refreshTokenDays, 30 by default.
    const validity = new Set(stage.spec.userPools.flatMap((pool) => pool.clients.map((client) => client.refreshTokenValidityMinutes)));
    expect([...validity]).toEqual([30 * 24 * 60]);
    const first = calls.find((call) => call.token !== null);
    expect(first?.token).toBeDefined();
    expect(claimsOf(first?.token ?? '')['jti']).toBe(issued[0]?.jti);
  });

  it('finishes an upload whose last authenticated calls come after the first access token expired, with a renewed token and no 401', async () => {
    const firstToken = calls.find((call) => call.token !== null)?.token ?? '';
    const firstExpiry = Number(claimsOf(firstToken)['exp']) * 1000;
    // The PUT to the presigned bucket URL waits at the bucket past the first token's expiry.
    await page.route(
      (url) => url.hostname.endsWith('.amazonaws.com') && !url.hostname.startsWith('cognito-idp.'),
      async (route) => {
        if (route.request().method() === 'PUT') await new Promise((resume) => setTimeout(resume, HOLD_MS));
        await route.continue();
      },
    );
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload' }).click();
    await (await chooser).setFiles([{ name: 'late.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-testid="upload-row"]')];
        return rows.length === 1 && rows.every((row) => row.classList.contains('phase-ready'));
      },
      null,
      { timeout: READY_MS },
    );
    await page.waitForFunction(() => document.querySelectorAll('.grid > li.tile').length === 1, null, { timeout: 30_000 });

    const refreshed = stage.issuer.issued().filter((entry) => entry.grant === 'refresh_token');
    expect(refreshed.length).toBeGreaterThanOrEqual(1);
    expect(refreshed.every((entry) => entry.sub === stage.issuer.issued()[0]?.sub && entry.expiresIn === ACCESS_SECONDS)).toBe(true);

    const late = calls.filter((call) => call.at > firstExpiry);
    // The upload's status checks after the held PUT, and the grid's refresh, came after the first token expired...
    expect(late.filter((call) => call.method === 'GET' && call.path.startsWith('/api/v1/media')).length).toBeGreaterThan(0);
    // ...each with a token issued by a refresh and not expired when sent.
    const refreshedJtis = new Set(refreshed.map((entry) => entry.jti));
    for (const call of late) {
      expect(call.token).not.toBe(firstToken);
      const claims = claimsOf(call.token ?? '');
      expect(refreshedJtis.has(String(claims['jti']))).toBe(true);
      expect(Number(claims['exp']) * 1000).toBeGreaterThan(call.at);
    }
    expect(calls.filter((call) => call.status === 401)).toEqual([]);
    expect(calls.filter((call) => call.token === null)).toEqual([]);
    await page.unroute(() => true);
  });

  it('revokes the refresh token on sign-out: the issuer refuses it afterwards', async () => {
    const refreshToken = (await storedRefreshToken()) ?? '';
    expect(refreshToken).not.toBe('');
    // The hosted /logout redirects back to the gallery once the refresh token was revoked.
    const back = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().redirectedFrom() !== null && new URL(r.url()).origin === stage.publicSiteUrl, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    const logout = (await back).request().redirectedFrom();
    expect(new URL(logout?.url() ?? '').hostname).toMatch(/\.amazoncognito\.com$/);
    expect(new URL(logout?.url() ?? '').pathname).toBe('/logout');
    await page.getByRole('button', { name: 'Sign in' }).first().waitFor({ timeout: 30_000 });
    expect(stage.issuer.revocations()).toEqual([{ clientId: stage.issuer.pool.clients[0]?.clientId, outcome: 'revoked', status: 200 }]);
    expect(await storedRefreshToken()).toBeNull();

    const refresh = await fetch(`${stage.issuer.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: stage.issuer.pool.clients[0]?.clientId ?? '', refresh_token: refreshToken }).toString(),
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('ran with no CSP violation, page error or console error, and no call the roles refused', () => {
    expect(problems).toEqual([]);
    expect(stage.events.filter((e) => e.kind === 'denied' || e.kind === 'dead-letter')).toEqual([]);
  });
});
