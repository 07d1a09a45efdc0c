import type { IncomingHttpHeaders } from 'node:http';

/**
 * Where the stage's edge sends a request for a public name: the part serving that host (`hosts`),
 * else the gateway for any other AWS name. Cognito's host is shared: the pool's keys and discovery
 * are the issuer's, while its JSON API (a request carrying `x-amz-target`, as `AdminDeleteUser`
 * does) is the gateway's, where the signature and IAM are checked.
 */
export function edgeRoute(hosts: Readonly<Record<string, string>>, gatewayUrl: string): (host: string, headers: IncomingHttpHeaders) => string | undefined {
  return (host, headers) => {
    if (host.startsWith('cognito-idp.') && host.endsWith('.amazonaws.com') && headers['x-amz-target'] !== undefined) return gatewayUrl;
    return hosts[host] ?? (host.endsWith('.amazonaws.com') ? gatewayUrl : undefined);
  };
}
