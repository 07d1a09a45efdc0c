import type { AwsRequest, SimEvent } from '../../types.js';
import { createSecretsManager, type StageSecret } from './service.js';

const SECRET: StageSecret = {
  arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:MediaSigningKey-AbCdEf',
  name: 'MediaSigningKey',
  secretString: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
};

function request(body: unknown, target = 'secretsmanager.GetSecretValue'): AwsRequest {
  return {
    service: 'secretsmanager',
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(JSON.stringify(body)),
    principal: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/api', sessionName: 'api', accessKeyId: 'AKIA' },
  };
}

function service() {
  const events: SimEvent[] = [];
  const secrets = createSecretsManager({ secret: (id) => (id === SECRET.arn || id === SECRET.name ? SECRET : undefined), log: (event) => void events.push(event), createdAt: new Date(0) });
  return { handler: secrets.handler, events };
}

const json = (body: unknown): Record<string, unknown> => JSON.parse(String(body)) as Record<string, unknown>;

describe('the Secrets Manager stand-in', () => {
  it('asks IAM for GetSecretValue on the secret’s full ARN, by ARN or by name', async () => {
    const { handler } = service();
    expect(await handler.authorizations(request({ SecretId: SECRET.arn }))).toEqual([{ action: 'secretsmanager:GetSecretValue', resource: SECRET.arn }]);
    expect(await handler.authorizations(request({ SecretId: 'MediaSigningKey' }))).toEqual([{ action: 'secretsmanager:GetSecretValue', resource: SECRET.arn }]);
  });

  it('answers the current value, and logs the call but never the value', async () => {
    const { handler, events } = service();
    const response = await handler.handle(request({ SecretId: SECRET.arn }));
    expect(response.status).toBe(200);
    expect(json(response.body)).toMatchObject({ ARN: SECRET.arn, Name: 'MediaSigningKey', SecretString: SECRET.secretString, VersionStages: ['AWSCURRENT'], CreatedDate: 0 });
    expect(JSON.stringify(events)).not.toContain('PRIVATE KEY');
  });

  it('answers ResourceNotFoundException for an unknown secret or an older version, and AccessDeniedException when refused', async () => {
    const { handler } = service();
    expect(json((await handler.handle(request({ SecretId: 'nothing' }))).body)).toMatchObject({ __type: 'ResourceNotFoundException' });
    expect(json((await handler.handle(request({ SecretId: SECRET.arn, VersionStage: 'AWSPREVIOUS' }))).body)).toMatchObject({ __type: 'ResourceNotFoundException' });
    expect(json((await handler.handle(request({}))).body)).toMatchObject({ __type: 'InvalidParameterException' });
    expect(json((await handler.handle(request({ SecretId: SECRET.arn }, 'secretsmanager.PutSecretValue'))).body)).toMatchObject({ __type: 'UnknownOperationException' });
    const denied = handler.denied(request({ SecretId: SECRET.arn }), 'not authorized');
    expect(denied.status).toBe(400);
    expect(json(denied.body)).toMatchObject({ __type: 'AccessDeniedException', Message: 'not authorized' });
  });
});
