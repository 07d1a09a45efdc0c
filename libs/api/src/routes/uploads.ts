import { MediaIdParamSchema, UploadRequestSchema } from '@mediaflow/domain';
import { completeMultipartUpload, presignUploadParts, startUpload, uploadStatus, type ServiceDeps } from '@mediaflow/media-service';
import { defineRoute, type ApiRoute } from '../route.js';
import {
  CompleteUploadSchema,
  DuplicateUploadSchema,
  UploadAcceptedSchema,
  UploadPartsRequestSchema,
  UploadPartsSchema,
  UploadStartedSchema,
  UploadStatusSchema,
} from '../schemas.js';

/**
 * `POST /api/v1/uploads`, and for multipart uploads: their part URLs on demand, where they stand
 * (to resume one), and their completion.
 */
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
      return {
        status: 201,
        body: {
          id: result.id,
          upload: {
            uploadId: upload.uploadId,
            partSize: upload.partSize,
            partCount: upload.partCount,
            parts: upload.parts,
            partsUrl: `/api/v1/uploads/${result.id}/parts`,
            completeUrl: `/api/v1/uploads/${result.id}/complete`,
            expiresAt: upload.expiresAt,
            resumableUntil: upload.resumableUntil,
          },
        },
      };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/uploads/{id}/parts',
      operationId: 'presignUploadParts',
      summary: 'Presigned URLs for parts of a multipart upload (1 to 100 part numbers a request)',
      tag: 'uploads',
      security: 'bearer',
      params: MediaIdParamSchema,
      body: UploadPartsRequestSchema,
      responses: { 200: { description: 'a PUT URL per part, each lapsing at expiresAt', schema: UploadPartsSchema } },
      // 409: the item is not uploading any more, its upload is a single PUT, or its resume window
      // is over (code `resume_window_over`: the client starts the upload again).
      errors: [400, 404, 409, 429],
    }).handle(async (c, { params, body }) => {
      const signed = await presignUploadParts(deps, c.get('ownerId'), params.id, body.numbers);
      return { status: 200, body: signed };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/uploads/{id}',
      operationId: 'getUpload',
      summary: 'Where an upload stands: for a multipart upload that can be resumed, the parts received',
      tag: 'uploads',
      security: 'bearer',
      params: MediaIdParamSchema,
      responses: { 200: { description: 'the upload', schema: UploadStatusSchema } },
      errors: [400, 404, 429],
    }).handle(async (c, { params }) => {
      const status = await uploadStatus(deps, c.get('ownerId'), params.id);
      return { status: 200, body: status };
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
      // 400: another upload id than the item's, or not every part 1..partCount in order; 404: not the
      // owner's item; 409: the item is not uploading any more.
      errors: [400, 404, 409, 413, 429],
    }).handle(async (c, { params, body }) => {
      await completeMultipartUpload(deps, c.get('ownerId'), params.id, body.uploadId, body.parts);
      return { status: 202, body: { id: params.id, status: 'uploading' } };
    }),
  ];
}
