import { z } from 'zod';
import { defineRoute, type ApiRoute } from '../route.js';

/**
 * Answers presigned object requests: the local stand-in for S3 (`presignedHandler` of
 * `@mediaflow/storage/fs`). It throws the domain's errors; the app answers them as problems.
 */
export type PresignedHandler = (request: Request) => Promise<Response>;

const KEY = { params: z.object({ key: z.string() }), pathPatterns: { key: '.+' } };

/**
 * `/_local/objects/*`: the presigned PUTs (whole originals and multipart parts) and GETs that the
 * local object store signs, where S3 would take them in AWS. The URL's signature is the credential.
 * An upload URL writes once, as S3's create-only PUTs do: once the original is stored (or its item
 * no longer waits for it) the handler refuses with `ConflictError`, answered 409.
 */
export function localUploadRoutes(handle: PresignedHandler): ApiRoute[] {
  const passOn = async (c: { req: { raw: Request } }) => handle(c.req.raw);
  return [
    defineRoute({
      method: 'put',
      path: '/_local/objects/{key}',
      ...KEY,
      operationId: 'putPresignedObject',
      summary: 'Send the bytes of an upload, or of one part, once, to the presigned URL that POST /api/v1/uploads gave',
      tag: 'local uploads',
      security: 'presigned',
      rawBody: 'application/octet-stream',
      responses: { 200: { description: 'stored; the ETag names the bytes (a part’s goes into the completion)' } },
      // 409: the original is stored already, or its item no longer waits for it; nothing is written.
      errors: [400, 403, 404, 409, 413],
    }).respond(passOn),

    defineRoute({
      method: 'get',
      path: '/_local/objects/{key}',
      ...KEY,
      operationId: 'getPresignedObject',
      summary: 'Download an object from a presigned URL',
      tag: 'local uploads',
      security: 'presigned',
      responses: { 200: { description: 'the bytes', bytes: 'application/octet-stream' } },
      errors: [403, 404],
    }).respond(passOn),
  ];
}
