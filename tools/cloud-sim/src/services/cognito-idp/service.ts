/**
 * The Cognito user pools' admin API: `AdminDeleteUser` over JSON 1.1 (`x-amz-target:
 * AWSCognitoIdentityProviderService.AdminDeleteUser`, signing name `cognito-idp`), on the users of
 * the stage's local issuers (`oidc/`). IAM is asked for `cognito-idp:AdminDeleteUser` on the pool's
 * ARN. A deleted user can no longer sign in, and their codes and refresh tokens stop working; access
 * tokens already issued stay valid until they expire, as in Cognito.
 */
import type { Authorization, AwsRequest, AwsResponse, ServiceHandler, SimAccount, SimLog } from '../../types.js';
import { JsonServiceError, jsonErrorResponse, jsonResponse } from '../json-protocol.js';

/** A user pool of the stage, as the service reaches it. */
export interface CognitoUserPool {
  id: string;
  arn: string;
  /** Removes a user named by `sub`, username or email; false when the pool has no such user. */
  deleteUser(username: string): boolean;
}

export interface CognitoIdpOptions {
  /** The stage's pool with this id, or undefined. */
  pool(poolId: string): CognitoUserPool | undefined;
  /** Names the ARN IAM is asked about for a pool the stage does not have. */
  account: SimAccount;
  log: SimLog;
}

export interface CognitoIdp {
  handler: ServiceHandler;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService';

/** Cognito's pool ids: the region, an underscore and up to 50 word characters. */
const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
/** Cognito's `Username` pattern: 1 to 128 letters, marks, symbols, digits or punctuation. */
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/** A refusal Cognito answers itself. */
class CognitoError extends JsonServiceError {}

/** Cognito spells the message in lower case. */
const errorResponse = (error: CognitoError): AwsResponse => jsonErrorResponse(error, ['message']);

function operationOf(request: AwsRequest): string | undefined {
  const [prefix, name] = (request.headers['x-amz-target'] ?? '').split('.');
  return prefix === TARGET_PREFIX ? name : undefined;
}

interface AdminDeleteUser {
  poolId: string;
  username: string;
}

function parseAdminDeleteUser(request: AwsRequest): AdminDeleteUser {
  let body: unknown;
  try {
    body = JSON.parse(request.body.length === 0 ? '{}' : request.body.toString('utf8'));
  } catch {
    throw new CognitoError('SerializationException', 'The request body is not valid JSON.');
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { UserPoolId: poolId, Username: username } = fields;
  if (typeof poolId !== 'string' || poolId.length > 55 || !POOL_ID.test(poolId)) {
    throw new CognitoError('InvalidParameterException', "1 validation error detected: Value at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+");
  }
  if (typeof username !== 'string' || !USERNAME.test(username)) {
    throw new CognitoError('InvalidParameterException', "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length between 1 and 128 and must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
  }
  return { poolId, username };
}

/**
 * @example
 * const cognito = createCognitoIdp({ pool: (id) => pools.get(id), account, log });
 * startGateway({ services: { 'cognito-idp': cognito.handler }, ... });
 */
export function createCognitoIdp(options: CognitoIdpOptions): CognitoIdp {
  const { account } = options;
  const poolArn = (poolId: string): string =>
    options.pool(poolId)?.arn ?? `arn:${account.partition}:cognito-idp:${account.region}:${account.accountId}:userpool/${poolId}`;

  const handler: ServiceHandler = {
    authorizations(request): Authorization[] {
      if (operationOf(request) !== 'AdminDeleteUser') return [];
      let call: AdminDeleteUser;
      try {
        call = parseAdminDeleteUser(request);
      } catch {
        // A malformed call is refused by the service; there is no resource to ask IAM about.
        return [];
      }
      return [{ action: 'cognito-idp:AdminDeleteUser', resource: poolArn(call.poolId) }];
    },
    async handle(request) {
      try {
        const operation = operationOf(request);
        if (operation !== 'AdminDeleteUser') {
          throw new CognitoError('UnknownOperationException', `The simulator serves AdminDeleteUser only, not ${operation ?? 'this request'}.`);
        }
        const { poolId, username } = parseAdminDeleteUser(request);
        const pool = options.pool(poolId);
        if (pool === undefined) throw new CognitoError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
        if (!pool.deleteUser(username)) throw new CognitoError('UserNotFoundException', 'User does not exist.');
        options.log({ kind: 'info', source: 'cognito-idp', message: `AdminDeleteUser ${username} in ${poolId}` });
        return jsonResponse(200, {});
      } catch (error) {
        if (error instanceof CognitoError) return errorResponse(error);
        throw error;
      }
    },
    denied(_request, message) {
      return errorResponse(new CognitoError('AccessDeniedException', message));
    },
  };
  return { handler };
}
