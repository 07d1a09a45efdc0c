// The API's execute-api endpoint answers only through the distribution: CloudFront adds the
// stage's origin secret to what it forwards to the API, and the api function refuses a request
// without it. The secret is generated when the stage comes up, as Secrets Manager generates it when
// CloudFormation creates the stack; the synthesized template holds only references to it.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stage } from '../stage/stage.js';
import { signIn, type StageUser } from './client.js';
import { ALICE, bringUp, devStack } from './stage-harness.js';

describe('the origin secret between CloudFront and the API', () => {
  const stack = devStack();
  const dataDir = mkdtempSync(join(tmpdir(), 'mf-origin-secret-'));
  let stage: Stage;
  let alice: StageUser;
  let secret: string;
  let apiFunction: string;

  /** A call straight to the HTTP API's endpoint, as anyone who knows its host name can make. */
  const direct = (path: string, headers: Record<string, string> = {}) => fetch(`${stage.apiUrl}${path}`, { headers });
  const apiInvocations = (): number => stage.lambda.pool(apiFunction)?.invocations ?? 0;

  beforeAll(async () => {
    stage = await bringUp(stack, { dataDir });
    alice = await signIn(stage, ALICE.username, ALICE.password);
    const api = stage.spec.functions.find((fn) => fn.environment['ORIGIN_VERIFY_SECRET'] !== undefined);
    if (api === undefined) throw new Error('no function of the stage has ORIGIN_VERIFY_SECRET');
    apiFunction = api.name;
    secret = api.environment['ORIGIN_VERIFY_SECRET'] ?? '';
  });

  afterAll(async () => {
    await stage?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resolves both references to one value the stage generated, and gives it to the API origin alone', () => {
    expect(secret).toMatch(/^[A-Za-z0-9]{48}$/);
    const origins = stage.spec.distributions.flatMap((distribution) => distribution.origins);
    const apiOrigin = origins.find((origin) => origin.domainName.includes('.execute-api.'));
    expect(apiOrigin?.customHeaders).toEqual({ 'x-origin-verify': secret });
    expect(origins.filter((origin) => origin !== apiOrigin).map((origin) => origin.customHeaders)).toEqual(origins.filter((origin) => origin !== apiOrigin).map(() => undefined));
  });

  it('serves an authenticated call through CloudFront', async () => {
    expect((await alice.api('GET', '/api/v1/media')).status).toBe(200);
    expect((await fetch(`${stage.siteUrl}/api/health`)).status).toBe(200);
  });

  it('refuses the same call straight to the HTTP API, with a valid token, 403 without echoing anything', async () => {
    const before = apiInvocations();
    const response = await direct('/api/v1/media', { authorization: `Bearer ${alice.token}` });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ status: 403, code: 'forbidden' });
    // The authorizer let the token through: the function was invoked, and refused.
    expect(apiInvocations()).toBe(before + 1);

    const forged = await direct('/api/v1/media', { authorization: `Bearer ${alice.token}`, 'x-origin-verify': 'forged-value-of-the-origin-secret' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).not.toContain('forged-value');
    // Routes without the authorizer reach the function and are refused there too.
    expect((await direct('/api/health')).status).toBe(403);
  });

  it('costs a direct caller without a token only the authorizer: the function is not invoked', async () => {
    const before = apiInvocations();
    expect((await direct('/api/v1/media')).status).toBe(401);
    expect(apiInvocations()).toBe(before);
  });

  it('serves a direct call that carries the secret (the header is the only difference)', async () => {
    expect((await direct('/api/v1/media', { authorization: `Bearer ${alice.token}`, 'x-origin-verify': secret })).status).toBe(200);
  });

  it('keeps the value out of the synthesized template, which holds only the dynamic references', () => {
    const text = readFileSync(join(stack.directory, `${stack.stackName}.template.json`), 'utf8');
    expect(text).not.toContain(secret);
    const references = text.match(/\{\{resolve:secretsmanager:/g) ?? [];
    expect(references).toHaveLength(2);
    // The other secret of the stage holds the media signing key, which a custom resource writes at deploy.
    const secrets = Object.entries(stack.template.Resources)
      .filter(([id, resource]) => resource.Type === 'AWS::SecretsManager::Secret' && !id.startsWith('MediaSigning'))
      .map(([, resource]) => resource);
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.Properties?.['SecretString']).toBeUndefined();
    expect(secrets[0]?.Properties?.['GenerateSecretString']).toMatchObject({ PasswordLength: 48, ExcludePunctuation: true });
  });

  it('logs the value nowhere: not in the functions\u2019 output, not in the stage\u2019s events', async () => {
    await stage.idle();
    const logs = join(dataDir, 'logs');
    const files = readdirSync(logs);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect([file, readFileSync(join(logs, file), 'utf8').includes(secret)]).toEqual([file, false]);
    expect(JSON.stringify(stage.events)).not.toContain(secret);
  });
});
