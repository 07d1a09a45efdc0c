/**
 * CloudFront's control API, as far as the stage's functions use it: `CreateInvalidation`
 * (REST-XML, `POST /2020-05-31/distribution/{Id}/invalidation`, signing name `cloudfront`), IAM
 * asked for `cloudfront:CreateInvalidation` on the distribution's ARN. The paths go to the
 * simulated distribution's edge cache at once (CloudFront takes up to a few minutes to reach every
 * edge location), and the invalidation is answered `Completed`.
 */
import { randomUUID } from 'node:crypto';
import type { AwsRequest, AwsResponse, ServiceHandler, SimAccount, SimLog } from '../../types.js';
import { DEFAULT_ACCOUNT } from '../../types.js';
import { elements, leaf, leafText, node, unescapeXml } from '../s3/xml.js';

export const CLOUDFRONT_XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

/** What an invalidation reaches: a running distribution's edge cache. */
export interface InvalidationTarget {
  /** Drops what the paths cover; returns how many cached responses went. */
  invalidate(paths: readonly string[]): number;
}

export interface CloudFrontApiOptions {
  /** The distribution by id; undefined for an id the stage does not have (or has not started yet). */
  distribution(id: string): InvalidationTarget | undefined;
  log: SimLog;
  /** For the distributions' ARNs; the default account when omitted. */
  account?: SimAccount;
  now?: () => Date;
}

export interface CloudFrontApi {
  handler: ServiceHandler;
  /** The invalidations made so far, oldest first (tests read them). */
  invalidations(): readonly Invalidation[];
}

export interface Invalidation {
  id: string;
  distributionId: string;
  callerReference: string;
  paths: string[];
  createTime: Date;
  /** Cached responses dropped. */
  dropped: number;
}

const CREATE_INVALIDATION = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/;
/** CloudFront's limit on one path; longer ones are refused. */
const MAX_PATH_LENGTH = 4000;
/** Paths in one invalidation batch (CloudFront: 3,000, of which at most 15 wildcards in progress). */
const MAX_PATHS = 3000;

export class CloudFrontApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'CloudFrontApiError';
  }
}

function errorResponse(error: CloudFrontApiError): AwsResponse {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
    body:
      `<?xml version="1.0"?>\n<ErrorResponse xmlns="${CLOUDFRONT_XMLNS}"><Error><Type>${type}</Type>` +
      `${leaf('Code', error.code)}${leaf('Message', error.message)}</Error>${leaf('RequestId', randomUUID())}</ErrorResponse>`,
  };
}

/** The invalidation batch of a request body, checked as CloudFront checks it. */
export function parseInvalidationBatch(body: string): { callerReference: string; paths: string[] } {
  const [batch] = elements(body, 'InvalidationBatch');
  if (batch === undefined) throw new CloudFrontApiError('MalformedInput', 'The request body must be an InvalidationBatch.');
  const callerReference = leafText(batch, 'CallerReference');
  if (callerReference === undefined || callerReference === '') throw new CloudFrontApiError('InvalidArgument', 'CallerReference is required.');
  const [pathsXml] = elements(batch, 'Paths');
  const quantityText = pathsXml === undefined ? undefined : leafText(pathsXml, 'Quantity');
  const quantity = quantityText === undefined ? Number.NaN : Number(quantityText);
  if (pathsXml === undefined || !Number.isInteger(quantity) || quantity < 0) throw new CloudFrontApiError('MalformedInput', 'Paths.Quantity is required.');
  const [items] = elements(pathsXml, 'Items');
  const paths = items === undefined ? [] : elements(items, 'Path').map(unescapeXml);
  if (paths.length !== quantity) throw new CloudFrontApiError('InconsistentQuantities', 'The value of Quantity and the size of Items don\'t match.');
  if (paths.length === 0) throw new CloudFrontApiError('InvalidArgument', 'An invalidation needs at least one path.');
  if (paths.length > MAX_PATHS) throw new CloudFrontApiError('BatchTooLarge', `At most ${MAX_PATHS} paths per invalidation.`, 413);
  for (const path of paths) {
    if (!path.startsWith('/') || path.length > MAX_PATH_LENGTH) throw new CloudFrontApiError('InvalidArgument', `Invalid path: ${path}`);
    if (path.indexOf('*') !== -1 && path.indexOf('*') !== path.length - 1) throw new CloudFrontApiError('InvalidArgument', `The * wildcard must be the last character of a path: ${path}`);
  }
  return { callerReference, paths };
}

function invalidationXml(invalidation: Invalidation): string {
  return (
    `<?xml version="1.0"?>\n<Invalidation xmlns="${CLOUDFRONT_XMLNS}">` +
    leaf('Id', invalidation.id) +
    leaf('Status', 'Completed') +
    leaf('CreateTime', invalidation.createTime.toISOString()) +
    node(
      'InvalidationBatch',
      node('Paths', leaf('Quantity', invalidation.paths.length), node('Items', ...invalidation.paths.map((p) => leaf('Path', p)))),
      leaf('CallerReference', invalidation.callerReference),
    ) +
    '</Invalidation>'
  );
}

/**
 * A CloudFront control-plane endpoint for the gateway.
 *
 * @example
 * const cloudfront = createCloudFrontApi({ distribution: (id) => caches.get(id), log });
 * startGateway({ services: { cloudfront: cloudfront.handler, ... }, ... });
 */
export function createCloudFrontApi(options: CloudFrontApiOptions): CloudFrontApi {
  const account = options.account ?? DEFAULT_ACCOUNT;
  const now = options.now ?? (() => new Date());
  const made: Invalidation[] = [];

  const distributionIdOf = (request: AwsRequest): string | undefined => {
    const match = request.method === 'POST' ? CREATE_INVALIDATION.exec(request.path) : null;
    return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
  };

  const create = (distributionId: string, request: AwsRequest): AwsResponse => {
    const target = options.distribution(distributionId);
    if (target === undefined) throw new CloudFrontApiError('NoSuchDistribution', 'The specified distribution does not exist.', 404);
    const batch = parseInvalidationBatch(request.body.toString('utf8'));
    // A CallerReference names one request: sent again with the same batch it is the same
    // invalidation (an SDK retry), with another batch it is refused.
    const earlier = made.find((i) => i.distributionId === distributionId && i.callerReference === batch.callerReference);
    if (earlier !== undefined) {
      if (earlier.paths.join('\n') !== batch.paths.join('\n')) {
        throw new CloudFrontApiError('InvalidationBatchAlreadyExists', 'The CallerReference has been used for a different invalidation batch.', 409);
      }
      return created(distributionId, earlier);
    }
    const invalidation: Invalidation = {
      id: `I${randomUUID().replace(/-/g, '').slice(0, 13).toUpperCase()}`,
      distributionId,
      callerReference: batch.callerReference,
      paths: batch.paths,
      createTime: now(),
      dropped: target.invalidate(batch.paths),
    };
    made.push(invalidation);
    options.log({ kind: 'info', source: 'cloudfront', message: `invalidated ${batch.paths.join(', ')} on ${distributionId}: ${invalidation.dropped} cached response(s) dropped` });
    return created(distributionId, invalidation);
  };

  const created = (distributionId: string, invalidation: Invalidation): AwsResponse => ({
    status: 201,
    headers: {
      'content-type': 'text/xml',
      location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${encodeURIComponent(distributionId)}/invalidation/${invalidation.id}`,
      'x-amzn-requestid': randomUUID(),
    },
    body: invalidationXml(invalidation),
  });

  const handler: ServiceHandler = {
    authorizations(request) {
      const id = distributionIdOf(request);
      // Anything else is answered by `handle` as unsupported; IAM has nothing to decide.
      if (id === undefined) return [];
      return [{ action: 'cloudfront:CreateInvalidation', resource: `arn:${account.partition}:cloudfront::${account.accountId}:distribution/${id}` }];
    },

    async handle(request) {
      try {
        const id = distributionIdOf(request);
        if (id === undefined) throw new CloudFrontApiError('UnsupportedOperation', `cloud-sim emulates CloudFront's CreateInvalidation only, not ${request.method} ${request.path}`);
        return create(id, request);
      } catch (error) {
        if (error instanceof CloudFrontApiError) return errorResponse(error);
        throw error;
      }
    },

    denied(_request, message) {
      return errorResponse(new CloudFrontApiError('AccessDenied', message, 403));
    },
  };

  return { handler, invalidations: () => [...made] };
}
