import { MediaIdParamSchema, UploadRequestSchema } from '@mediaflow/domain';
import { completeMultipartUpload, startUpload, type ServiceDeps } from '@mediaflow/media-service';
import { defineRoute, type ApiRoute } from '../route.js';
import { CompleteUploadSchema, DuplicateUploadSchema, UploadAcceptedSchema, UploadStartedSchema } from '../schemas.js';

/** `POST /api/v1/uploads` and the completion of multipart uploads. */
export function uploadRoutes(deps: ServiceDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/uploads',
      operationId: 'startUpload',
      summary: 'Start an upload (a single PUT, or presigned parts above the multipart threshold)',
      tag: 'uploads',
      security: 'bearer',
      body: UploadRequestSchema,
      responses: {
        201: { description: 'where to send the bytes', schema: UploadStartedSchema },
        200: { description: 'the owner already has this content', schema: DuplicateUploadSchema },
      },
      errors: [400, 413, 429],
    }).handle(async (c, { body }) => {
      const result = await startUpload(deps, c.get('ownerId'), body);
      if (result.duplicate) return { status: 200, body: { id: result.id, duplicate: true } };
      const { upload } = result;
      c.header('location', `/api/v1/media/${result.id}`);
      if ('method' in upload) {
        return { status: 201, body: { id: result.id, upload: { method: upload.method, url: upload.url, headers: upload.headers, expiresAt: upload.expiresAt } } };
      }
      const completeUrl = `/api/v1/uploads/${result.id}/complete`;
      return { status: 201, body: { id: result.id, upload: { partSize: upload.partSize, parts: upload.parts, completeUrl, uploadId: upload.uploadId, expiresAt: upload.expiresAt } } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/uploads/{id}/complete',
      operationId: 'completeUpload',
      summary: 'Complete a multipart upload',
      tag: 'uploads',
      security: 'bearer',
      params: MediaIdParamSchema,
      body: CompleteUploadSchema,
      responses: { 202: { description: 'accepted; ingest follows', schema: UploadAcceptedSchema } },
      errors: [400, 404, 409, 413, 429],
    }).handle(async (c, { params, body }) => {
      await completeMultipartUpload(deps, c.get('ownerId'), params.id, body.uploadId, body.parts);
      return { status: 202, body: { id: params.id, status: 'uploading' } };
    }),
  ];
}
