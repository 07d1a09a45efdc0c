import { generateKeyPairSync } from 'node:crypto';
import { writeSecretString } from '@mediaflow/storage/secrets-manager';

/**
 * The custom resource (`Custom::MediaSigningKey`) that gives a stage its CloudFront signing key at
 * deploy time: on Create (each key generation is a resource of its own, `MediaSigning` in
 * apps/infra) and on an Update (its secret changed), it makes an RSA-2048 key pair, puts the private
 * key (PEM) into the secret `SecretArn` names and answers the public key (PEM) as `PublicKeyPem`
 * for the `AWS::CloudFront::PublicKey`. Neither the repository nor the template ever holds the
 * private key. Delete does nothing: the secret is a resource of the stack and goes with it.
 */

/** What CloudFormation sends a custom resource whose service token is this function. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly SecretArn?: unknown; readonly Generation?: unknown };
}

/** The answer CloudFormation waits for at `ResponseURL`. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: { readonly PublicKeyPem: string };
}

export interface SigningKeyDeps {
  /** Replaces the secret's value. */
  putSecret(secretArn: string, value: string): Promise<void>;
  /** Sends the answer to CloudFormation's presigned URL. */
  respond(url: string, response: CustomResourceResponse): Promise<void>;
  /** A fresh key pair, both halves PEM. */
  generateKeyPair?: () => { publicKeyPem: string; privateKeyPem: string };
  /** Where a line about what happened goes (never a key). */
  log?: (line: Record<string, unknown>) => void;
}

/** An RSA-2048 key pair: CloudFront's public keys are RSA 2048-bit, PEM-encoded (SPKI). */
export function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function properties(event: CustomResourceEvent): { secretArn: string; generation: number } {
  const secretArn = event.ResourceProperties.SecretArn;
  const generation = Number(event.ResourceProperties.Generation);
  if (typeof secretArn !== 'string' || !/^arn:aws[a-z-]*:secretsmanager:/.test(secretArn)) throw new Error('SecretArn must be the ARN of a Secrets Manager secret');
  if (!Number.isSafeInteger(generation) || generation < 1) throw new Error('Generation must be a positive integer');
  return { secretArn, generation };
}

/**
 * The handler, from what it acts through. It always answers CloudFormation, with `FAILED` and the
 * error's message when something went wrong, so a deploy fails at once instead of waiting an hour.
 */
export function createSigningKeyHandler(deps: SigningKeyDeps): (event: CustomResourceEvent) => Promise<void> {
  const generate = deps.generateKeyPair ?? rsaKeyPair;
  const log = deps.log ?? ((line) => console.log(JSON.stringify(line)));
  return async (event) => {
    const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
    let physicalId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-unset`;
    let response: CustomResourceResponse;
    try {
      if (event.RequestType === 'Delete') {
        response = { ...base, Status: 'SUCCESS', PhysicalResourceId: physicalId };
      } else {
        const { secretArn, generation } = properties(event);
        // A new id per generation: CloudFormation then sends Delete for the old one, which keeps nothing.
        physicalId = `media-signing-key-v${generation}`;
        const { publicKeyPem, privateKeyPem } = generate();
        await deps.putSecret(secretArn, privateKeyPem);
        response = { ...base, Status: 'SUCCESS', PhysicalResourceId: physicalId, Data: { PublicKeyPem: publicKeyPem } };
      }
    } catch (error) {
      response = { ...base, Status: 'FAILED', PhysicalResourceId: physicalId, Reason: error instanceof Error ? error.message : String(error) };
    }
    log({ requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, physicalResourceId: response.PhysicalResourceId, status: response.Status, ...(response.Reason === undefined ? {} : { reason: response.Reason }) });
    await deps.respond(event.ResponseURL, response);
  };
}

/** The presigned S3 PUT CloudFormation reads the answer from: no content type, as the URL was signed without one. */
export async function respondToCloudFormation(url: string, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  const answer = await fetch(url, { method: 'PUT', headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) }, body });
  if (!answer.ok) throw new Error(`CloudFormation's response URL answered ${answer.status}`);
}

export const handler = createSigningKeyHandler({
  putSecret: (secretArn, value) => writeSecretString({ secretId: secretArn }, value),
  respond: respondToCloudFormation,
});
