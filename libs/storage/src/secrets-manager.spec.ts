import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { StorageError } from './errors.js';
import { readSecretString, writeSecretString } from './secrets-manager.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:MediaSigningKey-AbCdEf';

function clientAnswering(answer: () => Promise<unknown>): { client: Pick<SecretsManagerClient, 'send'>; sent: unknown[] } {
  const sent: unknown[] = [];
  const send = (async (command: unknown) => {
    sent.push(command);
    return answer();
  }) as unknown as SecretsManagerClient['send'];
  return { client: { send }, sent };
}

describe('readSecretString', () => {
  it('asks Secrets Manager for the secret by id and returns its string', async () => {
    const { client, sent } = clientAnswering(async () => ({ ARN, SecretString: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n' }));
    await expect(readSecretString({ secretId: ARN, region: 'us-east-1', client })).resolves.toContain('BEGIN PRIVATE KEY');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(GetSecretValueCommand);
    expect((sent[0] as GetSecretValueCommand).input).toEqual({ SecretId: ARN });
  });

  it('refuses a secret without a string value', async () => {
    for (const answer of [{ ARN }, { ARN, SecretString: '' }, { ARN, SecretBinary: new Uint8Array([1]) }]) {
      const { client } = clientAnswering(async () => answer);
      await expect(readSecretString({ secretId: ARN, region: 'us-east-1', client })).rejects.toThrow(StorageError);
    }
  });

  it('keeps the service’s refusal as the cause', async () => {
    const denied = Object.assign(new Error('not authorized to perform: secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' });
    const { client } = clientAnswering(async () => Promise.reject(denied));
    const failure = await readSecretString({ secretId: ARN, region: 'us-east-1', client }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as Error).cause).toBe(denied);
  });
});

describe('writeSecretString', () => {
  it('puts the value as the secret’s new current version', async () => {
    const { client, sent } = clientAnswering(async () => ({ ARN, VersionId: 'v2' }));
    await writeSecretString({ secretId: ARN, client }, 'pem');
    expect(sent[0]).toBeInstanceOf(PutSecretValueCommand);
    expect((sent[0] as PutSecretValueCommand).input).toEqual({ SecretId: ARN, SecretString: 'pem' });
  });

  it('keeps the service’s refusal as the cause, and not the value in the message', async () => {
    const denied = Object.assign(new Error('not authorized to perform: secretsmanager:PutSecretValue'), { name: 'AccessDeniedException' });
    const { client } = clientAnswering(async () => Promise.reject(denied));
    const failure = await writeSecretString({ secretId: ARN, client }, 'the-private-key').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as Error).cause).toBe(denied);
    expect((failure as Error).message).not.toContain('the-private-key');
  });
});
