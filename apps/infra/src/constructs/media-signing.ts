import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { KeyGroup, PublicKey } from 'aws-cdk-lib/aws-cloudfront';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, type Code } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FUNCTION_RUNTIME } from './media-function.js';

/**
 * Which signing key the stages use: raising it by one and deploying rotates the key of every stage
 * deployed after. The secret, the custom resource and the public key carry the generation in their
 * logical ids, so a new generation is a new set of them (a Create, never an Update: CloudFront
 * cannot change a public key's encoded key, and a rolled-back deploy leaves the old set exactly
 * as it was), the key group trusts the new public key in place of the old one, and the api
 * function gets the new key id and secret, so its new containers read the new private key. The
 * old set is deleted once the deploy succeeds; cookies signed with the old key stop working.
 */
export const MEDIA_SIGNING_KEY_GENERATION = 1;

/** The bundle `apps/lambdas/build.mjs` writes for the deploy-time handler (`src/deploy/media-signing-key.ts`). */
export const MEDIA_SIGNING_HANDLER = 'media-signing-key';

/** The custom resource's type, as the template (and the simulator) names it. */
export const MEDIA_SIGNING_KEY_RESOURCE_TYPE = 'Custom::MediaSigningKey';

export interface MediaSigningProps {
  /** The handler's bundle (`assets.functionCode(MEDIA_SIGNING_HANDLER)`). */
  readonly handlerCode: Code;
  /** The key's generation; {@link MEDIA_SIGNING_KEY_GENERATION} by default. */
  readonly generation?: number;
}

/**
 * The key CloudFront checks signed cookies on `/media/*` with. At deploy, a custom resource whose
 * handler generates an RSA-2048 key pair writes the private key (PEM) into a secret of the stack and
 * answers the public key, from which the stack makes an `AWS::CloudFront::PublicKey` and a key group
 * for the distribution to trust. Neither the repository nor the template holds the private key.
 *
 * @example
 * const signing = new MediaSigning(this, 'MediaSigning', { handlerCode: assets.functionCode(MEDIA_SIGNING_HANDLER) });
 * // the /media/* behaviour trusts signing.keyGroup; the api function gets MEDIA_SIGNING_KEY_ID: signing.keyId,
 * // MEDIA_SIGNING_SECRET_ARN: signing.secret.secretArn, and secretsmanager:GetSecretValue on that secret
 */
export class MediaSigning extends Construct {
  /** Holds the private key (PEM) once the custom resource has run. */
  readonly secret: Secret;
  readonly publicKey: PublicKey;
  readonly keyGroup: KeyGroup;
  /** The public key's id (`K...`), the `CloudFront-Key-Pair-Id` of signed cookies. */
  readonly keyId: string;

  constructor(scope: Construct, id: string, props: MediaSigningProps) {
    super(scope, id);
    const generation = props.generation ?? MEDIA_SIGNING_KEY_GENERATION;
    if (!Number.isSafeInteger(generation) || generation < 1) throw new Error(`the media signing key's generation must be a positive integer, not ${generation}`);

    // Created with a generated placeholder (a Secret always starts with a value); the handler
    // replaces it with the private key before anything reads it.
    this.secret = new Secret(this, `PrivateKeyV${generation}`, {
      description: 'Mediaflow: the private key (PEM) the api function signs CloudFront cookies for /media/* with; written at deploy',
      // Nothing outlives the stack that needs the key: a new stack makes its own.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Its own role, without the AWS managed basic-execution policy: its own log group and the one secret.
    const role = new Role(this, 'HandlerRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: 'Writes the media signing key into its secret at deploy' });
    const logGroup = new LogGroup(this, 'HandlerLogs');
    const handler = new LambdaFunction(this, 'Handler', {
      description: 'Mediaflow deploy step: makes the CloudFront media signing key pair and stores its private key',
      code: props.handlerCode,
      handler: 'index.handler',
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      // Generating an RSA-2048 key takes well under a second at this size's CPU share.
      memorySize: 256,
      timeout: Duration.minutes(1),
      role,
      logGroup,
    });
    role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['secretsmanager:PutSecretValue'], resources: [this.secret.secretArn] }));

    const key = new CustomResource(this, `KeyV${generation}`, {
      serviceToken: handler.functionArn,
      resourceType: MEDIA_SIGNING_KEY_RESOURCE_TYPE,
      properties: { SecretArn: this.secret.secretArn, Generation: generation },
    });

    this.publicKey = new PublicKey(this, `PublicKeyV${generation}`, {
      encodedKey: key.getAttString('PublicKeyPem'),
      comment: `Mediaflow media signing key, generation ${generation}`,
    });
    this.keyGroup = new KeyGroup(this, 'KeyGroup', { items: [this.publicKey], comment: 'Mediaflow: signs the cookies /media/* asks for' });
    this.keyId = this.publicKey.publicKeyId;

    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotation in Secrets Manager would reach nothing: the private key must match a CloudFront public key, which only a deploy can change. It is rotated by raising MEDIA_SIGNING_KEY_GENERATION and deploying, which makes a new key pair, a new public key in the key group and a new key id for the api function at once.',
    });
  }
}
