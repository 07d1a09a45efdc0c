import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';

/** The three cookies CloudFront reads for a custom policy, by name. */
export type CloudFrontSignedCookies = {
  readonly 'CloudFront-Policy': string;
  readonly 'CloudFront-Signature': string;
  readonly 'CloudFront-Key-Pair-Id': string;
};

/** What a custom policy grants: one resource pattern until a time. */
export interface CustomPolicyInput {
  /** The URL pattern the viewer's request must match (`*` and `?` are wildcards), e.g. `https://d1.cloudfront.net/media/renditions/alice/*`. */
  readonly resource: string;
  /** CloudFront refuses the request at or after this time (`DateLessThan`, in whole seconds). */
  readonly expiresAt: Date;
}

/**
 * The custom policy as CloudFront reads it: JSON with no whitespace, `DateLessThan` in epoch
 * seconds. CloudFront verifies the signature over these exact bytes, so they are built in one place.
 *
 * @example
 * customPolicy({ resource: 'https://d1.cloudfront.net/media/renditions/alice/*', expiresAt })
 * // '{"Statement":[{"Resource":"https://d1.cloudfront.net/media/renditions/alice/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767229200}}}]}'
 */
export function customPolicy(input: CustomPolicyInput): string {
  const epoch = Math.floor(input.expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(epoch) || epoch <= 0) throw new RangeError('a policy needs an expiry after the epoch');
  return JSON.stringify({ Statement: [{ Resource: input.resource, Condition: { DateLessThan: { 'AWS:EpochTime': epoch } } }] });
}

/**
 * Base64 with the three characters that are not safe in a query string or a cookie replaced as
 * CloudFront expects them back: `+` → `-`, `=` → `_`, `/` → `~`.
 */
export function cloudFrontBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
}

/** {@link cloudFrontBase64} undone. */
export function fromCloudFrontBase64(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
}

/** The RSA-SHA1 signature of `policy` with the key group's private key, as CloudFront verifies it. */
export function signPolicy(policy: string, privateKey: KeyObject | string): string {
  return cloudFrontBase64(createSign('RSA-SHA1').update(policy, 'utf8').sign(privateKey));
}

/**
 * The signed cookies that let a viewer fetch what `input.resource` matches until `input.expiresAt`,
 * with the public key `keyPairId` of a trusted key group. Only the values: attributes are the
 * caller's (`Path`, `Max-Age`, ...).
 *
 * @example
 * const cookies = signedCookies({ resource, expiresAt }, { keyPairId: 'K2JCJMDEHXQW5F', privateKey: pem });
 * // { 'CloudFront-Policy': 'eyJTdGF0...', 'CloudFront-Signature': 'Nql6...', 'CloudFront-Key-Pair-Id': 'K2JCJMDEHXQW5F' }
 */
export function signedCookies(input: CustomPolicyInput, key: { readonly keyPairId: string; readonly privateKey: KeyObject | string }): CloudFrontSignedCookies {
  const policy = customPolicy(input);
  return {
    'CloudFront-Policy': cloudFrontBase64(Buffer.from(policy, 'utf8')),
    'CloudFront-Signature': signPolicy(policy, key.privateKey),
    'CloudFront-Key-Pair-Id': key.keyPairId,
  };
}

/**
 * The signing key, loaded (from a secret store) on first use and kept afterwards; a failed load is
 * forgotten, so the next use tries again. Shared by every signer of one key pair.
 *
 * @example
 * const privateKey = lazyPrivateKey(() => secrets.load(arn));
 * signPolicy(policy, await privateKey());
 */
export function lazyPrivateKey(load: () => Promise<string>): () => Promise<KeyObject> {
  let key: Promise<KeyObject> | undefined;
  return () => {
    key ??= load()
      .then((pem) => createPrivateKey(pem))
      .catch((error: unknown) => {
        key = undefined;
        throw new Error('the media signing key could not be loaded', { cause: error });
      });
    return key;
  };
}
