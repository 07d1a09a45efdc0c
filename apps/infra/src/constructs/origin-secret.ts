import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ORIGIN_VERIFY_HEADER } from '@mediaflow/workers';
import { Construct } from 'constructs';

/**
 * Which origin secret the stages use: raising it by one and deploying rotates the secret of every
 * stage deployed after. CloudFormation generates a new value when `GenerateSecretString` changes,
 * and resolves a dynamic reference again only when the reference's text changes: the generation
 * is the JSON key in both, so one deploy replaces the value, CloudFront's header and the api
 * function's variable together. A value put into Secrets Manager by hand reaches neither.
 */
export const ORIGIN_SECRET_GENERATION = 1;

/** Long enough that guessing is hopeless, and only letters and digits, which any header carries as they are. */
const SECRET_LENGTH = 48;

export interface OriginSecretProps {
  /** The generation of the value (the JSON key it is kept under); {@link ORIGIN_SECRET_GENERATION} by default. */
  readonly generation?: number;
}

/**
 * The secret CloudFront adds to every request it forwards to the HTTP API (`x-origin-verify`) and
 * the api function asks of every request, so that the API's execute-api endpoint answers only
 * through the distribution and its web ACL. Secrets Manager generates it when the stack is
 * created: neither the repository nor the template holds it, only dynamic references that
 * CloudFormation resolves on deploy ({@link value}).
 *
 * @example
 * const originSecret = new OriginSecret(this, 'ApiOriginSecret');
 * // the distribution's /api/* origin sends originSecret.headerName: originSecret.value,
 * // the api function gets ORIGIN_VERIFY_SECRET: originSecret.value
 */
export class OriginSecret extends Construct {
  readonly secret: Secret;
  /** The header CloudFront sends the value in. */
  readonly headerName: string = ORIGIN_VERIFY_HEADER;
  /**
   * The value as a dynamic reference, `{{resolve:secretsmanager:<arn>:SecretString:v<generation>::}}`:
   * CloudFormation puts the value in where it is used, when it creates or updates that resource.
   */
  readonly value: string;

  constructor(scope: Construct, id: string, props: OriginSecretProps = {}) {
    super(scope, id);
    const generation = props.generation ?? ORIGIN_SECRET_GENERATION;
    if (!Number.isSafeInteger(generation) || generation < 1) throw new Error(`the origin secret's generation must be a positive integer, not ${generation}`);
    const key = `v${generation}`;
    this.secret = new Secret(this, 'Default', {
      description: 'Mediaflow: what CloudFront sends the API in x-origin-verify; the api function refuses requests without it',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: key, passwordLength: SECRET_LENGTH, excludePunctuation: true, includeSpace: false },
      // Nothing depends on a value once the stack is gone; a new stack generates its own.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.value = this.secret.secretValueFromJson(key).unsafeUnwrap();
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotation in Secrets Manager would reach nothing: CloudFormation writes the value into the distribution\u2019s origin header and the api function\u2019s environment on deploy and reads it again only when the reference changes. It is rotated by raising ORIGIN_SECRET_GENERATION and deploying, which replaces the value and both references at once. It only proves a request came through CloudFront; every /api/v1 route still needs a Cognito token.',
    });
  }
}
