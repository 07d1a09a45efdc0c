import { OwnerIdSchema, type AccountDirectory } from '@mediaflow/domain';
import { AwsCallError, AwsJsonCaller, refusalMessage, sdkCredentials, type AwsJsonAnswer, type AwsServiceOptions, type SigningCredentials } from './aws-json.js';
import type { LambdaEnv } from './config.js';

/** Cognito's endpoint defaults to `https://cognito-idp.<region>.amazonaws.com`. */
export interface CognitoAccountDirectoryOptions extends AwsServiceOptions {
  /** The stage's user pool (`USER_POOL_ID`). */
  userPoolId: string;
}

/** Cognito's answer to a call it refused or could not take: its error code and message. */
export class AccountDirectoryError extends AwsCallError {}

const JSON_1_1 = 'application/x-amz-json-1.1';

/**
 * The cloud's {@link AccountDirectory}: Cognito's `AdminDeleteUser` of the caller in the stage's user
 * pool, once their data is gone, so they can no longer sign in (tokens already issued lapse within
 * their hour; the API keeps nothing of the account to show them meanwhile). The owner id is the
 * token's `sub`, which Cognito accepts as the user name in its admin calls. A user already deleted
 * counts as done. It speaks the AWS JSON 1.1 protocol the SDK's Cognito client speaks, signed with
 * SigV4 (`@smithy/signature-v4`), as `SqsArchiveJobQueue` does: the workspace carries no
 * `@aws-sdk/client-cognito-identity-provider`, and one operation did not justify it.
 *
 * @example
 * const directory = new CognitoAccountDirectory({ userPoolId: env.USER_POOL_ID, region: env.AWS_REGION, credentials });
 * await directory.deleteUser(ownerId);
 */
export class CognitoAccountDirectory implements AccountDirectory {
  private readonly cognito: AwsJsonCaller;

  constructor(private readonly options: CognitoAccountDirectoryOptions) {
    this.cognito = new AwsJsonCaller({
      service: 'cognito-idp',
      region: options.region,
      endpoint: options.endpoint ?? `https://cognito-idp.${options.region}.amazonaws.com/`,
      contentType: JSON_1_1,
      credentials: options.credentials,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
    });
  }

  async deleteUser(ownerId: string): Promise<void> {
    if (!OwnerIdSchema.safeParse(ownerId).success) throw new AccountDirectoryError('not an owner id', 0, 'InvalidParameter');
    const body = JSON.stringify({ UserPoolId: this.options.userPoolId, Username: ownerId });
    let answer: AwsJsonAnswer;
    try {
      answer = await this.cognito.call('AWSCognitoIdentityProviderService.AdminDeleteUser', body);
    } catch (error) {
      throw new AccountDirectoryError(`Cognito could not be reached: ${error instanceof Error ? error.message : String(error)}`, 0, 'NetworkError', { cause: error });
    }
    // Deleted already (a call that failed after Cognito took it, then made again): what was asked.
    if (answer.ok || answer.errorCode === 'UserNotFoundException') return;
    throw new AccountDirectoryError(`Cognito refused to delete the user (${answer.status} ${answer.errorCode}): ${refusalMessage(answer)}`, answer.status, answer.errorCode);
  }
}

/**
 * The user pool the api function deletes users of, when `USER_POOL_ID` names it (the stack sets
 * it); none without (then the API offers no account deletion). Cognito is reached at the SDK's
 * endpoint override when one is set (an emulator), as the SDK would.
 */
export function accountDirectoryFor(config: LambdaEnv, credentials: () => Promise<SigningCredentials> = sdkCredentials(config)): CognitoAccountDirectory | undefined {
  if (config.USER_POOL_ID === undefined) return undefined;
  return new CognitoAccountDirectory({ userPoolId: config.USER_POOL_ID, region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL, credentials });
}
