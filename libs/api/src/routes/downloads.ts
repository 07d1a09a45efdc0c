import { createHmac, timingSafeEqual } from 'node:crypto';
import { ArchiveIdParamSchema, ArchiveKindSchema, attachmentDisposition, DownloadRequestSchema, ForbiddenError, OwnerIdSchema, UlidSchema, type ArchiveRequest } from '@mediaflow/domain';
import { archiveStatus, getArchiveRequest, prepareArchive, requestDownload, requestExport, type ServiceDeps } from '@mediaflow/media-service';
import type { Context } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../auth.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { streamInScope } from '../scoped-stream.js';
import { requestComponents, responseComponents } from '../schemas.js';

/** Where a download stands, and where to fetch it from once it is ready. */
export const DownloadViewSchema = z.object({
  id: UlidSchema,
  kind: ArchiveKindSchema,
  status: z.enum(['pending', 'ready', 'failed']),
  /** A short-lived link that downloads the zip as an attachment (ready only). */
  url: z.string().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  /** Why it failed (failed only). */
  reason: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type DownloadView = z.infer<typeof DownloadViewSchema>;

// Every body is a named component of the OpenAPI document (`schemas.ts`); these are named here,
// beside the only routes that use them.
requestComponents.add(DownloadRequestSchema, { id: 'DownloadRequest' });
responseComponents.add(DownloadViewSchema, { id: 'DownloadView' });

/** The path of the local server's archive links. */
export const LOCAL_ARCHIVES_PATH = '/_local/archives/';

/**
 * Links to the archives the local server streams: `/_local/archives/{ownerId}/{id}?expires=&sig=`,
 * signed with HMAC-SHA256 over the owner, the archive and the expiry with a key of its own
 * derived from the server's secret. Like an S3 presigned URL, the link is the credential (a
 * browser's download cannot send a bearer header) and opens that one archive until it expires.
 */
export class ArchiveLinks {
  private readonly key: Buffer;

  /** `secret`: at least 32 bytes (the share secret: the same on every start of the local server). */
  constructor(secret: Uint8Array) {
    if (secret.length < 32) throw new RangeError('the archive link secret needs at least 32 bytes');
    this.key = createHmac('sha256', secret).update('mediaflow/archive-link/v1').digest();
  }

  /** The link's path and query, valid until `expiresAt` (whole seconds). */
  path(ownerId: string, archiveId: string, expiresAt: Date): string {
    const expiry = Math.floor(expiresAt.getTime() / 1000);
    const owner = OwnerIdSchema.parse(ownerId);
    const id = UlidSchema.parse(archiveId);
    return `${LOCAL_ARCHIVES_PATH}${owner}/${id}?expires=${expiry}&sig=${this.mac(owner, id, expiry)}`;
  }

  /** Whether `expires` and `sig` open the archive at `now`. */
  verify(ownerId: string, archiveId: string, expires: string | undefined, sig: string | undefined, now: Date): boolean {
    if (expires === undefined || sig === undefined || !/^\d{1,12}$/.test(expires)) return false;
    const expiry = Number(expires);
    if (!(expiry * 1000 > now.getTime())) return false;
    const given = Buffer.from(sig, 'ascii');
    const expected = Buffer.from(this.mac(ownerId, archiveId, expiry), 'ascii');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(ownerId: string, archiveId: string, expiry: number): string {
    return createHmac('sha256', this.key).update(JSON.stringify([ownerId, archiveId, expiry])).digest('base64url');
  }
}

function view(request: ArchiveRequest, state: Pick<DownloadView, 'status'> & Partial<DownloadView>): DownloadView {
  return { id: request.id, kind: request.kind, url: null, expiresAt: null, reason: null, createdAt: request.createdAt, ...state };
}

/**
 * Zips of the owner's items: `POST /api/v1/downloads` (a selection, originals or one rendition of
 * each), `POST /api/v1/export` (the whole library with `library.json`), `GET /api/v1/downloads/{id}`.
 * Where the deps carry archive jobs (AWS), asking answers `202` pending and the status turns ready
 * with a presigned link to the zip the function wrote. Else, on a server that serves files itself
 * (the local server: `streamSecret` given), asking answers `200` ready at once, with a signed link
 * to {@link archiveFileRoutes}, which streams the zip. Links live `downloadUrlTtlSeconds`; asking
 * for the status again gives a fresh one. With neither, the routes do not exist (a 404).
 */
export function downloadRoutes(deps: ServiceDeps, streamSecret: Uint8Array | undefined): ApiRoute[] {
  // Archive jobs win: where they exist, zips are never streamed by this process.
  const links = deps.archiveJobs === undefined && streamSecret !== undefined ? new ArchiveLinks(streamSecret) : undefined;
  if (deps.archiveJobs === undefined && links === undefined) return [];
  const viewSchemas = {
    200: { description: 'ready: `url` downloads the zip until `expiresAt`', schema: DownloadViewSchema },
    202: { description: 'pending: being built; ask `GET /api/v1/downloads/{id}` until it is ready', schema: DownloadViewSchema },
  };

  /** The local server's answer: ready, with a link to the streaming route on this server's own origin. */
  const streamedView = (c: Context<ApiEnv>, signer: ArchiveLinks, request: ArchiveRequest): DownloadView => {
    const now = deps.clock.now();
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + deps.config.downloadUrlTtlSeconds) * 1000);
    const url = new URL(signer.path(request.ownerId, request.id, expiresAt), c.req.url).href;
    // The link is a credential for the archive: never stored by a cache on the way.
    c.header('cache-control', 'no-store');
    return view(request, { status: 'ready', url, expiresAt: expiresAt.toISOString() });
  };
  const asked = (c: Context<ApiEnv>, request: ArchiveRequest) =>
    links ? { status: 200 as const, body: streamedView(c, links, request) } : { status: 202 as const, body: view(request, { status: 'pending' }) };

  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/downloads',
      operationId: 'createDownload',
      summary: 'Zip a selection of the owner’s items: their originals, or one rendition of each (`large`, …; the largest image rendition or the original where an item has none by that name). Items that cannot go in are listed in the zip’s manifest.json.',
      tag: 'downloads',
      security: 'bearer',
      body: DownloadRequestSchema,
      responses: viewSchemas,
      errors: [400, 413, 429],
    }).handle(async (c, { body }) => asked(c, await requestDownload(deps, c.get('ownerId'), body))),

    defineRoute({
      method: 'post',
      path: '/api/v1/export',
      operationId: 'exportLibrary',
      summary: 'Zip the owner’s whole library: every original, and library.json with titles, descriptions, tags, favourites and albums (items in the trash stay out)',
      tag: 'downloads',
      security: 'bearer',
      responses: viewSchemas,
      errors: [429],
    }).handle(async (c) => asked(c, await requestExport(deps, c.get('ownerId')))),

    defineRoute({
      method: 'get',
      path: '/api/v1/downloads/{id}',
      operationId: 'getDownload',
      summary: 'Where a download (or an export) stands: pending, ready with a short-lived link, or failed with the reason',
      tag: 'downloads',
      security: 'bearer',
      params: ArchiveIdParamSchema,
      responses: { 200: { description: 'the download', schema: DownloadViewSchema } },
      errors: [400, 404, 429],
    }).handle(async (c, { params }) => {
      const ownerId = c.get('ownerId');
      if (links) return { status: 200, body: streamedView(c, links, await getArchiveRequest(deps, ownerId, params.id)) };
      const state = await archiveStatus(deps, ownerId, params.id);
      if (state.status === 'ready') {
        c.header('cache-control', 'no-store');
        return { status: 200, body: view(state.request, { status: 'ready', url: state.url, expiresAt: state.expiresAt.toISOString() }) };
      }
      return { status: 200, body: view(state.request, state.status === 'failed' ? { status: 'failed', reason: state.reason } : { status: 'pending' }) };
    }),
  ];
}

/**
 * `/_local/archives/{ownerId}/{id}`: the local server streams the zip a signed link of
 * {@link downloadRoutes} names, as it reads the files (nothing is stored or held whole), with its
 * exact `Content-Length` and as an attachment. The link is the credential: a tampered or expired
 * one is a 403. None where archives are built away from the request (AWS: S3 serves the zip), nor
 * without a `streamSecret` (a server that does not serve files itself).
 */
export function archiveFileRoutes(deps: ServiceDeps, streamSecret: Uint8Array | undefined): ApiRoute[] {
  if (deps.archiveJobs !== undefined || streamSecret === undefined) return [];
  const links = new ArchiveLinks(streamSecret);
  return [
    defineRoute({
      method: 'get',
      path: `${LOCAL_ARCHIVES_PATH}{ownerId}/{id}`,
      operationId: 'getLocalArchive',
      summary: 'Download a zip from the signed link that POST /api/v1/downloads or /api/v1/export gave',
      tag: 'downloads',
      security: 'presigned',
      params: z.object({ ownerId: z.string(), id: z.string() }),
      query: z.object({ expires: z.string().optional(), sig: z.string().optional() }),
      responses: { 200: { description: 'the zip', bytes: 'application/zip' } },
      // 404: the archive is past its retention, or none of a selection's items can be downloaded.
      errors: [403, 404],
    }).respond(async (c, { params, query }) => {
      if (!links.verify(params.ownerId, params.id, query.expires, query.sig, deps.clock.now())) {
        throw new ForbiddenError('the download link is not valid: tampered with, or expired (ask for the download again)');
      }
      const archive = await prepareArchive(deps, await getArchiveRequest(deps, params.ownerId, params.id));
      // Read in the request's scope: what the archive's reads log carries the request's id.
      return c.body(streamInScope(archive.body()), 200, {
        'content-type': 'application/zip',
        'content-length': String(archive.bytes),
        'content-disposition': attachmentDisposition(archive.filename),
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      });
    }),
  ];
}
