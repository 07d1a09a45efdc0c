/**
 * `@mediaflow/storage/secrets-manager`: one secret's value in AWS Secrets Manager, read by a
 * function that needs key material at run time (the CloudFront signing key) and written by the
 * deploy step that makes it. Values are passed through, never logged; readers keep what they read
 * for the container's life rather than ask per request.
 */
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_RETRY } from './aws-credentials.js';
import { StorageError } from './errors.js';

export interface SecretsManagerSecretConfig {
  /** The secret's ARN (or name). */
  readonly secretId: string;
  /** The client's region; the SDK's (`AWS_REGION`) when omitted. */
  readonly region?: string;
  /** A client of one's own (tests, another endpoint); one with the adapters' retries otherwise. */
  readonly client?: Pick<SecretsManagerClient, 'send'>;
}

/**
 * The current `SecretString` of one secret.
 *
 * @throws StorageError when the secret holds no string (a binary secret, or none yet); the SDK's
 *   own error (access denied, not found, throttled past the retries) otherwise, as its cause.
 * @example
 * const pem = await readSecretString({ secretId: config.MEDIA_SIGNING_SECRET_ARN, region: config.AWS_REGION });
 */
export async function readSecretString(config: SecretsManagerSecretConfig): Promise<string> {
  const client = clientOf(config);
  let answer;
  try {
    answer = await client.send(new GetSecretValueCommand({ SecretId: config.secretId }));
  } catch (cause) {
    throw new StorageError(`could not read the secret ${config.secretId}`, { cause });
  }
  const value = answer.SecretString;
  if (value === undefined || value === '') throw new StorageError(`the secret ${config.secretId} holds no string value`);
  return value;
}

/**
 * Makes `value` the secret's current version (Secrets Manager keeps the one before as AWSPREVIOUS).
 *
 * @throws StorageError with the SDK's error as its cause.
 */
export async function writeSecretString(config: SecretsManagerSecretConfig, value: string): Promise<void> {
  try {
    await clientOf(config).send(new PutSecretValueCommand({ SecretId: config.secretId, SecretString: value }));
  } catch (cause) {
    throw new StorageError(`could not write the secret ${config.secretId}`, { cause });
  }
}

function clientOf(config: SecretsManagerSecretConfig): Pick<SecretsManagerClient, 'send'> {
  return config.client ?? new SecretsManagerClient({ ...AWS_RETRY, ...(config.region === undefined ? {} : { region: config.region }) });
}
