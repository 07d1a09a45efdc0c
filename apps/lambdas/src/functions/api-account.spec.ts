import { renditionKey } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { loadConfig } from '../config.js';
import { GOOD_ENV, lambdaContext, memoryRuntime } from '../test-support.js';
import { accountDeletion, createApiHandler, lambdaTimeLeftMs } from './api.js';

// `DELETE /api/v1/me` in the api function: each round within the time the invocation has left.

function deleteMe(sub: string): APIGatewayProxyEventV2WithJWTAuthorizer {
  const body = JSON.stringify({ confirm: 'delete my account' });
  return {
    version: '2.0',
    routeKey: 'DELETE /api/{proxy+}',
    rawPath: '/api/v1/me',
    rawQueryString: '',
    headers: { host: 'api.example.com', authorization: 'Bearer eyJraWQiOiJ0ZXN0In0.e30.c2ln', 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'DELETE', path: '/api/v1/me', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'jest' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'DELETE /api/{proxy+}',
      stage: '$default',
      time: '01/Jun/2026:00:00:00 +0000',
      timeEpoch: 1780272000000,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: { sub }, scopes: [] } },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

describe('account deletion in the api function', () => {
  it('reads the time left from the Lambda context, and nothing elsewhere', () => {
    expect(lambdaTimeLeftMs({ lambdaContext: { getRemainingTimeInMillis: () => 7_000 } })).toBe(7_000);
    expect(lambdaTimeLeftMs({})).toBeUndefined();
    expect(lambdaTimeLeftMs(undefined)).toBeUndefined();
    const account = accountDeletion(loadConfig({ ...GOOD_ENV, USER_POOL_ID: 'eu-west-1_AbC123xyz' }), { deleteUser: async () => undefined });
    expect(account?.timeLeftMs).toBe(lambdaTimeLeftMs);
  });

  it('answers 202 without calling Cognito when the invocation has too little time left, and 200 on the next call', async () => {
    const { runtime, deps } = memoryRuntime('api');
    const id = deps.ids.next();
    const thumb = { name: 'thumb', format: 'webp' as const, key: renditionKey('alice', id, 'thumb', 'webp'), contentType: 'image/webp', bytes: 4, width: 8, height: 8 };
    await deps.repo.create(makeMediaItem({ id, ownerId: 'alice', status: 'ready', renditions: [thumb] }));
    const deleted: string[] = [];
    const handler = createApiHandler(runtime, undefined, undefined, undefined, { records: deps.repo, directory: { deleteUser: async (ownerId) => void deleted.push(ownerId) }, timeLeftMs: lambdaTimeLeftMs });
    const withLeft = (ms: number) => ({ ...lambdaContext('api'), getRemainingTimeInMillis: () => ms });

    const short = (await handler(deleteMe('alice'), withLeft(5_000))) as APIGatewayProxyStructuredResultV2;
    expect(short.statusCode).toBe(202);
    expect(JSON.parse(short.body ?? '{}')).toEqual({ done: false, removed: { items: 1, albums: 0, shares: 0, objects: 0 } });
    expect(deleted).toEqual([]);

    const done = (await handler(deleteMe('alice'), withLeft(14_000))) as APIGatewayProxyStructuredResultV2;
    expect(done.statusCode).toBe(200);
    expect(deleted).toEqual(['alice']);
  });
});
