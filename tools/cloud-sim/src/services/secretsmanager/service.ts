/**
 * The Secrets Manager stand-in: `GetSecretValue` over JSON 1.1 (`x-amz-target:
 * secretsmanager.GetSecretValue`), for the secrets of the template with the values the stage gave
 * them when it came up (`template/secrets.ts`, `template/signing-keys.ts`). IAM is asked for
 * `secretsmanager:GetSecretValue` on the secret's ARN; only the current version exists.
 */
import type { Authorization, AwsRequest, AwsResponse, ServiceHandler, SimLog } from '../../types.js';
import { JsonServiceError, jsonErrorResponse, jsonResponse } from '../json-protocol.js';

/** A secret of the stage, found by its ARN, its ARN without the random suffix, or its name. */
export interface StageSecret {
  arn: string;
  name: string;
  secretString: string;
}

export interface SecretsManagerOptions {
  secret(secretId: string): StageSecret | undefined;
  log: SimLog;
  /** When the current version was made; the stage's start by default. */
  createdAt?: Date;
}

export interface SecretsManager {
  handler: ServiceHandler;
}

/** A refusal Secrets Manager answers itself. */
class SecretsManagerError extends JsonServiceError {}

/** Secrets Manager spells the message both ways. */
const errorResponse = (error: SecretsManagerError): AwsResponse => jsonErrorResponse(error, ['Message', 'message']);
const respond = jsonResponse;

function operationOf(request: AwsRequest): string | undefined {
  const [prefix, name] = (request.headers['x-amz-target'] ?? '').split('.');
  return prefix === 'secretsmanager' ? name : undefined;
}

function secretIdOf(request: AwsRequest): string {
  let body: unknown;
  try {
    body = JSON.parse(request.body.length === 0 ? '{}' : request.body.toString('utf8'));
  } catch {
    throw new SecretsManagerError('SerializationException', 'The request body is not valid JSON');
  }
  const id = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['SecretId'] : undefined;
  if (typeof id !== 'string' || id === '' || id.length > 2048) throw new SecretsManagerError('InvalidParameterException', 'You must provide a SecretId of 1 to 2048 characters.');
  const { VersionId: versionId, VersionStage: versionStage } = body as Record<string, unknown>;
  if (versionId !== undefined || (versionStage !== undefined && versionStage !== 'AWSCURRENT')) {
    throw new SecretsManagerError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for the version requested (the simulated stage keeps only AWSCURRENT).");
  }
  return id;
}

/** The version id of a value: the same value, the same id, as Secrets Manager keeps one per version. */
function versionIdOf(secret: StageSecret): string {
  let hash = 0;
  for (const character of `${secret.arn}\u0000${secret.secretString}`) hash = (Math.imul(hash, 31) + character.charCodeAt(0)) >>> 0;
  const hex = hash.toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`;
}

export function createSecretsManager(options: SecretsManagerOptions): SecretsManager {
  const createdAt = (options.createdAt ?? new Date()).getTime() / 1000;

  const handler: ServiceHandler = {
    authorizations(request): Authorization[] {
      if (operationOf(request) !== 'GetSecretValue') return [];
      let id: string;
      try {
        id = secretIdOf(request);
      } catch {
        return [];
      }
      // IAM decides on the secret's full ARN; an id the stage does not know is asked for as sent.
      return [{ action: 'secretsmanager:GetSecretValue', resource: options.secret(id)?.arn ?? id }];
    },
    async handle(request) {
      try {
        const operation = operationOf(request);
        if (operation !== 'GetSecretValue') {
          throw new SecretsManagerError('UnknownOperationException', `The simulator serves GetSecretValue only, not ${operation ?? 'this request'}.`);
        }
        const id = secretIdOf(request);
        const secret = options.secret(id);
        if (secret === undefined) throw new SecretsManagerError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        // The value itself is never logged.
        options.log({ kind: 'info', source: 'secretsmanager', message: `GetSecretValue ${secret.name}` });
        return respond(200, {
          ARN: secret.arn,
          Name: secret.name,
          SecretString: secret.secretString,
          VersionId: versionIdOf(secret),
          VersionStages: ['AWSCURRENT'],
          CreatedDate: createdAt,
        });
      } catch (error) {
        if (error instanceof SecretsManagerError) return errorResponse(error);
        throw error;
      }
    },
    denied(_request, message) {
      return errorResponse(new SecretsManagerError('AccessDeniedException', message));
    },
  };
  return { handler };
}
