import type { BucketSpec } from '../../specs.js';
import type { AwsRequest, AwsResponse, Principal, ServiceHandler, SimAccount, SimLog } from '../../types.js';
import { bucketArn, s3Authorizations } from './authorizations.js';
import type { Notify, OperationCall, S3Context } from './context.js';
import { actualCorsHeaders, preflightHeaders } from './cors.js';
import { S3Error } from './errors.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from './multipart-operations.js';
import type { S3ObjectEvent } from './notifications.js';
import { copyObject, deleteObject, deleteObjects, getObject, listObjectsV2, listObjectVersions, putObject } from './object-operations.js';
import { emptyResponse, errorResponse, newRequestIds, xmlResponse, type RequestIds } from './responses.js';
import { routeRequest, type S3Route } from './route.js';
import { S3Storage } from './storage.js';
import { S3_XMLNS } from './xml.js';

/*
 * Why a filesystem-backed S3 of its own rather than s3rver behind this handler: s3rver 3.7 lacks
 * ListParts, AbortMultipartUpload and conditional PUTs, does not decode aws-chunked bodies with
 * trailers (what the SDK sends for streamed puts), keeps no additional checksums, and answers
 * some errors in shapes the SDK does not map. Wrapping it would have meant re-implementing the
 * multipart half anyway and proxying the rest over HTTP; the subset the product uses is small
 * enough to implement exactly, in-process, with every edge under test here.
 */

export interface S3Options {
  buckets: readonly BucketSpec[];
  /** Where object bytes live while the stage runs (its `objects/` is removed on close). */
  dataDir: string;
  account: SimAccount;
  /**
   * Whether `principal` may `s3:ListBucket` on `bucketArn` (the stage's IAM evaluation): a GET or
   * HEAD of a missing key answers 404 to such a caller and 403 to any other, as S3 does.
   */
  canList(principal: Principal, bucketArn: string): boolean | Promise<boolean>;
  /** After each object creation (Put, Copy, CompleteMultipartUpload), once per object. */
  onObjectCreated?: (event: S3ObjectEvent) => void;
  /** After each removal of an existing object. */
  onObjectRemoved?: (event: S3ObjectEvent) => void;
  log?: SimLog;
}

/** The running S3 of a stage. */
export interface S3Simulator {
  handler: ServiceHandler;
  close(): Promise<void>;
  /** The object's bytes, for tests and the stage's own checks (no IAM). */
  readObject(bucket: string, key: string): Promise<Buffer | undefined>;
  /** The bucket's keys under `prefix`, in S3's order. */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
}

function principalId(principal: Principal): string {
  switch (principal.type) {
    case 'role':
      return `AWS:${principal.roleArn.split('/').pop() ?? principal.roleArn}:${principal.sessionName}`;
    case 'service':
      return principal.service;
    case 'anonymous':
      return 'Anonymous';
  }
}

/** Increasing hex sequencers, as S3 gives the events of one key (and here of the whole stage). */
function sequencers(): () => string {
  let last = 0n;
  return () => {
    const now = BigInt(Date.now()) * 1000n;
    last = now > last ? now : last + 1n;
    return last.toString(16).toUpperCase().padStart(16, '0');
  };
}

async function dispatch(ctx: S3Context, call: OperationCall, bucket: BucketSpec): Promise<AwsResponse> {
  const { route, request } = call;
  switch (route.operation) {
    case 'Preflight':
      return emptyResponse(200, call.ids, preflightHeaders(bucket.cors, request.headers));
    case 'HeadBucket':
      return emptyResponse(200, call.ids, { 'x-amz-bucket-region': ctx.region });
    case 'GetBucketLocation': {
      // us-east-1 is the empty LocationConstraint, as S3 answers for it.
      const region = ctx.region === 'us-east-1' ? '' : ctx.region;
      return xmlResponse(200, `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${region}</LocationConstraint>`, call.ids);
    }
    case 'ListObjectsV2':
      return listObjectsV2(ctx, call);
    case 'ListObjectVersions':
      return listObjectVersions(ctx, call);
    case 'ListMultipartUploads':
      return listMultipartUploads(ctx, call);
    case 'DeleteObjects':
      return deleteObjects(ctx, call);
    case 'GetObject':
      return getObject(ctx, call, true);
    case 'HeadObject':
      return getObject(ctx, call, false);
    case 'PutObject':
      return putObject(ctx, call);
    case 'CopyObject':
      return copyObject(ctx, call);
    case 'DeleteObject':
      return deleteObject(ctx, call);
    case 'CreateMultipartUpload':
      return createMultipartUpload(ctx, call);
    case 'UploadPart':
      return uploadPart(ctx, call);
    case 'ListParts':
      return listParts(ctx, call);
    case 'CompleteMultipartUpload':
      return completeMultipartUpload(ctx, call);
    case 'AbortMultipartUpload':
      return abortMultipartUpload(ctx, call);
    case 'MethodNotAllowed':
      throw new S3Error('MethodNotAllowed', { fields: { Method: request.method.toUpperCase(), ResourceType: route.key === '' ? 'BUCKET' : 'OBJECT' } });
    case 'NotImplemented':
      throw new S3Error('NotImplemented');
  }
}

function resourceOf(route: S3Route | undefined): string {
  if (route === undefined) return '';
  return route.key === '' ? `/${route.bucket}` : `/${route.bucket}/${route.key}`;
}

/**
 * Starts the stage's S3: the buckets of the template, empty, served path-style behind the
 * gateway (which has checked the signature and IAM before `handle` runs).
 *
 * @example
 * const s3 = await startS3({ buckets: spec.buckets, dataDir, account, canList: iam.canList, onObjectCreated: deliver });
 * gateway.register('s3', s3.handler);
 */
export async function startS3(options: S3Options): Promise<S3Simulator> {
  const storage = new S3Storage(options.dataDir, options.buckets.map((b) => b.name));
  await storage.init();
  const buckets = new Map(options.buckets.map((b) => [b.name, b]));
  const { partition, region, accountId } = options.account;
  const nextSequencer = sequencers();
  const log = options.log ?? (() => undefined);

  const notify: Notify = (eventName, call, object) => {
    const listener = eventName.startsWith('ObjectCreated:') ? options.onObjectCreated : options.onObjectRemoved;
    if (listener === undefined) return;
    const event: S3ObjectEvent = {
      eventName,
      bucket: { name: call.route.bucket, arn: bucketArn(partition, call.route.bucket) },
      key: object.key,
      sequencer: nextSequencer(),
      principalId: principalId(call.request.principal),
      sourceIp: call.request.headers['x-forwarded-for']?.split(',')[0]?.trim() ?? '127.0.0.1',
      time: new Date(),
      requestId: call.ids.requestId,
      hostId: call.ids.hostId,
    };
    if (object.record !== undefined) {
      event.size = object.record.size;
      event.eTag = object.record.etag;
    }
    try {
      listener(event);
    } catch (error) {
      // The object is stored whatever becomes of its notification, as in S3.
      log({ kind: 'dropped', source: 's3', message: `${eventName} notification for ${call.route.bucket}/${object.key} failed`, detail: { error: String(error) } });
    }
  };

  const ctx: S3Context = { storage, partition, region, accountId, canList: options.canList, notify };

  const withCors = (request: AwsRequest, route: S3Route | undefined, response: AwsResponse): AwsResponse => {
    const bucket = route === undefined ? undefined : buckets.get(route.bucket);
    if (bucket === undefined || route?.operation === 'Preflight') return response;
    const cors = actualCorsHeaders(bucket.cors, request.method, request.headers);
    return { ...response, headers: { ...response.headers, ...cors } };
  };

  const handler: ServiceHandler = {
    authorizations(request) {
      try {
        return s3Authorizations(routeRequest(request), request, partition);
      } catch (error) {
        // An unreadable path or copy source is refused by `handle` before anything is touched.
        if (error instanceof S3Error) return [];
        throw error;
      }
    },

    async handle(request) {
      const ids: RequestIds = newRequestIds();
      let route: S3Route | undefined;
      try {
        route = routeRequest(request);
        const bucket = buckets.get(route.bucket);
        if (bucket === undefined) {
          if (route.operation === 'Preflight') throw new S3Error('AccessForbidden', { message: 'CORSResponse: Bucket not found' });
          if (route.bucket === '') throw new S3Error('NotImplemented');
          throw new S3Error('NoSuchBucket', { fields: { BucketName: route.bucket } });
        }
        return withCors(request, route, await dispatch(ctx, { route, request, ids }, bucket));
      } catch (error) {
        if (error instanceof S3Error) return withCors(request, route, errorResponse(error, request.method, resourceOf(route), ids));
        log({ kind: 'info', source: 's3', message: `${request.method} ${request.path} failed: ${String(error)}` });
        return errorResponse(new S3Error('InternalError', { cause: error }), request.method, resourceOf(route), ids);
      }
    },

    denied(request) {
      let route: S3Route | undefined;
      try {
        route = routeRequest(request);
      } catch {
        route = undefined;
      }
      // S3 keeps a refusal's message short whatever the reason; the gateway logs the reason.
      return withCors(request, route, errorResponse(new S3Error('AccessDenied'), request.method, resourceOf(route), newRequestIds()));
    },
  };

  return {
    handler,
    close: () => storage.close(),
    async readObject(bucket, key) {
      return (await storage.read(bucket, key, () => 'all'))?.data;
    },
    async listKeys(bucket, prefix = '') {
      return storage
        .sorted(bucket)
        .map((r) => r.key)
        .filter((k) => k.startsWith(prefix));
    },
  };
}
