import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from '../app.js';
import { bearerTokens } from '../auth.js';
import { LocalTokens } from '../local-tokens.js';
import type { OpenApiDocument } from '../openapi.js';
import { generateClient, tsType } from './generate.js';

const CLIENT = join(__dirname, 'mediaflow-client.ts');
const UPDATE = process.env['UPDATE_API_CLIENT'] === '1';

/** The document with every route module mounted, as the local server serves it. */
async function fullDocument(): Promise<OpenApiDocument> {
  const deps = inMemoryDeps();
  const app = createApi({
    deps,
    verifier: bearerTokens(new LocalTokens({ secret: Buffer.alloc(32, 1) })),
    mediaFiles: {},
    localUploads: async () => new Response(null),
    account: { records: deps.repo, directory: { deleteUser: async () => undefined } },
  });
  return (await (await app.request('/api/openapi.json')).json()) as OpenApiDocument;
}

describe('the generated client', () => {
  // The committed client is what the gallery and the CLI compile against: it must not drift from
  // the routes. Regenerate with `npx nx run @mediaflow/api:generate-client`.
  it('matches what the OpenAPI document of the routes gives', async () => {
    const generated = generateClient(await fullDocument());
    if (UPDATE) writeFileSync(CLIENT, generated);
    expect(existsSync(CLIENT) ? readFileSync(CLIENT, 'utf8') : '').toBe(generated);
  });

  it('has a method per JSON operation and leaves out the ones that carry bytes', async () => {
    const source = generateClient(await fullDocument());
    for (const id of ['startUpload', 'completeUpload', 'listMedia', 'getMedia', 'updateMedia', 'deleteMedia', 'listTags', 'getHealth', 'getOpenApiDocument']) {
      expect(source).toContain(`\n    ${id}: (`);
    }
    for (const id of ['createAlbum', 'addAlbumItems', 'createShare', 'openShare', 'unlockShare', 'reportSharedMedia', 'listReview', 'approveMedia', 'rejectMedia', 'requestReview', 'getMe']) {
      expect(source).toContain(`\n    ${id}: (`);
    }
    // An owner no longer releases their own held item: a moderator approves it.
    expect(source).not.toContain('releaseMedia');
    for (const id of ['getMediaFile', 'putPresignedObject', 'getPresignedObject']) {
      expect(source).not.toContain(`\n    ${id}: (`);
      expect(source).toContain(`// - ${id}: `);
    }
  });

  it('declares an object component as an interface and a union of objects as a type', () => {
    const document = {
      openapi: '3.0.3',
      info: { title: 't', version: '1', description: '' },
      servers: [],
      components: {
        securitySchemes: {},
        schemas: {
          Problem: { type: 'object', properties: { detail: { type: 'string' } }, required: ['detail'] },
          Target: {
            oneOf: [
              { type: 'object', properties: { type: { type: 'string', enum: ['a'] } }, required: ['type'], additionalProperties: false },
              { type: 'object', properties: { type: { type: 'string', enum: ['b'] } }, required: ['type'], additionalProperties: false },
            ],
          },
        },
      },
      paths: {},
    } satisfies OpenApiDocument;
    const source = generateClient(document);
    expect(source).toContain('export interface Problem {\n');
    expect(source).toContain("export type Target = {\n  type: 'a';\n} | {\n  type: 'b';\n};\n");
  });

  it.each([
    [{ type: 'string', maxLength: 3 }, 'string'],
    [{ type: 'integer', nullable: true }, 'number | null'],
    [{ type: 'string', enum: ['a', "it's"] }, "'a' | 'it\\'s'"],
    [{ type: 'boolean', enum: [true] }, 'true'],
    [{ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } }, '(string | number)[]'],
    [{ type: 'array', items: { $ref: '#/components/schemas/Tag' } }, 'Tag[]'],
    [{ type: 'object', additionalProperties: { type: 'string' } }, 'Record<string, string>'],
    [{}, 'unknown'],
    [{ type: 'object', properties: { 'a-b': { type: 'boolean' }, c: { type: 'string' } }, required: ['c'] }, "{\n  'a-b'?: boolean | undefined;\n  c: string;\n}"],
  ])('types %j as %s', (schema, expected) => {
    expect(tsType(schema, '', 'test')).toBe(expected);
  });

  it.each([
    [{ not: { type: 'string' } }, 'the keyword not'],
    [{ type: 'array', prefixItems: [] }, 'the keyword prefixItems'],
    [{ $ref: 'https://example.com/schema' }, 'a reference outside the components'],
    [{ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }, 'both properties and additionalProperties'],
  ])('refuses %j rather than guess', (schema, message) => {
    expect(() => tsType(schema, '', 'test')).toThrow(message);
  });
});
