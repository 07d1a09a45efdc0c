import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { attachmentDisposition, type Clock, type PresignedRequest, type PresignGetOptions, type PresignPutOptions } from '@mediaflow/domain';
import { nonNegativeInteger, presignExpiry, sha256HexToBase64 } from './presign.js';

/** The condition that makes a write create-only; `*` matches any existing object. */
const CREATE_ONLY_HEADER = 'if-none-match';

/** Where presigned object URLs point and how they are signed. */
export interface PresignTarget {
  /** A client that adds no checksums of its own to what it signs. */
  presignClient: S3Client;
  bucket: string;
  clock: Clock;
}

/**
 * A presigned PutObject of `key` (already checked). The content type and length are signed, and
 * `x-amz-checksum-sha256` when the caller knows the hash, so S3 refuses any other upload.
 *
 * It only creates: `If-None-Match: *` is a signed header, so S3 answers 412 Precondition Failed
 * to a PUT once the key exists, and 403 to a PUT that leaves the header out. A URL replayed
 * within its lifetime cannot replace an original that ingest has already hashed.
 */
export async function presignPutObject(target: PresignTarget, key: string, options: PresignPutOptions): Promise<PresignedRequest> {
  const expiresAt = presignExpiry(target.clock.now(), options.expiresInSeconds);
  if (options.contentLength !== undefined) nonNegativeInteger(options.contentLength, 'contentLength');
  const headers: Record<string, string> = {};
  const unhoistable = new Set<string>();
  const signed = new Set<string>([CREATE_ONLY_HEADER]);
  if (options.contentType !== undefined) {
    headers['content-type'] = options.contentType;
    signed.add('content-type');
  }
  if (options.contentLength !== undefined) signed.add('content-length');
  let checksum: string | undefined;
  if (options.sha256 !== undefined) {
    checksum = sha256HexToBase64(options.sha256);
    headers['x-amz-checksum-sha256'] = checksum;
    // Kept a header (not hoisted into the query) so S3 checks the body against it.
    unhoistable.add('x-amz-checksum-sha256');
  }
  headers[CREATE_ONLY_HEADER] = '*';
  const command = new PutObjectCommand({
    Bucket: target.bucket,
    Key: key,
    ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
    // Browsers send Content-Length themselves; it is not one of the headers handed back.
    ...(options.contentLength === undefined ? {} : { ContentLength: options.contentLength }),
    ...(checksum === undefined ? {} : { ChecksumSHA256: checksum }),
    IfNoneMatch: '*',
  });
  const url = await getSignedUrl(target.presignClient, command, {
    expiresIn: options.expiresInSeconds,
    signingDate: target.clock.now(),
    unhoistableHeaders: unhoistable,
    // The presigner leaves content-type unsigned unless told otherwise; signing it (and the
    // length, and the create-only condition) is what makes S3 refuse any other upload.
    signableHeaders: signed,
  });
  return { method: 'PUT', url, headers, expiresAt };
}

/** A presigned GetObject of `key` (already checked), as an attachment when a file name is given. */
export async function presignGetObject(target: PresignTarget, key: string, options: PresignGetOptions): Promise<PresignedRequest> {
  const expiresAt = presignExpiry(target.clock.now(), options.expiresInSeconds);
  const command = new GetObjectCommand({
    Bucket: target.bucket,
    Key: key,
    ...(options.downloadFilename === undefined ? {} : { ResponseContentDisposition: attachmentDisposition(options.downloadFilename) }),
  });
  const url = await getSignedUrl(target.presignClient, command, { expiresIn: options.expiresInSeconds, signingDate: target.clock.now() });
  return { method: 'GET', url, headers: {}, expiresAt };
}
