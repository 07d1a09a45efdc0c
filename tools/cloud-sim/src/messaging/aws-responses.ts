/** Shapes shared by the messaging protocols: request ids, JSON and XML bodies, sender ids. */
import { createHash, randomUUID } from 'node:crypto';
import type { AwsResponse, Principal } from '../types.js';

/** SQS's `SenderId` for messages a service sends on its own behalf. */
export const SERVICE_SENDER_IDS: Record<string, string> = {
  'sns.amazonaws.com': 'AIDAIT2UOQQY3AUEKVGXU',
  's3.amazonaws.com': 'AIDAJQOC3SADRY5PEMBNW',
  'events.amazonaws.com': 'AIDAIE6VAXUQU2DKHA7DK',
};

export function requestId(): string {
  return randomUUID();
}

export function jsonResponse(contentType: string, body: unknown, status = 200, headers: Record<string, string> = {}): AwsResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId(), ...headers },
    body: JSON.stringify(body),
  };
}

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"'\r]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The `SenderId` SQS records for a caller: for a role session AWS shows the role's unique id and the
 * session name; the simulator derives a stable stand-in for the id from the role ARN.
 */
export function senderIdOf(principal: Principal): string {
  if (principal.type === 'role') {
    const id = createHash('sha256').update(principal.roleArn).digest('hex').slice(0, 17).toUpperCase();
    return `AROA${id}:${principal.sessionName}`;
  }
  if (principal.type === 'service') return SERVICE_SENDER_IDS[principal.service] ?? principal.service;
  return 'anonymous';
}

/** Parses a JSON protocol body; an empty body is an empty input. */
export function parseJsonBody(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
