import { createPublicKey, createSign, createVerify } from 'node:crypto';
import { createSigningKeyHandler, rsaKeyPair, type CustomResourceEvent, type CustomResourceResponse } from './media-signing-key.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:MediaSigningKey-AbCdEf';

function event(over: Partial<CustomResourceEvent> = {}): CustomResourceEvent {
  return {
    RequestType: 'Create',
    ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/answer',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Mediaflow-dev/1',
    RequestId: 'r-1',
    LogicalResourceId: 'MediaSigningKey',
    ResourceProperties: { SecretArn: SECRET_ARN, Generation: '1' },
    ...over,
  };
}

function setup(putSecret: (arn: string, value: string) => Promise<void> = async () => undefined) {
  const secrets: Array<[string, string]> = [];
  const answers: CustomResourceResponse[] = [];
  const lines: string[] = [];
  const handler = createSigningKeyHandler({
    putSecret: async (arn, value) => {
      secrets.push([arn, value]);
      await putSecret(arn, value);
    },
    respond: async (_url, response) => void answers.push(response),
    log: (line) => void lines.push(JSON.stringify(line)),
  });
  return { handler, secrets, answers, lines };
}

describe('rsaKeyPair', () => {
  it('makes an RSA-2048 pair in PEM whose halves belong together', () => {
    const { publicKeyPem, privateKeyPem } = rsaKeyPair();
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPublicKey(publicKeyPem).asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 });
    const signature = createSign('RSA-SHA1').update('policy').sign(privateKeyPem);
    expect(createVerify('RSA-SHA1').update('policy').verify(publicKeyPem, signature)).toBe(true);
  });
});

describe('the media signing key custom resource', () => {
  it('on Create, puts a private key into the secret and answers the matching public key', async () => {
    const { handler, secrets, answers } = setup();
    await handler(event());
    expect(secrets).toHaveLength(1);
    const [arn, privateKeyPem] = secrets[0] ?? ['', ''];
    expect(arn).toBe(SECRET_ARN);
    expect(answers).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'media-signing-key-v1', RequestId: 'r-1', LogicalResourceId: 'MediaSigningKey' })]);
    const publicKeyPem = answers[0]?.Data?.PublicKeyPem ?? '';
    const signature = createSign('RSA-SHA1').update('x').sign(privateKeyPem);
    expect(createVerify('RSA-SHA1').update('x').verify(publicKeyPem, signature)).toBe(true);
  });

  it('on Update (a raised generation), makes a new key under a new physical id', async () => {
    const { handler, secrets, answers } = setup();
    await handler(event());
    await handler(event({ RequestType: 'Update', PhysicalResourceId: 'media-signing-key-v1', ResourceProperties: { SecretArn: SECRET_ARN, Generation: 2 } }));
    expect(answers.map((answer) => answer.PhysicalResourceId)).toEqual(['media-signing-key-v1', 'media-signing-key-v2']);
    expect(secrets[0]?.[1]).not.toBe(secrets[1]?.[1]);
    expect(answers[0]?.Data?.PublicKeyPem).not.toBe(answers[1]?.Data?.PublicKeyPem);
  });

  it('on Delete, touches nothing and keeps the physical id', async () => {
    const { handler, secrets, answers } = setup();
    await handler(event({ RequestType: 'Delete', PhysicalResourceId: 'media-signing-key-v1' }));
    expect(secrets).toEqual([]);
    expect(answers).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'media-signing-key-v1' })]);
  });

  it('answers FAILED with the reason when the secret cannot be written or the properties are wrong, and never logs the key', async () => {
    const { handler, answers, lines, secrets } = setup(async () => Promise.reject(new Error('AccessDeniedException: not authorized')));
    await handler(event());
    await handler(event({ ResourceProperties: { SecretArn: 'not-an-arn', Generation: 1 } }));
    await handler(event({ ResourceProperties: { SecretArn: SECRET_ARN, Generation: 0 } }));
    expect(answers.map((answer) => [answer.Status, answer.Reason])).toEqual([
      ['FAILED', 'AccessDeniedException: not authorized'],
      ['FAILED', 'SecretArn must be the ARN of a Secrets Manager secret'],
      ['FAILED', 'Generation must be a positive integer'],
    ]);
    expect(lines.join('\n')).not.toContain('PRIVATE KEY');
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(secrets[0]?.[1] ?? 'PRIVATE KEY');
  });
});
