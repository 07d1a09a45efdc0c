import { createHash } from 'node:crypto';
import type { AwsResponse } from '../../types.js';
import { decodeBody } from './aws-chunked.js';
import { bucketArn } from './authorizations.js';
import {
  checksumElement,
  parseChecksumAlgorithm,
  runningChecksum,
  verifyChecksums,
  type ChecksumAlgorithm,
  type RunningChecksum,
  type StoredChecksum,
} from './checksums.js';
import {
  DEFAULT_CONTENT_TYPE,
  integerParameter,
  md5Hex,
  nowToTheSecond,
  storedHeaders,
  userMetadata,
  type OperationCall,
  type S3Context,
} from './context.js';
import { S3Error } from './errors.js';
import { parseRange, readConditions, writeConditions, type ByteSpan } from './http-conditions.js';
import { listPage } from './list-objects.js';
import { parseDeleteObjects } from './request-bodies.js';
import { checksumHeaders, emptyResponse, isoDate, objectHeaders, quoted, xmlResponse } from './responses.js';
import type { ObjectRecord } from './storage.js';
import { leaf, node, xmlDocument } from './xml.js';

/** Query parameters of a GET that override the response's headers (presigned downloads use them). */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-cache-control': 'cache-control',
  'response-content-language': 'content-language',
  'response-content-encoding': 'content-encoding',
  'response-expires': 'expires',
};

/**
 * A GET or HEAD of a missing key: 404 NoSuchKey for a caller that may list the bucket, 403 for one
 * that may not (S3 does not tell such a caller whether the key exists).
 */
async function missingKey(ctx: S3Context, call: OperationCall): Promise<S3Error> {
  const mayList = await ctx.canList(call.request.principal, bucketArn(ctx.partition, call.route.bucket));
  return mayList ? new S3Error('NoSuchKey', { fields: { Key: call.route.key } }) : new S3Error('AccessDenied');
}

/** GetObject and HeadObject: conditions, one byte range, `response-*` overrides. */
export async function getObject(ctx: S3Context, call: OperationCall, withBody: boolean): Promise<AwsResponse> {
  const { request, route } = call;
  let outcome = 'ok' as 'ok' | 'not-modified';
  let span: ByteSpan | undefined;
  const read = await ctx.storage.read(route.bucket, route.key, (record) => {
    outcome = readConditions(request.headers, record);
    span = outcome === 'ok' ? parseRange(request.headers['range'], record.size) : undefined;
    if (!withBody || outcome === 'not-modified') return 'none';
    return span ?? 'all';
  });
  if (read === undefined) throw await missingKey(ctx, call);
  const { record, data } = read;
  if (outcome === 'not-modified') {
    return emptyResponse(304, call.ids, { etag: quoted(record.etag), 'last-modified': record.lastModified.toUTCString() });
  }
  const wholeObject = span === undefined;
  const headers = objectHeaders(record, wholeObject && request.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED');
  for (const [parameter, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = request.query.get(parameter);
    if (value !== null) headers[header] = value;
  }
  const length = span === undefined ? record.size : span.end - span.start + 1;
  headers['content-length'] = String(length);
  if (span !== undefined) headers['content-range'] = `bytes ${span.start}-${span.end}/${record.size}`;
  const response = emptyResponse(wholeObject ? 200 : 206, call.ids, headers);
  if (data !== undefined) response.body = data;
  return response;
}

export async function putObject(ctx: S3Context, call: OperationCall): Promise<AwsResponse> {
  const { request, route } = call;
  const decoded = decodeBody(request.headers, request.body);
  const checksum = verifyChecksums({ ...request.headers, ...decoded.trailers }, decoded.body);
  const file = await ctx.storage.writeData(decoded.body);
  const record: ObjectRecord = {
    key: route.key,
    size: decoded.body.length,
    etag: md5Hex(decoded.body),
    lastModified: nowToTheSecond(),
    contentType: request.headers['content-type'] ?? DEFAULT_CONTENT_TYPE,
    headers: storedHeaders(request.headers, decoded.contentEncoding),
    metadata: userMetadata(request.headers),
    file,
  };
  if (checksum !== undefined) record.checksum = checksum;
  await ctx.storage.commit(route.bucket, record, (current) => writeConditions(request.headers, current));
  ctx.notify('ObjectCreated:Put', call, { key: route.key, record });
  return emptyResponse(200, call.ids, { etag: quoted(record.etag), ...checksumHeaders(checksum) });
}

/** `x-amz-copy-source-if-*`: the source's conditions; a copy refused by any of them is a 412. */
function copySourceConditions(headers: Record<string, string>): Record<string, string> {
  const conditions: Record<string, string> = {};
  for (const name of ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']) {
    const value = headers[`x-amz-copy-source-${name}`];
    if (value !== undefined) conditions[name] = value;
  }
  return conditions;
}

export async function copyObject(ctx: S3Context, call: OperationCall): Promise<AwsResponse> {
  const { request, route } = call;
  const source = route.copySource;
  if (source === undefined) throw new S3Error('InvalidArgument', { fields: { ArgumentName: 'x-amz-copy-source' } });
  if (!ctx.storage.hasBucket(source.bucket)) throw new S3Error('NoSuchBucket', { fields: { BucketName: source.bucket } });
  const replace = request.headers['x-amz-metadata-directive']?.toUpperCase() === 'REPLACE';
  if (source.bucket === route.bucket && source.key === route.key && !replace) {
    throw new S3Error('InvalidRequest', {
      message:
        'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.',
    });
  }
  const requested = parseChecksumAlgorithm(request.headers['x-amz-checksum-algorithm']);
  // A copy is a new single-part object: its etag and checksum are of the whole content, the
  // checksum in the source's algorithm unless another is asked for.
  let md5 = createHash('md5');
  let algorithm: ChecksumAlgorithm | undefined;
  let running: RunningChecksum | undefined;
  const copied = await ctx.storage.duplicate(source.bucket, source.key, (record) => {
    md5 = createHash('md5');
    algorithm = requested ?? record.checksum?.algorithm;
    running = algorithm === undefined ? undefined : runningChecksum(algorithm);
    return (chunk) => {
      md5.update(chunk);
      running?.update(chunk);
    };
  });
  if (copied === undefined) throw new S3Error('NoSuchKey', { fields: { Key: source.key } });
  const { record: original, file } = copied;
  try {
    if (readConditions(copySourceConditions(request.headers), original) === 'not-modified') throw new S3Error('PreconditionFailed');
  } catch (error) {
    await ctx.storage.discard(file);
    throw error;
  }
  let checksum: StoredChecksum | undefined;
  if (algorithm !== undefined && running !== undefined) {
    checksum = { algorithm, value: running.digest().toString('base64'), type: 'FULL_OBJECT' };
  } else if (original.checksum?.type === 'FULL_OBJECT' && original.checksum.algorithm === algorithm) {
    checksum = original.checksum;
  }
  const record: ObjectRecord = {
    key: route.key,
    size: original.size,
    etag: md5.digest('hex'),
    lastModified: nowToTheSecond(),
    contentType: replace ? (request.headers['content-type'] ?? DEFAULT_CONTENT_TYPE) : original.contentType,
    headers: replace ? storedHeaders(request.headers, request.headers['content-encoding']) : { ...original.headers },
    metadata: replace ? userMetadata(request.headers) : { ...original.metadata },
    file,
  };
  if (checksum !== undefined) record.checksum = checksum;
  await ctx.storage.commit(route.bucket, record, (current) => writeConditions(request.headers, current));
  ctx.notify('ObjectCreated:Copy', call, { key: route.key, record });
  const checksumXml = checksum === undefined ? '' : leaf(checksumElement(checksum.algorithm), checksum.value);
  return xmlResponse(
    200,
    xmlDocument('CopyObjectResult', leaf('LastModified', isoDate(record.lastModified)), leaf('ETag', quoted(record.etag)), checksumXml),
    call.ids,
  );
}

export async function deleteObject(ctx: S3Context, call: OperationCall): Promise<AwsResponse> {
  const removed = await ctx.storage.remove(call.route.bucket, call.route.key);
  // S3 answers 204 whether or not the key existed; only a real removal is an event.
  if (removed !== undefined) ctx.notify('ObjectRemoved:Delete', call, { key: call.route.key });
  return emptyResponse(204, call.ids);
}

/**
 * The one version id each key has here: S3's id for an object stored while the bucket's versioning
 * was not enabled. The stage's buckets keep no older versions, so every listing of versions shows
 * each key once, as its latest and only version, under this id.
 */
export const NULL_VERSION_ID = 'null';

/**
 * DeleteObjects. An object named with a version id deletes that version: `null` (the only one a key
 * has here) deletes the object; any other id names no version the stage keeps, and answers that
 * key's error rather than deleting anything.
 */
export async function deleteObjects(ctx: S3Context, call: OperationCall): Promise<AwsResponse> {
  const decoded = decodeBody(call.request.headers, call.request.body);
  verifyChecksums({ ...call.request.headers, ...decoded.trailers }, decoded.body);
  const { quiet, objects } = parseDeleteObjects(decoded.body.toString('utf8'));
  const deleted: string[] = [];
  const errors: string[] = [];
  for (const { key, versionId } of objects) {
    const version = versionId === undefined ? [] : [leaf('VersionId', versionId)];
    if (versionId !== undefined && versionId !== NULL_VERSION_ID) {
      errors.push(node('Error', leaf('Key', key), ...version, leaf('Code', 'NoSuchVersion'), leaf('Message', 'The specified version does not exist.')));
      continue;
    }
    const removed = await ctx.storage.remove(call.route.bucket, key);
    if (removed !== undefined) ctx.notify('ObjectRemoved:Delete', call, { key });
    deleted.push(node('Deleted', leaf('Key', key), ...version));
  }
  // Quiet mode leaves out what was deleted, never what failed.
  return xmlResponse(200, xmlDocument('DeleteResult', ...(quiet ? [] : deleted), ...errors), call.ids);
}

/**
 * ListObjectVersions over the one version each key has ({@link NULL_VERSION_ID}), paged by
 * `key-marker` (and `version-id-marker`, which can only be that one id). `delimiter` is not
 * served: the product lists versions under an item's prefix only.
 */
export function listObjectVersions(ctx: S3Context, call: OperationCall): AwsResponse {
  const { query } = call.request;
  if (query.has('delimiter')) throw new S3Error('NotImplemented');
  const prefix = query.get('prefix') ?? '';
  const keyMarker = query.get('key-marker') ?? '';
  const versionIdMarker = query.get('version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '') {
    throw new S3Error('InvalidArgument', { message: 'A version-id marker cannot be specified without a key marker.', fields: { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker } });
  }
  if (versionIdMarker !== '' && versionIdMarker !== NULL_VERSION_ID) {
    throw new S3Error('InvalidArgument', { message: 'Invalid version id specified', fields: { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker } });
  }
  const maxKeys = integerParameter(query, 'max-keys', 1000, 1000);
  // A key's only version comes before any marker inside it, so a page resumes after the key either way.
  const page = listPage(ctx.storage.sorted(call.route.bucket), { prefix, maxKeys, ...(keyMarker === '' ? {} : { startAfter: keyMarker }) });
  const last = page.contents[page.contents.length - 1];
  const versions = page.contents.map((record) =>
    node(
      'Version',
      leaf('Key', record.key),
      leaf('VersionId', NULL_VERSION_ID),
      leaf('IsLatest', true),
      leaf('LastModified', isoDate(record.lastModified)),
      leaf('ETag', quoted(record.etag)),
      ...(record.checksum === undefined ? [] : [leaf('ChecksumAlgorithm', record.checksum.algorithm), leaf('ChecksumType', record.checksum.type)]),
      leaf('Size', record.size),
      leaf('StorageClass', 'STANDARD'),
    ),
  );
  const body = xmlDocument(
    'ListVersionsResult',
    leaf('Name', call.route.bucket),
    leaf('Prefix', prefix),
    leaf('KeyMarker', keyMarker),
    leaf('VersionIdMarker', versionIdMarker),
    ...(page.isTruncated && last !== undefined ? [leaf('NextKeyMarker', last.key), leaf('NextVersionIdMarker', NULL_VERSION_ID)] : []),
    leaf('MaxKeys', maxKeys),
    leaf('IsTruncated', page.isTruncated),
    ...versions,
  );
  return xmlResponse(200, body, call.ids);
}

/** ListObjectsV2. `encoding-type=url` is not honoured: keys come back as they are. */
export function listObjectsV2(ctx: S3Context, call: OperationCall): AwsResponse {
  const { query } = call.request;
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? undefined;
  const startAfter = query.get('start-after') ?? undefined;
  const token = query.get('continuation-token') ?? undefined;
  const maxKeys = integerParameter(query, 'max-keys', 1000, 1000);
  const page = listPage(ctx.storage.sorted(call.route.bucket), {
    prefix,
    maxKeys,
    ...(delimiter === undefined ? {} : { delimiter }),
    ...(startAfter === undefined ? {} : { startAfter }),
    ...(token === undefined ? {} : { continuationToken: token }),
  });
  const contents = page.contents.map((record) =>
    node(
      'Contents',
      leaf('Key', record.key),
      leaf('LastModified', isoDate(record.lastModified)),
      leaf('ETag', quoted(record.etag)),
      ...(record.checksum === undefined ? [] : [leaf('ChecksumAlgorithm', record.checksum.algorithm), leaf('ChecksumType', record.checksum.type)]),
      leaf('Size', record.size),
      leaf('StorageClass', 'STANDARD'),
    ),
  );
  const prefixes = page.commonPrefixes.map((p) => node('CommonPrefixes', leaf('Prefix', p)));
  const body = xmlDocument(
    'ListBucketResult',
    leaf('Name', call.route.bucket),
    leaf('Prefix', prefix),
    ...(delimiter === undefined ? [] : [leaf('Delimiter', delimiter)]),
    ...(startAfter === undefined ? [] : [leaf('StartAfter', startAfter)]),
    ...(token === undefined ? [] : [leaf('ContinuationToken', token)]),
    ...(page.nextContinuationToken === undefined ? [] : [leaf('NextContinuationToken', page.nextContinuationToken)]),
    leaf('KeyCount', page.contents.length + page.commonPrefixes.length),
    leaf('MaxKeys', maxKeys),
    leaf('IsTruncated', page.isTruncated),
    ...contents,
    ...prefixes,
  );
  return xmlResponse(200, body, call.ids);
}
