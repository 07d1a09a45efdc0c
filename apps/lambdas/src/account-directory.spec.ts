import { rejection } from '@mediaflow/domain/testing';
import { DynamoMediaRepository } from '@mediaflow/storage/dynamodb';
import { AccountDirectoryError, accountDirectoryFor, CognitoAccountDirectory } from './account-directory.js';
import { loadConfig } from './config.js';
import { accountDeletion } from './functions/api.js';
import { GOOD_ENV } from './test-support.js';

const POOL = 'eu-west-1_AbC123xyz';
const CREDENTIALS = { accessKeyId: 'ASIAEXAMPLEEXAMPLE22', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
const OWNER = '3f1c2a9e-0d4b-4c4e-9a51-7e2f8b6d1c20';

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A fetch that records the request and answers as Cognito does (an empty 200), or as `answer` says. */
function cognito(answer: () => Response = () => Response.json({})) {
  const sent: Sent[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(input), headers: init?.headers as Record<string, string>, body: JSON.parse(String(init?.body)) as Record<string, unknown> });
    return answer();
  }) as typeof globalThis.fetch;
  return { sent, fetch };
}

const directory = (fetch: typeof globalThis.fetch, endpoint?: string) =>
  new CognitoAccountDirectory({ userPoolId: POOL, region: 'eu-west-1', credentials: async () => CREDENTIALS, fetch, ...(endpoint === undefined ? {} : { endpoint }) });

const refusal = (type: string, status = 400) => () => new Response(JSON.stringify({ __type: type, message: 'refused' }), { status, headers: { 'content-type': 'application/x-amz-json-1.1' } });

describe('CognitoAccountDirectory', () => {
  it('deletes the user by their sub with one AdminDeleteUser, signed for cognito-idp in the region', async () => {
    const { sent, fetch } = cognito();
    await directory(fetch).deleteUser(OWNER);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.url).toBe('https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(request?.body).toEqual({ UserPoolId: POOL, Username: OWNER });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDeleteUser',
      'x-amz-security-token': 'session-token',
    });
    expect(request?.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEEXAMPLE22\/\d{8}\/eu-west-1\/cognito-idp\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
  });

  it('counts a user already deleted as done: a deletion made again after a failure ends the same', async () => {
    const { fetch } = cognito(refusal('UserNotFoundException'));
    await expect(directory(fetch).deleteUser(OWNER)).resolves.toBeUndefined();
  });

  it('fails with Cognito\u2019s reason when it refuses (the client calls again), and on a network error', async () => {
    const denied = await rejection(directory(cognito(refusal('AccessDeniedException')).fetch).deleteUser(OWNER));
    expect(denied).toBeInstanceOf(AccountDirectoryError);
    expect(denied).toMatchObject({ status: 400, errorCode: 'AccessDeniedException' });
    const unreachable = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    expect(await rejection(directory(unreachable).deleteUser(OWNER))).toMatchObject({ errorCode: 'NetworkError' });
  });

  it('refuses what is not an owner id before sending anything', async () => {
    const { sent, fetch } = cognito();
    expect(await rejection(directory(fetch).deleteUser('a#b'))).toBeInstanceOf(AccountDirectoryError);
    expect(sent).toEqual([]);
  });

  it('is made from USER_POOL_ID (none without it), at the endpoint override when one is set', async () => {
    expect(accountDirectoryFor(loadConfig(GOOD_ENV))).toBeUndefined();
    expect(() => loadConfig({ ...GOOD_ENV, USER_POOL_ID: 'not a pool' })).toThrow(/USER_POOL_ID/);
    const config = loadConfig({ ...GOOD_ENV, USER_POOL_ID: POOL, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' });
    expect(accountDirectoryFor(config, async () => CREDENTIALS)).toBeInstanceOf(CognitoAccountDirectory);
    const { sent, fetch } = cognito();
    await directory(fetch, 'http://127.0.0.1:4566').deleteUser(OWNER);
    expect(sent[0]?.url).toBe('http://127.0.0.1:4566/');
  });

  it('gives the api function account deletion on the media table itself only where the user pool is named', () => {
    expect(accountDeletion(loadConfig(GOOD_ENV))).toBeUndefined();
    const account = accountDeletion(loadConfig({ ...GOOD_ENV, USER_POOL_ID: POOL }));
    expect(account?.records).toBeInstanceOf(DynamoMediaRepository);
    expect(account?.directory).toBeInstanceOf(CognitoAccountDirectory);
  });
});
