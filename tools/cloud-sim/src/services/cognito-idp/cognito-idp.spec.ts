import { DEFAULT_ACCOUNT, type AwsRequest, type SimEvent } from '../../types.js';
import { createCognitoIdp, type CognitoUserPool } from './service.js';

const POOL_ID = 'us-east-1_AbCdEf123';
const POOL_ARN = `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${POOL_ID}`;
const SUB = '5c9a1e2b-0000-4000-8000-000000000001';

function request(body: unknown, target = 'AWSCognitoIdentityProviderService.AdminDeleteUser'): AwsRequest {
  return {
    service: 'cognito-idp',
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    principal: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/api', sessionName: 'api', accessKeyId: 'AKIA' },
  };
}

function service() {
  const events: SimEvent[] = [];
  const users = new Set([SUB]);
  const pool: CognitoUserPool = { id: POOL_ID, arn: POOL_ARN, deleteUser: (username) => users.delete(username) };
  const cognito = createCognitoIdp({ pool: (id) => (id === POOL_ID ? pool : undefined), account: DEFAULT_ACCOUNT, log: (event) => void events.push(event) });
  return { handler: cognito.handler, users, events };
}

const json = (body: unknown): Record<string, unknown> => JSON.parse(String(body)) as Record<string, unknown>;

describe('the Cognito admin API stand-in', () => {
  it('asks IAM for AdminDeleteUser on the pool’s ARN, also for a pool the stage does not have', async () => {
    const { handler } = service();
    expect(await handler.authorizations(request({ UserPoolId: POOL_ID, Username: SUB }))).toEqual([{ action: 'cognito-idp:AdminDeleteUser', resource: POOL_ARN }]);
    expect(await handler.authorizations(request({ UserPoolId: 'us-east-1_Other', Username: SUB }))).toEqual([
      { action: 'cognito-idp:AdminDeleteUser', resource: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Other' },
    ]);
    expect(await handler.authorizations(request({ UserPoolId: POOL_ID }))).toEqual([]);
  });

  it('deletes the user named by their sub and answers an empty JSON 1.1 body', async () => {
    const { handler, users, events } = service();
    const response = await handler.handle(request({ UserPoolId: POOL_ID, Username: SUB }));
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ 'content-type': 'application/x-amz-json-1.1' });
    expect(json(response.body)).toEqual({});
    expect(users.has(SUB)).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ source: 'cognito-idp', message: `AdminDeleteUser ${SUB} in ${POOL_ID}` }));
  });

  it('answers UserNotFoundException for a user the pool does not have, a second deletion included', async () => {
    const { handler } = service();
    expect((await handler.handle(request({ UserPoolId: POOL_ID, Username: SUB }))).status).toBe(200);
    const again = await handler.handle(request({ UserPoolId: POOL_ID, Username: SUB }));
    expect(again.status).toBe(400);
    expect(json(again.body)).toEqual({ __type: 'UserNotFoundException', message: 'User does not exist.' });
  });

  it('answers ResourceNotFoundException for another pool, and refuses malformed calls and other operations', async () => {
    const { handler, users } = service();
    const otherPool = await handler.handle(request({ UserPoolId: 'us-east-1_Other', Username: SUB }));
    expect(otherPool.status).toBe(400);
    expect(json(otherPool.body)).toMatchObject({ __type: 'ResourceNotFoundException' });
    expect(json((await handler.handle(request('{not json'))).body)).toMatchObject({ __type: 'SerializationException' });
    expect(json((await handler.handle(request({ UserPoolId: 'no pool', Username: SUB }))).body)).toMatchObject({ __type: 'InvalidParameterException' });
    expect(json((await handler.handle(request({ UserPoolId: POOL_ID, Username: '' }))).body)).toMatchObject({ __type: 'InvalidParameterException' });
    expect(json((await handler.handle(request({ UserPoolId: POOL_ID, Username: 'x'.repeat(129) }))).body)).toMatchObject({ __type: 'InvalidParameterException' });
    expect(json((await handler.handle(request({ UserPoolId: POOL_ID, Username: SUB }, 'AWSCognitoIdentityProviderService.AdminDisableUser'))).body)).toMatchObject({
      __type: 'UnknownOperationException',
    });
    expect(users.has(SUB)).toBe(true);
  });

  it('spells an IAM refusal as AccessDeniedException', () => {
    const { handler } = service();
    const denied = handler.denied(request({ UserPoolId: POOL_ID, Username: SUB }), 'not authorized');
    expect(denied.status).toBe(400);
    expect(json(denied.body)).toEqual({ __type: 'AccessDeniedException', message: 'not authorized' });
  });
});
