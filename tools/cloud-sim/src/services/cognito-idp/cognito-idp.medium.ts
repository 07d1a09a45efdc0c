import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { CredentialRegistry, startGateway, type Gateway, type IssuedCredentials } from '../../gateway/index.js';
import { authorize } from '../../iam/index.js';
import { startIssuer, type Issuer } from '../../oidc/index.js';
import { alice, GALLERY_CALLBACK, signInWithPkce, userPoolSpec } from '../../oidc/testing.js';
import type { NamedPolicy } from '../../specs.js';
import { DEFAULT_ACCOUNT, type SimEvent } from '../../types.js';
import { createCognitoIdp } from './service.js';

/** A SHA-256 for the SDK's signer, from node:crypto (HMAC when given a secret). */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const secret = this.secret;
    return createHmac('sha256', typeof secret === 'string' ? secret : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

const pool = userPoolSpec();
const API_ROLE = 'arn:aws:iam::123456789012:role/Mediaflow-dev-ApiRole';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/Mediaflow-dev-ImageRole';
const bob = { username: 'bob', password: 'Battery-Staple-2!', sub: '5c9a1e2b-0000-4000-8000-000000000002', email: 'bob@example.com' };

/** The roles' identity policies as the template grants them: only the api role may delete users, of its pool only. */
const POLICIES: Record<string, NamedPolicy[]> = {
  [API_ROLE]: [{ name: 'ApiRoleDefaultPolicy', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cognito-idp:AdminDeleteUser', Resource: pool.arn }] } }],
  [OTHER_ROLE]: [{ name: 'ImageRoleDefaultPolicy', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::media/*' }] } }],
};

describe('AdminDeleteUser through the gateway, against the local issuer', () => {
  const events: SimEvent[] = [];
  const credentials = new CredentialRegistry();
  let issuer: Issuer;
  let gateway: Gateway;

  /** AdminDeleteUser as the api function sends it: JSON 1.1, SigV4 for `cognito-idp`. */
  async function adminDeleteUser(creds: IssuedCredentials, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
    const endpoint = new URL(gateway.url);
    const payload = JSON.stringify(body);
    const signed = await new SignatureV4({ service: 'cognito-idp', region: 'us-east-1', sha256: NodeSha256, credentials: creds }).sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path: '/',
      query: {},
      headers: { host: endpoint.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDeleteUser' },
      body: payload,
    });
    const response = await fetch(gateway.url, { method: 'POST', headers: Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')), body: payload });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const signIn = (user: { username: string; password: string }) =>
    signInWithPkce({ issuerUrl: issuer.url, clientId: 'gallery-client', redirectUri: GALLERY_CALLBACK, username: user.username, password: user.password });

  beforeEach(async () => {
    events.length = 0;
    issuer = await startIssuer({ pool, users: [alice, bob] });
    const cognito = createCognitoIdp({
      pool: (id) => (id === pool.id ? { id: pool.id, arn: pool.arn, deleteUser: (username) => issuer.deleteUser(username) !== undefined } : undefined),
      account: DEFAULT_ACCOUNT,
      log: (event) => void events.push(event),
    });
    gateway = await startGateway({
      credentials,
      services: { 'cognito-idp': cognito.handler },
      authorize: (principal, request) =>
        authorize({ principal, identityPolicies: principal.type === 'role' ? (POLICIES[principal.roleArn] ?? []) : [], request, account: DEFAULT_ACCOUNT }),
      log: (event) => void events.push(event),
    });
  });

  afterEach(async () => {
    await gateway.close();
    await issuer.close();
  });

  it('deletes the user named by their sub: they can no longer sign in or refresh, and the other user still can', async () => {
    const { refresh_token } = await signIn(alice);
    const answer = await adminDeleteUser(credentials.issue({ roleArn: API_ROLE, sessionName: 'api' }), { UserPoolId: pool.id, Username: alice.sub });
    expect(answer).toEqual({ status: 200, body: {} });

    await expect(signIn(alice)).rejects.toThrow('The sign-in was refused (401)');
    const refreshed = await fetch(`${issuer.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'gallery-client', refresh_token }).toString(),
    });
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
    await expect(signIn(bob)).resolves.toMatchObject({ access_token: expect.any(String) });
  });

  it('answers UserNotFoundException for a user the pool does not have, a deleted one included', async () => {
    const api = credentials.issue({ roleArn: API_ROLE, sessionName: 'api' });
    expect((await adminDeleteUser(api, { UserPoolId: pool.id, Username: alice.sub })).status).toBe(200);
    expect(await adminDeleteUser(api, { UserPoolId: pool.id, Username: alice.sub })).toEqual({ status: 400, body: { __type: 'UserNotFoundException', message: 'User does not exist.' } });
    expect(await adminDeleteUser(api, { UserPoolId: pool.id, Username: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ status: 400, body: { __type: 'UserNotFoundException' } });
    await expect(signIn(bob)).resolves.toMatchObject({ access_token: expect.any(String) });
  });

  it('is refused by IAM for a role without the grant, or for a pool the grant does not name, and the user stays', async () => {
    const other = await adminDeleteUser(credentials.issue({ roleArn: OTHER_ROLE, sessionName: 'image' }), { UserPoolId: pool.id, Username: alice.sub });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ __type: 'AccessDeniedException', message: expect.stringContaining(`not authorized to perform: cognito-idp:AdminDeleteUser on resource: ${pool.arn}`) });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'denied', detail: expect.objectContaining({ action: 'cognito-idp:AdminDeleteUser', resource: pool.arn }) }));

    const elsewhere = await adminDeleteUser(credentials.issue({ roleArn: API_ROLE, sessionName: 'api' }), { UserPoolId: 'us-east-1_Elsewhere', Username: alice.sub });
    expect(elsewhere.body).toMatchObject({ __type: 'AccessDeniedException', message: expect.stringContaining('userpool/us-east-1_Elsewhere') });

    await expect(signIn(alice)).resolves.toMatchObject({ access_token: expect.any(String) });
  });
});
