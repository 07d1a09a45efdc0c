import { randomBytes } from 'node:crypto';
import type { AwsResponse } from '../../types.js';
import { checksumHeader, type StoredChecksum } from './checksums.js';
import type { S3Error } from './errors.js';
import type { ObjectRecord } from './storage.js';
import { escapeXml, leaf } from './xml.js';

/** The two ids S3 puts on every response and into event records. */
export interface RequestIds {
  requestId: string;
  hostId: string;
}

export function newRequestIds(): RequestIds {
  return { requestId: randomBytes(8).toString('hex').toUpperCase(), hostId: randomBytes(48).toString('base64') };
}

export function idHeaders(ids: RequestIds): Record<string, string> {
  return { 'x-amz-request-id': ids.requestId, 'x-amz-id-2': ids.hostId };
}

export function quoted(etag: string): string {
  return `"${etag}"`;
}

/** S3 timestamps in XML: `2026-01-02T03:04:05.000Z`. */
export function isoDate(date: Date): string {
  return date.toISOString();
}

export function xmlResponse(status: number, body: string, ids: RequestIds, headers: Record<string, string> = {}): AwsResponse {
  return { status, headers: { ...idHeaders(ids), 'content-type': 'application/xml', ...headers }, body };
}

export function emptyResponse(status: number, ids: RequestIds, headers: Record<string, string> = {}): AwsResponse {
  return { status, headers: { ...idHeaders(ids), ...headers } };
}

/**
 * An `S3Error` as S3 sends it: the `<Error>` document, or the bare status for HEAD (whose
 * responses have no body).
 */
export function errorResponse(error: S3Error, method: string, resource: string, ids: RequestIds): AwsResponse {
  if (method.toUpperCase() === 'HEAD') return emptyResponse(error.status, ids, error.headers);
  const extra = Object.entries(error.fields).map(([name, value]) => leaf(name, value));
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    leaf('Code', error.code) +
    leaf('Message', error.message) +
    extra.join('') +
    (resource === '' ? '' : `<Resource>${escapeXml(resource)}</Resource>`) +
    leaf('RequestId', ids.requestId) +
    leaf('HostId', ids.hostId) +
    '</Error>';
  return xmlResponse(error.status, body, ids, error.headers);
}

export function checksumHeaders(checksum: StoredChecksum | undefined): Record<string, string> {
  if (checksum === undefined) return {};
  return { [checksumHeader(checksum.algorithm)]: checksum.value, 'x-amz-checksum-type': checksum.type };
}

/** The headers of a GET or HEAD of `record`, before any `response-*` override. */
export function objectHeaders(record: ObjectRecord, withChecksum: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': record.contentType,
    etag: quoted(record.etag),
    'last-modified': record.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    ...record.headers,
  };
  for (const [name, value] of Object.entries(record.metadata)) headers[`x-amz-meta-${name}`] = value;
  return withChecksum ? { ...headers, ...checksumHeaders(record.checksum) } : headers;
}
