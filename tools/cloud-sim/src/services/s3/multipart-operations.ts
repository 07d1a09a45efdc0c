import { createHash } from 'node:crypto';
import type { AwsResponse, Principal } from '../../types.js';
import { decodeBody } from './aws-chunked.js';
import {
  checksumElement,
  checksumHeader,
  parseChecksumAlgorithm,
  runningChecksum,
  verifyChecksums,
  type ChecksumAlgorithm,
  type StoredChecksum,
} from './checksums.js';
import {
  DEFAULT_CONTENT_TYPE,
  integerParameter,
  md5Hex,
  MIN_PART_SIZE,
  nowToTheSecond,
  storedHeaders,
  userMetadata,
  type OperationCall,
  type S3Context,
} from './context.js';
import { S3Error } from './errors.js';
import { writeConditions } from './http-conditions.js';
import { compareKeys } from './list-objects.js';
import { parseCompleteMultipartUpload, type CompletedPart } from './request-bodies.js';
import { emptyResponse, isoDate, quoted, xmlResponse } from './responses.js';
import type { ObjectRecord, PartRecord, UploadRecord } from './storage.js';
import { virtualHostBucket } from './route.js';
import { leaf, node, xmlDocument } from './xml.js';

/** S3's limit on part numbers. */
export const MAX_PART_NUMBER = 10_000;

function principalArn(principal: Principal): string {
  if (principal.type === 'role') return principal.roleArn;
  if (principal.type === 'service') return principal.service;
  return 'anonymous';
}

function openUpload(ctx: S3Context, call: OperationCall): UploadRecord {
  const { bucket, key, uploadId } = call.route;
  const upload = uploadId === undefined ? undefined : ctx.storage.upload(bucket, key, uploadId);
  if (upload === undefined) throw new S3Error('NoSuchUpload', { fields: { UploadId: uploadId ?? '' } });
  return upload;
}

export function createMultipartUpload(ctx: S3Context, call: OperationCall): AwsResponse {
  const { request, route } = call;
  const checksumAlgorithm = parseChecksumAlgorithm(request.headers['x-amz-checksum-algorithm']);
  const typeHeader = request.headers['x-amz-checksum-type']?.toUpperCase();
  if (typeHeader !== undefined && typeHeader !== 'COMPOSITE' && typeHeader !== 'FULL_OBJECT') {
    throw new S3Error('InvalidRequest', { message: `Value for x-amz-checksum-type header is invalid.` });
  }
  const upload = ctx.storage.createUpload({
    bucket: route.bucket,
    key: route.key,
    initiated: new Date(),
    contentType: request.headers['content-type'] ?? DEFAULT_CONTENT_TYPE,
    headers: storedHeaders(request.headers, request.headers['content-encoding']),
    metadata: userMetadata(request.headers),
    initiator: principalArn(request.principal),
    ...(checksumAlgorithm === undefined
      ? {}
      : { checksumAlgorithm, checksumType: typeHeader ?? (checksumAlgorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE') }),
  });
  const headers: Record<string, string> =
    upload.checksumAlgorithm === undefined
      ? {}
      : { 'x-amz-checksum-algorithm': upload.checksumAlgorithm, 'x-amz-checksum-type': upload.checksumType ?? 'COMPOSITE' };
  const body = xmlDocument('InitiateMultipartUploadResult', leaf('Bucket', route.bucket), leaf('Key', route.key), leaf('UploadId', upload.uploadId));
  return xmlResponse(200, body, call.ids, headers);
}

export async function uploadPart(ctx: S3Context, call: OperationCall): Promise<AwsResponse> {
  const { request, route } = call;
  const partNumber = Number(route.partNumber);
  if (!/^\d+$/.test(route.partNumber ?? '') || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new S3Error('InvalidArgument', {
      message: `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      fields: { ArgumentName: 'partNumber', ArgumentValue: route.partNumber ?? '' },
    });
  }
  const upload = openUpload(ctx, call);
  const decoded = decodeBody(request.headers, request.body);
  const checksum = verifyChecksums({ ...request.headers, ...decoded.trailers }, decoded.body, upload.checksumAlgorithm);
  const part: PartRecord = {
    partNumber,
    etag: md5Hex(decoded.body),
    size: decoded.body.length,
    lastModified: nowToTheSecond(),
    file: await ctx.storage.writeData(decoded.body),
  };
  if (checksum !== undefined) part.checksum = { ...checksum, type: upload.checksumType ?? 'COMPOSITE' };
  if (!(await ctx.storage.putPart(upload, part))) throw new S3Error('NoSuchUpload', { fields: { UploadId: upload.uploadId } });
  const echoed: Record<string, string> = checksum === undefined ? {} : { [checksumHeader(checksum.algorithm)]: checksum.value };
  return emptyResponse(200, call.ids, { etag: quoted(part.etag), ...echoed });
}

function partXml(part: PartRecord): string {
  return node(
    'Part',
    leaf('PartNumber', part.partNumber),
    leaf('LastModified', isoDate(part.lastModified)),
    leaf('ETag', quoted(part.etag)),
    leaf('Size', part.size),
    ...(part.checksum === undefined ? [] : [leaf(checksumElement(part.checksum.algorithm), part.checksum.value)]),
  );
}

function ownerXml(ctx: S3Context, upload: UploadRecord): string[] {
  return [
    node('Initiator', leaf('ID', upload.initiator), leaf('DisplayName', upload.initiator)),
    node('Owner', leaf('ID', ctx.accountId), leaf('DisplayName', ctx.accountId)),
  ];
}

export function listParts(ctx: S3Context, call: OperationCall): AwsResponse {
  const upload = openUpload(ctx, call);
  const { query } = call.request;
  const maxParts = integerParameter(query, 'max-parts', 1000, 1000);
  const marker = integerParameter(query, 'part-number-marker', 0, MAX_PART_NUMBER);
  const after = [...upload.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const shown = after.slice(0, maxParts);
  const truncated = after.length > shown.length;
  const last = shown[shown.length - 1];
  const body = xmlDocument(
    'ListPartsResult',
    leaf('Bucket', upload.bucket),
    leaf('Key', upload.key),
    leaf('UploadId', upload.uploadId),
    ...ownerXml(ctx, upload),
    leaf('StorageClass', 'STANDARD'),
    leaf('PartNumberMarker', marker),
    ...(truncated && last !== undefined ? [leaf('NextPartNumberMarker', last.partNumber)] : []),
    leaf('MaxParts', maxParts),
    leaf('IsTruncated', truncated),
    ...(upload.checksumAlgorithm === undefined ? [] : [leaf('ChecksumAlgorithm', upload.checksumAlgorithm), leaf('ChecksumType', upload.checksumType ?? 'COMPOSITE')]),
    ...shown.map(partXml),
  );
  return xmlResponse(200, body, call.ids);
}

/** The stored parts the completion names, checked as S3 checks them. */
function chosenParts(upload: UploadRecord, requested: CompletedPart[]): PartRecord[] {
  const parts: PartRecord[] = [];
  requested.forEach((wanted, index) => {
    const previous = requested[index - 1];
    if (previous !== undefined && wanted.partNumber <= previous.partNumber) throw new S3Error('InvalidPartOrder', { fields: { UploadId: upload.uploadId } });
    const part = upload.parts.get(wanted.partNumber);
    const invalid = (): S3Error => new S3Error('InvalidPart', { fields: { UploadId: upload.uploadId, PartNumber: String(wanted.partNumber), ETag: wanted.etag } });
    if (part === undefined || part.etag !== wanted.etag) throw invalid();
    for (const [algorithm, value] of Object.entries(wanted.checksums)) {
      if (part.checksum?.algorithm === algorithm && part.checksum.value !== value) throw invalid();
    }
    parts.push(part);
  });
  parts.forEach((part, index) => {
    if (index < parts.length - 1 && part.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', {
        fields: { ProposedSize: String(part.size), MinSizeAllowed: String(MIN_PART_SIZE), PartNumber: String(part.partNumber), ETag: part.etag },
      });
    }
  });
  return parts;
}

/**
 * The object's checksum from its parts: a checksum of the whole content (FULL_OBJECT, computed
 * while the parts are joined) or a checksum of the parts' checksums, `-N` (COMPOSITE). None when
 * a part came without one.
 */
function compositeChecksum(algorithm: ChecksumAlgorithm, parts: PartRecord[]): StoredChecksum | undefined {
  const running = runningChecksum(algorithm);
  if (running === undefined || parts.some((p) => p.checksum?.algorithm !== algorithm)) return undefined;
  for (const part of parts) running.update(Buffer.from(part.checksum?.value ?? '', 'base64'));
  return { algorithm, value: `${running.digest().toString('base64')}-${parts.length}`, type: 'COMPOSITE' };
}

export async function completeMultipartUpload(ctx: S3Context, call: OperationCall): Promise<AwsResponse> {
  const { request, route } = call;
  const upload = openUpload(ctx, call);
  const decoded = decodeBody(request.headers, request.body);
  verifyChecksums({ ...request.headers, ...decoded.trailers }, decoded.body);
  const parts = chosenParts(upload, parseCompleteMultipartUpload(decoded.body.toString('utf8')));
  const algorithm = upload.checksumAlgorithm;
  const whole = upload.checksumType === 'FULL_OBJECT' && algorithm !== undefined ? runningChecksum(algorithm) : undefined;
  const file = await ctx.storage.concatenate(
    parts.map((p) => p.file),
    (chunk) => whole?.update(chunk),
  );
  if (!ctx.storage.isOpen(upload)) {
    await ctx.storage.discard(file);
    throw new S3Error('NoSuchUpload', { fields: { UploadId: upload.uploadId } });
  }
  const etagOfEtags = createHash('md5');
  for (const part of parts) etagOfEtags.update(Buffer.from(part.etag, 'hex'));
  const record: ObjectRecord = {
    key: route.key,
    size: parts.reduce((sum, p) => sum + p.size, 0),
    etag: `${etagOfEtags.digest('hex')}-${parts.length}`,
    lastModified: nowToTheSecond(),
    contentType: upload.contentType,
    headers: upload.headers,
    metadata: upload.metadata,
    partCount: parts.length,
    file,
  };
  if (algorithm !== undefined) {
    const checksum = whole === undefined ? compositeChecksum(algorithm, parts) : { algorithm, value: whole.digest().toString('base64'), type: 'FULL_OBJECT' as const };
    if (checksum !== undefined) record.checksum = checksum;
  }
  await ctx.storage.commit(route.bucket, record, (current) => writeConditions(request.headers, current));
  await ctx.storage.endUpload(upload);
  ctx.notify('ObjectCreated:CompleteMultipartUpload', call, { key: route.key, record });
  const host = request.headers['host'] ?? `s3.${ctx.region}.amazonaws.com`;
  const keyPath = route.key.split('/').map(encodeURIComponent).join('/');
  const location = virtualHostBucket(host) === undefined ? `http://${host}/${encodeURIComponent(route.bucket)}/${keyPath}` : `https://${host}/${keyPath}`;
  const checksumXml = record.checksum === undefined ? [] : [leaf(checksumElement(record.checksum.algorithm), record.checksum.value), leaf('ChecksumType', record.checksum.type)];
  const body = xmlDocument(
    'CompleteMultipartUploadResult',
    leaf('Location', location),
    leaf('Bucket', route.bucket),
    leaf('Key', route.key),
    leaf('ETag', quoted(record.etag)),
    ...checksumXml,
  );
  return xmlResponse(200, body, call.ids);
}

export async function abortMultipartUpload(ctx: S3Context, call: OperationCall): Promise<AwsResponse> {
  const upload = openUpload(ctx, call);
  await ctx.storage.endUpload(upload);
  return emptyResponse(204, call.ids);
}

export function listMultipartUploads(ctx: S3Context, call: OperationCall): AwsResponse {
  const { query } = call.request;
  const prefix = query.get('prefix') ?? '';
  const keyMarker = query.get('key-marker') ?? '';
  const uploadIdMarker = query.get('upload-id-marker') ?? '';
  const maxUploads = integerParameter(query, 'max-uploads', 1000, 1000);
  const byKey = (a: UploadRecord, b: UploadRecord): number => compareKeys(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime() || compareKeys(a.uploadId, b.uploadId);
  const all = ctx.storage
    .uploadsOf(call.route.bucket)
    .filter((u) => u.key.startsWith(prefix))
    .sort(byKey);
  // After the marker: keys past key-marker, and with upload-id-marker the later uploads of that key too.
  let after = all;
  if (keyMarker !== '') {
    const markerIndex = uploadIdMarker === '' ? -1 : all.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker);
    after = markerIndex >= 0 ? all.slice(markerIndex + 1) : all.filter((u) => compareKeys(u.key, keyMarker) > 0);
  }
  const shown = after.slice(0, maxUploads);
  const truncated = after.length > shown.length;
  const last = shown[shown.length - 1];
  const body = xmlDocument(
    'ListMultipartUploadsResult',
    leaf('Bucket', call.route.bucket),
    leaf('KeyMarker', keyMarker),
    leaf('UploadIdMarker', uploadIdMarker),
    ...(truncated && last !== undefined ? [leaf('NextKeyMarker', last.key), leaf('NextUploadIdMarker', last.uploadId)] : []),
    leaf('Prefix', prefix),
    leaf('MaxUploads', maxUploads),
    leaf('IsTruncated', truncated),
    ...shown.map((u) =>
      node(
        'Upload',
        leaf('Key', u.key),
        leaf('UploadId', u.uploadId),
        ...ownerXml(ctx, u),
        leaf('StorageClass', 'STANDARD'),
        leaf('Initiated', isoDate(u.initiated)),
        ...(u.checksumAlgorithm === undefined ? [] : [leaf('ChecksumAlgorithm', u.checksumAlgorithm)]),
      ),
    ),
  );
  return xmlResponse(200, body, call.ids);
}
