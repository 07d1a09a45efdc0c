import type { ObjectHead } from '@mediaflow/domain';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** S3 sends etags in quotes; Mediaflow's heads carry them bare, as the filesystem store does. */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"(.*)"$/, '$1');
}

/**
 * The hex SHA-256 of the whole content from S3's `ChecksumSHA256`, when it is one. A multipart
 * object's checksum is a checksum of the parts' checksums (`...-3`, type COMPOSITE): not the
 * content's hash, so it is not reported.
 */
export function sha256FromChecksum(checksum: string | undefined, type: string | undefined): string | undefined {
  if (checksum === undefined || checksum.includes('-') || type === 'COMPOSITE') return undefined;
  const bytes = Buffer.from(checksum, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

/** The fields HeadObject and GetObject responses share. */
export interface S3HeadFields {
  ContentLength?: number | undefined;
  ContentType?: string | undefined;
  ETag?: string | undefined;
  LastModified?: Date | undefined;
  CacheControl?: string | undefined;
  ContentDisposition?: string | undefined;
  ChecksumSHA256?: string | undefined;
  ChecksumType?: string | undefined;
}

export function headFromResponse(key: string, response: S3HeadFields, size = response.ContentLength ?? 0): ObjectHead {
  const head: ObjectHead = {
    key,
    size,
    contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE,
    etag: bareEtag(response.ETag),
    lastModified: response.LastModified ?? new Date(0),
  };
  if (response.CacheControl !== undefined) head.cacheControl = response.CacheControl;
  if (response.ContentDisposition !== undefined) head.contentDisposition = response.ContentDisposition;
  const sha256 = sha256FromChecksum(response.ChecksumSHA256, response.ChecksumType);
  if (sha256 !== undefined) head.sha256 = sha256;
  return head;
}
