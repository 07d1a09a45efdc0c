import { createVerify } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';

/** A public key of a trusted key group: its id (the `Key-Pair-Id` viewers send) and its PEM. */
export interface TrustedPublicKey {
  id: string;
  encodedKey: string;
}

/** What CloudFront looks at to decide whether a request carries a valid signature. */
export interface SignedRequest {
  /** The URL the viewer asked for, `https://<host><path>?<query>`; the signing parameters are removed here. */
  url: string;
  /** The request's cookies, by name. */
  cookies: Readonly<Record<string, string>>;
  /** The viewer's address, for a policy's `IpAddress` condition. */
  ip: string;
  /** Milliseconds since the epoch. */
  now: number;
}

export type SignatureCheck = { ok: true; keyPairId: string } | { ok: false; status: 403; code: string; message: string };

/** The query parameters of a signed URL; CloudFront prefers them over cookies when the URL has them. */
const URL_PARAMETERS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id'] as const;

const refuse = (code: string, message: string): SignatureCheck => ({ ok: false, status: 403, code, message });
const accessDenied = (): SignatureCheck => refuse('AccessDenied', 'Access denied');

function fromCloudFrontBase64(text: string): Buffer | undefined {
  const standard = text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(standard) ? Buffer.from(standard, 'base64') : undefined;
}

/**
 * A policy `Resource` as CloudFront matches it against the URL: `*` any run of characters (`/`
 * included), `?` any one character, everything else as it is.
 */
export function resourceMatches(pattern: string, url: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(url);
}

/** The URL without the signing parameters, as the policy's resource is written for it. */
function unsignedUrl(url: URL): string {
  const kept = new URLSearchParams(url.search);
  for (const name of URL_PARAMETERS) kept.delete(name);
  const query = kept.toString();
  return `${url.origin}${url.pathname}${query === '' ? '' : `?${query}`}`;
}

/** What the viewer sent to prove access; any part may be missing. */
interface Credentials {
  keyPairId: string | undefined;
  signature: string | undefined;
  /** A custom policy, as sent (CloudFront's base64). */
  policy: string | undefined;
  /** A canned policy's expiry, whose policy CloudFront rebuilds from the URL. */
  expires: string | undefined;
}

/** Signed-URL parameters when the URL has any, the signed cookies otherwise. */
function credentialsOf(url: URL, cookies: Readonly<Record<string, string>>): Credentials {
  const query = url.searchParams;
  if (URL_PARAMETERS.some((name) => query.has(name))) {
    const read = (name: string): string | undefined => query.get(name) ?? undefined;
    return { keyPairId: read('Key-Pair-Id'), signature: read('Signature'), policy: read('Policy'), expires: read('Expires') };
  }
  return {
    keyPairId: cookies['CloudFront-Key-Pair-Id'],
    signature: cookies['CloudFront-Signature'],
    policy: cookies['CloudFront-Policy'],
    expires: cookies['CloudFront-Expires'],
  };
}

interface Statement {
  Resource?: unknown;
  Condition?: { DateLessThan?: { 'AWS:EpochTime'?: unknown }; DateGreaterThan?: { 'AWS:EpochTime'?: unknown }; IpAddress?: { 'AWS:SourceIp'?: unknown } };
}

function epoch(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function ipMatches(cidr: string, ip: string): boolean {
  const [address = '', bits] = cidr.split('/');
  const list = new BlockList();
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  try {
    list.addSubnet(address, Number(bits ?? (family === 'ipv4' ? 32 : 128)), family);
    return list.check(ip.replace(/^::ffff:/, ''), isIPv4(ip.replace(/^::ffff:/, '')) ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

/**
 * Whether CloudFront would serve a request of a behaviour that trusts `keys` (its key groups'
 * public keys): a signed URL's parameters, or else the signed cookies, for one of those keys, whose
 * RSA-SHA1 signature verifies over the policy (a custom policy as sent, or the canned policy
 * rebuilt from the URL and `Expires`), whose resource matches the URL, and whose conditions hold
 * now (`DateLessThan`, and `DateGreaterThan` and `IpAddress` when present). Refusals carry
 * CloudFront's codes: `MissingKey`, `InvalidKey`, `MalformedPolicy`, `MalformedSignature`,
 * `AccessDenied`.
 */
export function checkSignedRequest(request: SignedRequest, keys: readonly TrustedPublicKey[]): SignatureCheck {
  const url = new URL(request.url);
  const credentials = credentialsOf(url, request.cookies);
  const { keyPairId, signature } = credentials;
  if (keyPairId === undefined || keyPairId === '') return refuse('MissingKey', 'Missing Key-Pair-Id query parameter or cookie value');
  const key = keys.find((candidate) => candidate.id === keyPairId);
  if (key === undefined) return refuse('InvalidKey', 'Unknown Key');
  if (signature === undefined || signature === '') return refuse('MissingKey', 'Missing Signature query parameter or cookie value');
  const signatureBytes = fromCloudFrontBase64(signature);
  if (signatureBytes === undefined || signatureBytes.length === 0) return refuse('MalformedSignature', 'Malformed Signature');

  const resourceUrl = unsignedUrl(url);
  let policy: string;
  if (credentials.policy !== undefined && credentials.policy !== '') {
    const decoded = fromCloudFrontBase64(credentials.policy);
    if (decoded === undefined) return refuse('MalformedPolicy', 'Malformed Policy');
    policy = decoded.toString('utf8');
  } else if (credentials.expires !== undefined && /^\d+$/.test(credentials.expires)) {
    // A canned policy is not sent: it is rebuilt from the URL and the expiry, exactly as it was signed.
    policy = JSON.stringify({ Statement: [{ Resource: resourceUrl, Condition: { DateLessThan: { 'AWS:EpochTime': Number(credentials.expires) } } }] });
  } else {
    return refuse('MissingKey', 'Missing Policy or Expires query parameter or cookie value');
  }

  let verified = false;
  try {
    verified = createVerify('RSA-SHA1').update(policy, 'utf8').verify(key.encodedKey, signatureBytes);
  } catch {
    verified = false;
  }
  if (!verified) return accessDenied();

  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return refuse('MalformedPolicy', 'Malformed Policy');
  }
  const statements = Array.isArray(parsed.Statement) ? (parsed.Statement as Statement[]) : [];
  const [statement] = statements;
  if (statements.length !== 1 || statement === undefined || typeof statement.Resource !== 'string') return refuse('MalformedPolicy', 'Malformed Policy');
  const lessThan = epoch(statement.Condition?.DateLessThan?.['AWS:EpochTime']);
  if (lessThan === undefined) return refuse('MalformedPolicy', 'Malformed Policy');
  const seconds = Math.floor(request.now / 1000);
  if (seconds >= lessThan) return accessDenied();
  const greaterThan = statement.Condition?.DateGreaterThan?.['AWS:EpochTime'];
  if (greaterThan !== undefined && (epoch(greaterThan) === undefined || seconds <= (epoch(greaterThan) ?? 0))) return accessDenied();
  const sourceIp = statement.Condition?.IpAddress?.['AWS:SourceIp'];
  if (sourceIp !== undefined && (typeof sourceIp !== 'string' || !ipMatches(sourceIp, request.ip))) return accessDenied();
  if (!resourceMatches(statement.Resource, resourceUrl)) return accessDenied();
  return { ok: true, keyPairId };
}
