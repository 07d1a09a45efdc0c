import { generateKeyPairSync } from 'node:crypto';

/**
 * The custom resource that gives a stage its CloudFront signing key at deploy time
 * (`apps/infra/src/constructs/media-signing.ts`): its handler makes an RSA-2048 key pair, puts the
 * private key into the secret `SecretArn` names, and answers the public key as `PublicKeyPem`.
 * The simulator does what the handler does when the stage comes up, without running it.
 */
export const SIGNING_KEY_TYPE = 'Custom::MediaSigningKey';

/** Both halves, PEM: the public key as CloudFront takes it (SPKI), the private key as the api function reads it (PKCS #8). */
export interface SigningKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A fresh key pair, as the handler makes one on each Create and Update. */
export function generateSigningKeyPair(): SigningKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
