import type { StagePermissions } from './permissions.js';
import type { AwsRequest, AwsResponse, Principal, ServiceHandler, SimLog } from '../types.js';

/**
 * A call made inside the stage (an AWS service acting with a role or for a resource: a MediaConvert
 * job writing renditions, CloudFront reading through origin access, a deployment filling a bucket):
 * no signature, but the same IAM decision as a call through the gateway.
 */
export async function internalCall(
  handler: ServiceHandler,
  request: AwsRequest,
  permissions: StagePermissions,
  log: SimLog,
  source: string,
): Promise<AwsResponse> {
  for (const authorization of await handler.authorizations(request)) {
    const decision = permissions.check(request.principal, authorization);
    if (!decision.allowed) {
      const who = describePrincipal(request.principal);
      const message = `${who} is not authorized to perform: ${authorization.action} on resource: ${authorization.resource} (${decision.reason})`;
      log({ kind: 'denied', source, message, detail: { action: authorization.action, resource: authorization.resource } });
      return handler.denied(request, message);
    }
  }
  return handler.handle(request);
}

export function describePrincipal(principal: Principal): string {
  if (principal.type === 'role') return `${principal.roleArn}/${principal.sessionName}`;
  if (principal.type === 'service') return principal.service;
  return 'anonymous';
}

/** `/bucket/key` with each key segment percent-encoded as a client sends it. */
export function s3Path(bucket: string, key: string): string {
  return `/${bucket}/${key.split('/').map((segment) => encodeURIComponent(segment)).join('/')}`;
}

export function s3Request(principal: Principal, method: string, bucket: string, key: string, init: { headers?: Record<string, string>; body?: Buffer } = {}): AwsRequest {
  return {
    service: 's3',
    method,
    path: s3Path(bucket, key),
    query: new URLSearchParams(),
    headers: { host: 's3.amazonaws.com', ...(init.headers ?? {}), ...(init.body ? { 'content-length': String(init.body.length) } : {}) },
    body: init.body ?? Buffer.alloc(0),
    principal,
  };
}

export function bodyOf(response: AwsResponse): Buffer {
  return typeof response.body === 'string' ? Buffer.from(response.body) : (response.body ?? Buffer.alloc(0));
}
