/**
 * Compact JWS with RS256, the one algorithm Cognito signs with and API Gateway's JWT authorizer
 * accepts. Used by the issuer to sign and check its own tokens and by the HTTP API's authorizer.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { PublicJwk } from './types.js';

export class MalformedJwtError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedJwtError';
  }
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

function jsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch (error) {
    throw new MalformedJwtError(`The token's ${what} is not base64url JSON.`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedJwtError(`The token's ${what} is not a JSON object.`);
  return value as Record<string, unknown>;
}

/** Splits a compact JWS; nothing in it is trusted until `signatureValid` says so. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) throw new MalformedJwtError('The token is not a compact JWS.');
  const [header, payload, signature] = parts as [string, string, string];
  return {
    header: jsonObject(header, 'header'),
    payload: jsonObject(payload, 'payload'),
    signingInput: Buffer.from(`${header}.${payload}`),
    signature: Buffer.from(signature, 'base64url'),
  };
}

export function signJwt(claims: Record<string, unknown>, key: { kid: string; privateKey: KeyObject }): string {
  const header = Buffer.from(JSON.stringify({ kid: key.kid, alg: 'RS256' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

/** Whether an RS256 token was signed by the key; a key that is not an RSA JWK never verifies. */
export function signatureValid(jwt: DecodedJwt, jwk: PublicJwk): boolean {
  if (jwt.header['alg'] !== 'RS256' || jwk.kty !== 'RSA') return false;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return false;
  }
  return verify('sha256', jwt.signingInput, key, jwt.signature);
}
