import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate authority made for one stage, and the edge's certificate it signed. */
export interface StageCertificate {
  /** The authority's certificate (PEM): what a client trusts to reach the edge. */
  caPath: string;
  ca: string;
  cert: string;
  key: string;
  /** Base64 SHA-256 of the server certificate's public key (a pin a client can be given). */
  spkiHash: string;
}

/**
 * The names the edge answers for in `region`: the distribution, the buckets (virtual-hosted), every
 * regional service endpoint, the HTTP API and the hosted sign-in domain. A wildcard covers one label,
 * so each family is listed on its own.
 */
export function edgeNames(region: string): string[] {
  return [
    '*.cloudfront.net',
    `*.s3.${region}.amazonaws.com`,
    `s3.${region}.amazonaws.com`,
    '*.s3.amazonaws.com',
    's3.amazonaws.com',
    `*.${region}.amazonaws.com`,
    `*.execute-api.${region}.amazonaws.com`,
    `*.auth.${region}.amazoncognito.com`,
  ];
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error('the HTTPS edge needs the openssl command (Debian: apt-get install openssl)', { cause: error });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim() ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr}`, { cause: error });
  }
}

/**
 * Makes a fresh authority (valid two days, P-256) in `dir` and a server certificate for `names`
 * signed by it. Nothing is shared between stages, so trusting one stage's authority trusts only
 * that stage's edge.
 *
 * @example
 * const certificate = issueStageCertificate(join(dataDir, 'edge'), edgeNames('us-east-1'));
 * spawn(node, [...], { env: { NODE_EXTRA_CA_CERTS: certificate.caPath } });
 */
export function issueStageCertificate(dir: string, names: readonly string[]): StageCertificate {
  mkdirSync(dir, { recursive: true });
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...curve, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Mediaflow simulated stage CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...curve, '-keyout', 'edge.key', '-out', 'edge.csr', '-subj', '/CN=Mediaflow simulated stage edge'], dir);
  writeFileSync(
    join(dir, 'edge.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}`,
      '',
    ].join('\n'),
  );
  openssl(['x509', '-req', '-in', 'edge.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'edge.pem', '-days', '2', '-extfile', 'edge.ext'], dir);
  const caPath = join(dir, 'ca.pem');
  const cert = readFileSync(join(dir, 'edge.pem'), 'utf8');
  const spki = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return { caPath, ca: readFileSync(caPath, 'utf8'), cert, key: readFileSync(join(dir, 'edge.key'), 'utf8'), spkiHash: createHash('sha256').update(spki).digest('base64') };
}
