import { createSign } from 'node:crypto';
import type { Stage } from '../stage/stage.js';
import { mediaCookies, settled, signIn, upload, type MediaView, type StageUser } from './client.js';
import { jpeg } from './media.js';
import { ALICE, BOB, bringUp } from './stage-harness.js';

// The /media/* behaviour trusts the stage's key group: CloudFront serves a rendition only to a
// request whose signed cookies (made by the api function with the private key the deploy-time
// custom resource put into Secrets Manager) cover its URL and have not expired.

const safe = (bytes: Buffer): string => bytes.toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');

describe('signed media cookies on the simulated stage', () => {
  let stage: Stage;
  let alice: StageUser;
  let bob: StageUser;
  let aliceView: MediaView;
  let bobView: MediaView;
  const renditionUrl = (view: MediaView): string => {
    const rendition = view.renditions.find((r) => r.format !== 'json');
    if (!rendition) throw new Error(`${view.filename} has no rendition`);
    return stage.localUrl(rendition.url);
  };

  beforeAll(async () => {
    stage = await bringUp();
    [alice, bob] = await Promise.all([signIn(stage, ALICE.username, ALICE.password), signIn(stage, BOB.username, BOB.password)]);
    const [aliceId, bobId] = await Promise.all([upload(alice, 'alice.jpg', await jpeg(11), 'image/jpeg'), upload(bob, 'bob.jpg', await jpeg(12), 'image/jpeg')]);
    [aliceView, bobView] = await Promise.all([settled(alice, aliceId), settled(bob, bobId)]);
    expect([aliceView.status, bobView.status]).toEqual(['ready', 'ready']);
  }, 300_000);

  afterAll(async () => {
    if (stage) {
      process.stdout.write(`${stage.report()}\n`);
      await stage.close();
    }
  });

  it('refuses a rendition without cookies (403 from the edge, before the origin)', async () => {
    const response = await fetch(renditionUrl(aliceView));
    expect(response.status).toBe(403);
    expect(response.headers.get('x-cache')).toBe('Error from cloudfront');
    expect(await response.text()).toContain('<Code>MissingKey</Code>');
  });

  it('after POST /api/v1/media-access, serves the owner\'s renditions and not another owner\'s', async () => {
    const cookies = await mediaCookies(alice);
    expect(Date.parse(cookies.expiresAt ?? '')).toBeGreaterThan(Date.now() + 3_500_000);
    expect(Object.keys(cookies.values)).toEqual(['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id']);
    for (const line of cookies.setCookies) expect(line).toMatch(/; Path=\/media\/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax$/);
    const policy = JSON.parse(Buffer.from((cookies.values['CloudFront-Policy'] ?? '').replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64').toString('utf8')) as { Statement: Array<{ Resource: string }> };
    expect(policy.Statement[0]?.Resource).toMatch(new RegExp(`^${stage.publicSiteUrl.replace(/\./g, '\\.')}/media/renditions/[^/*]+/\\*$`));

    for (const rendition of aliceView.renditions.filter((r) => r.format !== 'json')) {
      const response = await fetch(stage.localUrl(rendition.url), { headers: { cookie: cookies.cookie } });
      expect({ name: rendition.name, status: response.status }).toEqual({ name: rendition.name, status: 200 });
    }
    const theirs = await fetch(renditionUrl(bobView), { headers: { cookie: cookies.cookie } });
    expect(theirs.status).toBe(403);
    expect(await theirs.text()).toContain('<Code>AccessDenied</Code>');
    // Bob's own cookies open his.
    expect((await fetch(renditionUrl(bobView), { headers: { cookie: (await mediaCookies(bob)).cookie } })).status).toBe(200);
  });

  it('refuses a tampered signature', async () => {
    const { values } = await mediaCookies(alice);
    const signature = values['CloudFront-Signature'] ?? '';
    const tampered = `${signature.slice(0, 20)}${signature[20] === 'A' ? 'B' : 'A'}${signature.slice(21)}`;
    const cookie = `CloudFront-Policy=${values['CloudFront-Policy']}; CloudFront-Signature=${tampered}; CloudFront-Key-Pair-Id=${values['CloudFront-Key-Pair-Id']}`;
    const response = await fetch(renditionUrl(aliceView), { headers: { cookie } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('refuses a policy already expired, though signed with the stage\'s own key', async () => {
    const api = stage.spec.functions.find((f) => f.environment['MEDIA_SIGNING_SECRET_ARN'] !== undefined);
    const secretArn = api?.environment['MEDIA_SIGNING_SECRET_ARN'] ?? '';
    const keyId = api?.environment['MEDIA_SIGNING_KEY_ID'] ?? '';
    const privateKey = stage.spec.resolver.secret(secretArn)?.secretString ?? '';
    expect(privateKey).toContain('BEGIN PRIVATE KEY');
    const sign = (expiresAt: number): string => {
      const policy = JSON.stringify({ Statement: [{ Resource: `${stage.publicSiteUrl}/media/renditions/*`, Condition: { DateLessThan: { 'AWS:EpochTime': expiresAt } } }] });
      const signature = safe(createSign('RSA-SHA1').update(policy).sign(privateKey));
      return `CloudFront-Policy=${safe(Buffer.from(policy))}; CloudFront-Signature=${signature}; CloudFront-Key-Pair-Id=${keyId}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const expired = await fetch(renditionUrl(aliceView), { headers: { cookie: sign(now - 1) } });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>AccessDenied</Code>');
    // The control: the same key and resource, not yet expired, is served.
    expect((await fetch(renditionUrl(aliceView), { headers: { cookie: sign(now + 60) } })).status).toBe(200);
  });

  it('keeps the private key out of the template, the functions\' environments and the stage\'s events, with no call refused', async () => {
    expect(JSON.stringify(stage.spec.resolver.template)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(stage.spec.functions.map((f) => f.environment))).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(stage.events)).not.toContain('PRIVATE KEY');
    await stage.idle();
    const denied = stage.permissionsReport().flatMap((role) => role.denied.map((d) => `${role.roleName}: ${d.action} ${d.resource}`));
    expect(denied).toEqual([]);
    // The deploy-time handler is not run: the stage made the key itself.
    const handler = stage.spec.functions.find((f) => f.logicalId.startsWith('MediaSigningHandler'));
    expect(handler?.deployTime).toBe(true);
    expect(stage.lambda.names()).not.toContain(handler?.name);
  });
});
